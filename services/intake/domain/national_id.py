"""Estonian isikukood and Finnish henkilötunnus: validation, birth date and sex."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from datetime import date

from shared.events.vocabulary import Sex

FINNISH_CONTROL = "0123456789ABCDEFHJKLMNPRSTUVWXY"
FINNISH_CENTURY = {
    "+": 1800,
    **dict.fromkeys("-YXWVU", 1900),
    **dict.fromkeys("ABCDEF", 2000),
}
ESTONIAN_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000, 7: 2100, 8: 2100}
_EE_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 1)
_EE_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 1, 2, 3)


class InvalidNationalId(ValueError):
    """A national identity number that breaks its format's rules; str() is the reason."""


@dataclass(frozen=True)
class NationalId:
    """A valid national identity number with what its format tells about the person."""

    value: str
    country: str
    birth_date: date
    sex: Sex


def parse_national_id(raw: str) -> NationalId:
    """Validate an Estonian or Finnish identity number; raises InvalidNationalId."""
    return _parse(raw.strip().upper())


@functools.lru_cache(maxsize=4096)
def _parse(value: str) -> NationalId:
    # Cached: validating an intake parses its id, and building its profile parses it again.
    if len(value) == 11 and value.isdigit():
        return parse_isikukood(value)
    if len(value) == 11 and value[6] in FINNISH_CENTURY:
        return parse_henkilotunnus(value)
    raise InvalidNationalId("not an Estonian isikukood or a Finnish henkilötunnus")


def estonian_check_digit(first_ten: str) -> int:
    """The isikukood check digit of its first ten digits."""
    if len(first_ten) != 10:
        raise ValueError("ten digits")
    digits = list(map(int, first_ten))
    for weights in (_EE_WEIGHTS_1, _EE_WEIGHTS_2):
        remainder = sum(map(operator.mul, digits, weights)) % 11
        if remainder != 10:
            return remainder
    return 0


def parse_isikukood(value: str) -> NationalId:
    """Validate an Estonian isikukood (GYYMMDDSSSC)."""
    if len(value) != 11 or not value.isdigit():
        raise InvalidNationalId("an isikukood has 11 digits")
    first = int(value[0])
    if first not in ESTONIAN_CENTURY:
        raise InvalidNationalId("first digit must be 1-8")
    birth = _birth_date(ESTONIAN_CENTURY[first] + int(value[1:3]), value[3:5], value[5:7])
    if estonian_check_digit(value[:10]) != int(value[10]):
        raise InvalidNationalId("checksum does not match")
    sex = Sex.MALE if first % 2 == 1 else Sex.FEMALE
    return NationalId(value=value, country="EE", birth_date=birth, sex=sex)


def finnish_control_char(ddmmyy: str, individual: str) -> str:
    """The henkilötunnus control character of its date and individual number."""
    return FINNISH_CONTROL[int(ddmmyy + individual) % 31]


def parse_henkilotunnus(value: str) -> NationalId:
    """Validate a Finnish henkilötunnus (DDMMYYCZZZQ, century signs of the 2023 reform)."""
    ddmmyy, sign, individual, control = value[:6], value[6], value[7:10], value[10:]
    if len(value) != 11 or not (ddmmyy + individual).isdigit():
        raise InvalidNationalId("a henkilötunnus is DDMMYY, a century sign, 3 digits and a check")
    if sign not in FINNISH_CENTURY:
        raise InvalidNationalId("unknown century sign")
    birth = _birth_date(FINNISH_CENTURY[sign] + int(ddmmyy[4:6]), ddmmyy[2:4], ddmmyy[0:2])
    if int(individual) < 2:
        raise InvalidNationalId("individual number must be 002-999")
    if finnish_control_char(ddmmyy, individual) != control:
        raise InvalidNationalId("checksum does not match")
    sex = Sex.MALE if int(individual) % 2 == 1 else Sex.FEMALE
    return NationalId(value=value, country="FI", birth_date=birth, sex=sex)


def _birth_date(year: int, month: str, day: str) -> date:
    try:
        return date(year, int(month), int(day))
    except ValueError:
        raise InvalidNationalId("birth date is not a valid date") from None

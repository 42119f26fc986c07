"""Valid synthetic national identity numbers, unique within one generated population.

Estonian isikukood `GYYMMDDSSSC`: G gives century and sex (3/4 for 1900s, 5/6 for 2000s,
odd = male), SSS a serial number, C the check digit of the two weighted sums mod 11.
Finnish henkilötunnus `DDMMYYCZZZQ`: C the century sign (`-` 1900s, `A` 2000s), ZZZ the
individual number 002-899 (odd = male), Q the control character of DDMMYYZZZ mod 31.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

FINNISH_CONTROL = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_EE_WEIGHTS = ((1, 2, 3, 4, 5, 6, 7, 8, 9, 1), (3, 4, 5, 6, 7, 8, 9, 1, 2, 3))
_DAY_STEP = 7919  # prime, coprime with 365: spreads consecutive people over the year


def estonian_check_digit(first_ten: str) -> int:
    """The isikukood check digit of its first ten digits."""
    digits = [int(c) for c in first_ten]
    for weights in _EE_WEIGHTS:
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return 0


def finnish_control_char(ddmmyy: str, individual: str) -> str:
    """The henkilötunnus control character of its date and individual number."""
    return FINNISH_CONTROL[int(ddmmyy + individual) % 31]


def isikukood(birth: date, male: bool, serial: int) -> str:
    """The isikukood of a person born on `birth` with serial number 0-999."""
    if not 0 <= serial <= 999 or not 1900 <= birth.year <= 2099:
        raise ValueError("serial 0-999 and a birth year 1900-2099")
    century = 3 if birth.year < 2000 else 5
    first_ten = f"{century + (0 if male else 1)}{birth:%y%m%d}{serial:03d}"
    return first_ten + str(estonian_check_digit(first_ten))


def henkilotunnus(birth: date, male: bool, serial: int) -> str:
    """The henkilötunnus of a person born on `birth`; serial 0-448 picks the individual number."""
    if not 0 <= serial <= 448 or not 1900 <= birth.year <= 2099:
        raise ValueError("serial 0-448 and a birth year 1900-2099")
    individual = f"{2 + 2 * serial + (1 if male else 0):03d}"
    ddmmyy = f"{birth:%d%m%y}"
    sign = "-" if birth.year < 2000 else "A"
    return f"{ddmmyy}{sign}{individual}{finnish_control_char(ddmmyy, individual)}"


class NationalIdMint:
    """Hands out unique valid ids: the k-th person of a birth year, sex and country gets
    day (k * 7919 + shift) mod 365 of that year and serial k // 365 (an injective mapping)."""

    def __init__(self) -> None:
        self._issued: Counter[tuple[str, int, bool]] = Counter()

    def issue(self, country: str, birth_year: int, male: bool) -> tuple[str, date]:
        """A fresh id and the birth date it encodes, for a person of `country` (EE or FI)."""
        key = (country, birth_year, male)
        k = self._issued[key]
        self._issued[key] += 1
        shift = birth_year * 97 + (181 if male else 0)  # so not every bucket starts on 1 January
        birth = date(birth_year, 1, 1) + timedelta(days=(k * _DAY_STEP + shift) % 365)
        if country == "EE":
            return isikukood(birth, male, k // 365), birth
        return henkilotunnus(birth, male, k // 365), birth

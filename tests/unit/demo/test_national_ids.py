"""Generated national ids follow the published checksum rules and are unique."""

from datetime import date

import pytest

from demo.national_ids import NationalIdMint, henkilotunnus, isikukood
from demo.people import iter_participants

FI_CONTROL = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def valid_isikukood(code: str) -> bool:
    """Estonian rule, written out from the standard (EVS 585:2007) independently."""
    if len(code) != 11 or not code.isdigit() or code[0] not in "123456":
        return False
    century = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}[code[0]]
    try:
        date(century + int(code[1:3]), int(code[3:5]), int(code[5:7]))
    except ValueError:
        return False
    digits = [int(c) for c in code]
    check = (
        sum(d * w for d, w in zip(digits[:10], (1, 2, 3, 4, 5, 6, 7, 8, 9, 1), strict=True)) % 11
    )
    if check == 10:
        check = (
            sum(d * w for d, w in zip(digits[:10], (3, 4, 5, 6, 7, 8, 9, 1, 2, 3), strict=True))
            % 11
        )
        check = 0 if check == 10 else check
    return check == digits[10]


def valid_henkilotunnus(code: str) -> bool:
    """Finnish rule (DVV): DDMMYY, century sign, individual 002-899, control char mod 31."""
    if len(code) != 11 or code[6] not in "+-YXWVUABCDEF":
        return False
    century = 1800 if code[6] == "+" else 1900 if code[6] in "-YXWVU" else 2000
    try:
        date(century + int(code[4:6]), int(code[2:4]), int(code[0:2]))
    except ValueError:
        return False
    if not code[7:10].isdigit() or not 2 <= int(code[7:10]) <= 899:
        return False
    return FI_CONTROL[int(code[0:6] + code[7:10]) % 31] == code[10]


def test_known_examples_from_the_published_rules() -> None:
    # 37605030299 is the isikukood example used in Estonia's documentation;
    # 131052-308T is DVV's example henkilötunnus.
    assert isikukood(date(1976, 5, 3), male=True, serial=29) == "37605030299"
    assert henkilotunnus(date(1952, 10, 13), male=False, serial=153) == "131052-308T"
    assert valid_isikukood("37605030299") and valid_henkilotunnus("131052-308T")


def test_every_generated_id_is_valid_and_unique() -> None:
    people = list(iter_participants(seed=11, count=5000))
    ids = [p.national_id for p in people]
    assert len(set(ids)) == len(ids)
    for p in people:
        valid = valid_isikukood if p.country == "EE" else valid_henkilotunnus
        assert valid(p.national_id), p.national_id


def test_ids_encode_sex_and_birth_year() -> None:
    for p in iter_participants(seed=3, count=500):
        if p.country == "EE":
            assert (int(p.national_id[0]) % 2 == 1) == p.male
            assert (
                1900 + int(p.national_id[1:3]) + (100 if p.national_id[0] in "56" else 0)
                == p.birth_year
            )
        else:
            assert (int(p.national_id[7:10]) % 2 == 1) == p.male
            assert p.national_id[4:6] == f"{p.birth_year % 100:02d}"


def test_ids_agree_with_the_intake_service_validation() -> None:
    from services.intake.domain.national_id import parse_national_id

    for p in iter_participants(seed=5, count=300):
        parsed = parse_national_id(p.national_id)
        assert parsed.birth_date.year == p.birth_year


def test_a_mutated_check_digit_is_invalid() -> None:
    code = isikukood(date(1990, 2, 14), male=False, serial=123)
    wrong = code[:10] + str((int(code[10]) + 1) % 10)
    assert valid_isikukood(code) and not valid_isikukood(wrong)


def test_mint_gives_unique_ids_up_to_a_buckets_capacity_then_refuses() -> None:
    mint = NationalIdMint()
    ids = {mint.issue("FI", 1980, True)[0] for _ in range(365 * 449)}
    assert len(ids) == 365 * 449
    with pytest.raises(ValueError):
        mint.issue("FI", 1980, True)

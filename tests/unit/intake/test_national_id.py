"""Estonian and Finnish identity numbers, checked against ids built from the published rules."""

from datetime import date

import pytest

from services.intake.domain import InvalidNationalId, parse_national_id
from shared.events.vocabulary import Sex

CONTROL = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def isikukood(first10: str) -> str:
    """Build a valid isikukood from its first ten digits, by the published two-pass rule."""
    digits = [int(c) for c in first10]
    for weights in ((1, 2, 3, 4, 5, 6, 7, 8, 9, 1), (3, 4, 5, 6, 7, 8, 9, 1, 2, 3)):
        r = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if r < 10:
            return first10 + str(r)
    return first10 + "0"


def hetu(ddmmyy: str, sign: str, individual: str) -> str:
    """Build a valid henkilötunnus by the published mod-31 rule."""
    return f"{ddmmyy}{sign}{individual}{CONTROL[int(ddmmyy + individual) % 31]}"


def test_published_estonian_example_is_valid() -> None:
    nid = parse_national_id("37605030299")  # the example on the Estonian ID card documentation
    assert nid.country == "EE"
    assert nid.birth_date == date(1976, 5, 3)
    assert nid.sex is Sex.MALE


@pytest.mark.parametrize(
    ("first10", "born", "sex"),
    [
        ("3800108571", date(1980, 1, 8), Sex.MALE),
        ("4991231000", date(1999, 12, 31), Sex.FEMALE),
        ("6050228123", date(2005, 2, 28), Sex.FEMALE),
        ("5120229004", date(2012, 2, 29), Sex.MALE),
        ("2891111222", date(1889, 11, 11), Sex.FEMALE),
    ],
)
def test_estonian_ids_built_from_the_rules_are_valid(first10: str, born: date, sex: Sex) -> None:
    nid = parse_national_id(isikukood(first10))
    assert (nid.country, nid.birth_date, nid.sex) == ("EE", born, sex)


def test_estonian_second_pass_and_zero_cases_are_handled() -> None:
    """Find ids whose first pass gives 10, so the second weights (and the 0 rule) are used."""
    seen_second_pass = 0
    for serial in range(1000):
        first10 = f"3800108{serial:03d}"
        digits = [int(c) for c in first10]
        if sum(d * w for d, w in zip(digits, (1, 2, 3, 4, 5, 6, 7, 8, 9, 1), strict=True)) % 11:
            continue
        seen_second_pass += 1
        assert parse_national_id(isikukood(first10)).birth_date == date(1980, 1, 8)
    assert seen_second_pass > 0


@pytest.mark.parametrize("good", ["38001085718", "37605030299", isikukood("6120229004")])
def test_mutated_estonian_check_digit_is_rejected(good: str) -> None:
    for wrong in "0123456789":
        if wrong == good[-1]:
            continue
        with pytest.raises(InvalidNationalId, match="checksum does not match"):
            parse_national_id(good[:-1] + wrong)


def test_swapped_estonian_digits_are_rejected() -> None:
    with pytest.raises(InvalidNationalId, match="checksum does not match"):
        parse_national_id("38001085178")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("98001085718", "first digit must be 1-8"),
        (isikukood("3801308571"), "birth date is not a valid date"),
        (isikukood("3010229000"), "birth date is not a valid date"),
        ("3800108571", "not an Estonian isikukood or a Finnish henkilötunnus"),
        ("3800108571X", "not an Estonian isikukood or a Finnish henkilötunnus"),
    ],
)
def test_malformed_estonian_ids_give_a_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidNationalId, match=reason):
        parse_national_id(raw)


def test_published_finnish_example_is_valid() -> None:
    nid = parse_national_id("131052-308T")  # the example in the DVV's documentation
    assert (nid.country, nid.birth_date, nid.sex) == ("FI", date(1952, 10, 13), Sex.FEMALE)


@pytest.mark.parametrize(
    ("ddmmyy", "sign", "individual", "born", "sex"),
    [
        ("010594", "Y", "903", date(1994, 5, 1), Sex.MALE),
        ("020503", "A", "028", date(2003, 5, 2), Sex.FEMALE),
        ("311299", "-", "124", date(1999, 12, 31), Sex.FEMALE),
        ("290200", "B", "003", date(2000, 2, 29), Sex.MALE),
        ("150650", "+", "247", date(1850, 6, 15), Sex.MALE),
        ("070780", "U", "998", date(1980, 7, 7), Sex.FEMALE),
        ("010110", "F", "011", date(2010, 1, 1), Sex.MALE),
    ],
)
def test_finnish_ids_built_from_the_rules_are_valid(
    ddmmyy: str, sign: str, individual: str, born: date, sex: Sex
) -> None:
    nid = parse_national_id(hetu(ddmmyy, sign, individual))
    assert (nid.country, nid.birth_date, nid.sex) == ("FI", born, sex)


def test_lowercase_and_spaces_are_normalised() -> None:
    assert parse_national_id(" 131052-308t ").value == "131052-308T"


@pytest.mark.parametrize("good", ["131052-308T", hetu("020503", "A", "028")])
def test_mutated_finnish_control_char_is_rejected(good: str) -> None:
    for wrong in CONTROL:
        if wrong == good[-1]:
            continue
        with pytest.raises(InvalidNationalId, match="checksum does not match"):
            parse_national_id(good[:-1] + wrong)


def test_mutated_finnish_individual_number_is_rejected() -> None:
    with pytest.raises(InvalidNationalId, match="checksum does not match"):
        parse_national_id("131052-309T")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (hetu("310252", "-", "308"), "birth date is not a valid date"),
        (hetu("131052", "-", "001"), "individual number must be 002-999"),
        ("131052G308T", "not an Estonian isikukood or a Finnish henkilötunnus"),
        ("13105-2308T", "not an Estonian isikukood or a Finnish henkilötunnus"),
    ],
)
def test_malformed_finnish_ids_give_a_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidNationalId, match=reason):
        parse_national_id(raw)

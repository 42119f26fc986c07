"""Property tests: every id built by the published rules parses back to its date and sex."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from services.intake.domain import estonian_check_digit, finnish_control_char, parse_national_id
from shared.events.vocabulary import Sex

births = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
serials = st.integers(min_value=2, max_value=999)


@given(births, st.booleans(), serials)
def test_estonian_ids_round_trip(born: date, male: bool, serial: int) -> None:
    first = {19: 3, 20: 5}[born.year // 100] + (0 if male else 1)
    ten = f"{first}{born:%y%m%d}{serial:03d}"
    nid = parse_national_id(ten + str(estonian_check_digit(ten)))
    assert (nid.birth_date, nid.sex) == (born, Sex.MALE if male else Sex.FEMALE)


@given(births, serials, st.data())
def test_finnish_ids_round_trip(born: date, individual: int, data: st.DataObject) -> None:
    sign = data.draw(st.sampled_from("-YXWVU" if born.year < 2000 else "ABCDEF"))
    ddmmyy = f"{born:%d%m%y}"
    hetu = f"{ddmmyy}{sign}{individual:03d}{finnish_control_char(ddmmyy, f'{individual:03d}')}"
    nid = parse_national_id(hetu)
    assert (nid.birth_date, nid.sex) == (born, Sex.MALE if individual % 2 else Sex.FEMALE)


@given(births, serials, st.integers(min_value=1, max_value=30))
def test_finnish_control_char_catches_any_wrong_character(
    born: date, individual: int, shift: int
) -> None:
    ddmmyy, ind = f"{born:%d%m%y}", f"{individual:03d}"
    right = finnish_control_char(ddmmyy, ind)
    table = "0123456789ABCDEFHJKLMNPRSTUVWXY"
    wrong = table[(table.index(right) + shift) % 31]
    sign = "-" if born.year < 2000 else "A"
    try:
        parse_national_id(f"{ddmmyy}{sign}{ind}{wrong}")
    except ValueError as exc:
        assert str(exc) == "checksum does not match"
    else:
        raise AssertionError("a wrong control character was accepted")

"""The plausibility rules of an intake: printable text, a working-age person, real numbers."""

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from services.intake.domain import MAX_AGE, MIN_AGE, estonian_check_digit, plausible_age, printable
from services.intake.schemas import ConsentWithdrawal, IntakeIn, ParticipantCorrection
from shared.http_errors import field_errors


def isikukood(first: int, yymmdd: str) -> str:
    ten = f"{first}{yymmdd}123"
    return ten + str(estonian_check_digit(ten))


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "municipality": "Narva linn",
        "national_id": "38001085718",
        "given_name": "Ivan",
        "family_name": "Petrov",
        "labour_market_status": "unemployed",
        "consent": {
            "purposes": ["case_management"],
            "given_at": "2026-01-05T10:00:00+02:00",
            "recorded_by": "Narva team",
        },
    }
    data.update(overrides)
    return data


def reasons(data: dict[str, Any], model: Any = IntakeIn) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return {e["field"]: e["reason"] for e in field_errors(caught.value.errors(), skip=())}


@pytest.mark.parametrize("text", ["a\x00b", "\x1b[31mred", "bell\x07", "csi\x9b2J", "tab\there"])
def test_control_characters_are_not_printable(text: str) -> None:
    with pytest.raises(ValueError, match="control characters"):
        printable(text)


def test_ordinary_names_are_printable() -> None:
    assert printable("Jüri Õunapuu-Ärni O'Neill") == "Jüri Õunapuu-Ärni O'Neill"


def test_ages_outside_working_life_are_refused() -> None:
    today = date(2026, 12, 3)
    assert plausible_age(date(2011, 12, 3), today) == MIN_AGE
    assert plausible_age(date(1926, 12, 3), today) == MAX_AGE
    for birth in (date(2031, 1, 1), date(2011, 12, 4), date(1925, 12, 3)):
        with pytest.raises(ValueError):
            plausible_age(birth, today)


@pytest.mark.parametrize(
    "national_id",
    [isikukood(6, "310101"), isikukood(1, "500101"), isikukood(5, "200101")],
    ids=["born-2031", "born-1850", "age-6"],
)
def test_an_id_giving_an_implausible_age_is_refused_with_the_age(national_id: str) -> None:
    got = reasons(body(national_id=national_id))
    assert "gives an age of" in got["national_id"] or "future" in got["national_id"], got


@pytest.mark.parametrize(
    "field", ["availability_hours", "months_unemployed", "isced_level", "max_travel_km"]
)
def test_true_is_not_a_number(field: str) -> None:
    for refused in (reasons(body(**{field: True})), reasons({field: False}, ParticipantCorrection)):
        assert set(refused) == {field}, refused
        assert "number" in refused[field], refused  # "an integer number" / "a number"


def test_true_is_not_a_coordinate() -> None:
    assert "home.lat" in reasons(body(home={"lat": True, "lon": 24.0}))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"given_name": "Ivan\x1b]0;owned\x07"}, "given_name"),
        ({"family_name": "Pe\x00trov"}, "family_name"),
        ({"municipality": "Narva\x00linn"}, "municipality"),
        ({"skills": ["cleaning\x00"]}, "skills.0"),
        ({"interests": ["\x00"]}, "interests.0"),
        ({"accessibility_needs": ["ramp\x00"]}, "accessibility_needs.0"),
        ({"contact": {"email": "a\x00b@example.ee"}}, "contact.email"),
    ],
)
def test_control_characters_are_refused_in_every_text_field(
    overrides: dict[str, Any], field: str
) -> None:
    assert reasons(body(**overrides)) == {field: "must not contain control characters"}


def test_consent_recorders_must_be_printable() -> None:
    consent = {**body()["consent"], "recorded_by": "team\x00"}
    assert reasons(body(consent=consent)) == {
        "consent.recorded_by": "must not contain control characters"
    }
    assert "recorded_by" in reasons({"recorded_by": "\x1b[2J"}, ConsentWithdrawal)


def test_an_unknown_key_with_control_characters_is_named_escaped() -> None:
    got = reasons(body(**{"bad\x00key": 1}))
    assert list(got) == ["bad\\x00key"]

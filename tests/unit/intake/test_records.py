"""The rows and events a registration writes equal what the event models in shared/events make."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import pytest

from demo import iter_participants
from demo.bodies import intake_body
from services.intake.crypto import PersonalDataVault
from services.intake.domain import parse_national_id
from services.intake.records import (
    REGISTERED,
    UPDATED,
    Cause,
    event_json,
    new_participant,
    new_profile,
)
from services.intake.schemas import IntakeIn
from shared.events import new_event
from shared.events.envelope import decode
from shared.events.intake import ParticipantProfile, ParticipantRegistered, ParticipantUpdated

TODAY = date(2026, 3, 1)
VAULT = PersonalDataVault(id_hash_secret="test-secret", encryption_key="A" * 43 + "=")


def _odd_bodies() -> list[dict[str, Any]]:
    """Bodies that exercise normalisation: repeats, case, no home, unknown places, fractions."""
    base = intake_body(next(iter_participants(11, 1)))
    return [
        {**base, "languages": ["ET", "ru", "et"], "risk_groups": ["low_skills", "low_skills"]},
        {**base, "home": None, "municipality": "Nowhere in particular"},
        {**base, "home": {"postal_code": "79511"}, "max_travel_km": 12.345, "isced_level": None},
        {**base, "given_name": "Äänekoski-Öhman", "accessibility_needs": ["äänimerkki", "ramp"]},
        {**base, "home": {"lat": 60, "lon": 25}, "availability_hours": 0, "max_travel_km": 0},
    ]


def _intakes() -> list[IntakeIn]:
    bodies = [intake_body(p) for p in iter_participants(7, 100)] + _odd_bodies()
    return [IntakeIn.model_validate(b) for b in bodies]


def _as_pydantic_would(intake: IntakeIn, participant_id: Any) -> dict[str, Any]:
    """The profile built through the event model, as registration did before."""
    nid = parse_national_id(intake.national_id)
    profile = new_profile(intake, participant_id, TODAY)
    fields = {k: profile[k] for k in ("age_at_entry", "age_band", "location")}
    return ParticipantProfile(
        participant_id=participant_id,
        municipality=intake.municipality,
        registered_on=TODAY,
        birth_year=nid.birth_date.year,
        sex=nid.sex,
        languages=list(dict.fromkeys(intake.languages)),
        risk_groups=list(dict.fromkeys(intake.risk_groups)),
        **fields,
        **intake.model_dump(
            include={
                "labour_market_status",
                "months_unemployed",
                "in_education_or_training",
                "isced_level",
                "skills",
                "interests",
                "availability_hours",
                "transport",
                "max_travel_km",
                "telework_ready",
                "accessibility_needs",
                "special_categories_refused",
            }
        ),
    ).model_dump(mode="json")


@pytest.mark.parametrize("intake", _intakes(), ids=lambda i: i.national_id)
def test_profile_is_the_event_models_own_json(intake: IntakeIn) -> None:
    pid = uuid4()
    profile = new_profile(intake, pid, TODAY)
    model = ParticipantRegistered.model_validate(profile)
    assert json.dumps(model.model_dump(mode="json")) == json.dumps(profile)
    assert profile == _as_pydantic_would(intake, pid)


@pytest.mark.parametrize("intake", _intakes()[-8:], ids=lambda i: i.national_id)
def test_registered_event_decodes_and_dumps_to_the_same_text(intake: IntakeIn) -> None:
    now = datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=UTC)
    row = new_participant(intake, b"h" * 32, VAULT, today=TODAY, now=now)
    env = decode(row.event)
    assert env is not None and isinstance(env.payload, ParticipantRegistered)
    assert env.model_dump_json() == row.event
    assert (env.event_id, env.correlation_id, env.causation_id) == (
        row.event_id,
        row.event_id,
        None,
    )
    assert env.payload.participant_id == row.participant_id
    same = new_event(env.payload, producer="intake", occurred_at=now)
    assert json.loads(same.model_dump_json())["payload"] == json.loads(row.event)["payload"]


def test_sealed_personal_data_opens_to_names_contact_and_home() -> None:
    intake = _intakes()[-2]  # non-ASCII name
    row = new_participant(intake, b"h" * 32, VAULT, today=TODAY, now=datetime.now(UTC))
    opened = VAULT.open(row.personal, bound_to=row.participant_id.bytes)
    assert opened == intake.model_dump(
        mode="json", include={"given_name", "family_name", "contact", "home"}
    )
    assert json.loads(row.consent) == intake.consent.model_dump(mode="json")


def test_updated_event_follows_its_cause_and_names_changed_fields() -> None:
    intake = _intakes()[0]
    cause = Cause(correlation_id=uuid4(), causation_id=uuid4())
    payload = {**new_profile(intake, uuid4(), TODAY), "changed_fields": ["municipality"]}
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # whole seconds: no fraction in the text
    event_id, text = event_json(UPDATED, payload, now=now, cause=cause)
    env = decode(text)
    assert env is not None and isinstance(env.payload, ParticipantUpdated)
    assert env.model_dump_json() == text
    assert (env.event_id, env.correlation_id, env.causation_id) == (
        event_id,
        cause.correlation_id,
        cause.causation_id,
    )
    assert env.payload.changed_fields == ["municipality"]
    assert REGISTERED != UPDATED

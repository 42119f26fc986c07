"""What a registration writes: the participant's profile, sealed personal data, and its event.

Built straight from a validated intake as JSON-ready values, without a second round of
pydantic models: the profile dict is exactly `ParticipantProfile.model_dump(mode="json")`,
and `event_json` exactly `Envelope.model_dump_json()` (tests/unit/intake/test_records.py
holds both to the models in `shared/events`, which stay the one definition).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from pydantic_core import to_json

from services.intake.crypto import PersonalDataVault
from services.intake.domain import age_band, age_on, coarse, parse_national_id
from services.intake.places import centre_of
from services.intake.schemas import HomeLocation, IntakeIn, ParticipantDetails
from shared.events import streams
from shared.events.envelope import new_event_id
from shared.events.intake import ParticipantRegistered, ParticipantUpdated

PRODUCER = "intake"
PERSONAL = frozenset({"given_name", "family_name", "contact", "home"})
"""What stays sealed in intake: names, contact and the exact home."""
_PERSONAL_FIELDS = set(PERSONAL)


def coarse_location(municipality: str, home: HomeLocation | None) -> dict[str, Any] | None:
    """Home coordinates to about 1 km, else the municipality centre, else unknown."""
    point = (home.coordinates() if home else None) or centre_of(municipality)
    if point is None:
        return None
    return {"municipality": municipality, "lat": coarse(point[0]), "lon": coarse(point[1])}


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))  # first occurrence kept, in order


def profile_fields(details: ParticipantDetails, municipality: str) -> dict[str, Any]:
    """The pseudonymous profile fields that come straight from a participant's details."""
    d = details
    return {
        "languages": _unique(d.languages),
        "risk_groups": _unique([g.value for g in d.risk_groups]),
        "labour_market_status": d.labour_market_status.value,
        "months_unemployed": d.months_unemployed,
        "in_education_or_training": d.in_education_or_training,
        "isced_level": d.isced_level,
        "skills": list(d.skills),
        "interests": list(d.interests),
        "location": coarse_location(municipality, d.home),
        "availability_hours": d.availability_hours,
        "transport": d.transport.value,
        "max_travel_km": d.max_travel_km,
        "telework_ready": d.telework_ready,
        "accessibility_needs": list(d.accessibility_needs),
        "special_categories_refused": d.special_categories_refused,
    }


def new_profile(intake: IntakeIn, participant_id: UUID, today: date) -> dict[str, Any]:
    """The profile of a registration, with birth year, age and sex from the national id."""
    nid = parse_national_id(intake.national_id)
    age = age_on(nid.birth_date, today)
    return {
        "participant_id": str(participant_id),
        "municipality": intake.municipality,
        "registered_on": today.isoformat(),
        "birth_year": nid.birth_date.year,
        "age_at_entry": age,
        "age_band": age_band(age),
        "sex": nid.sex.value,
        **profile_fields(intake, intake.municipality),
    }


def seal_personal(
    vault: PersonalDataVault, details: ParticipantDetails, participant_id: UUID
) -> bytes:
    """The participant's names, contact and exact home, sealed to their id."""
    plain = details.model_dump_json(include=_PERSONAL_FIELDS).encode()
    return vault.seal_bytes(plain, bound_to=participant_id.bytes)


@dataclass(frozen=True)
class Cause:
    """The event a registration follows (an inbound request), for correlation."""

    correlation_id: UUID
    causation_id: UUID


def event_json(
    type_: str, payload: dict[str, Any], *, now: datetime | str, cause: Cause | None = None
) -> tuple[UUID, str]:
    """(event id, the envelope as JSON) of one intake event, as `new_event(...)` would write it.

    `now` is when it occurred, or `occurred_at(now)` made once for many events.
    """
    event_id = new_event_id()
    envelope = {
        "event_id": str(event_id),
        "type": type_,
        "version": 1,
        "occurred_at": now if isinstance(now, str) else occurred_at(now),
        "producer": PRODUCER,
        "correlation_id": str(cause.correlation_id if cause else event_id),
        "causation_id": str(cause.causation_id) if cause else None,
        "payload": payload,
    }
    # pydantic-core's encoder: pydantic's own JSON (compact, UTF-8), three times json.dumps's speed
    return event_id, to_json(envelope).decode()


def occurred_at(now: datetime) -> str:
    """An event time as the envelope's JSON writes it."""
    return now.astimezone(UTC).isoformat().replace("+00:00", "Z")


REGISTERED = ParticipantRegistered.TYPE
UPDATED = ParticipantUpdated.TYPE
STREAM = streams.INTAKE
assert ParticipantRegistered.STREAM == ParticipantUpdated.STREAM == STREAM
assert ParticipantRegistered.VERSION == ParticipantUpdated.VERSION == 1


@dataclass(frozen=True)
class NewParticipant:
    """A participant to insert, with its participant.registered event (whose payload is the profile)."""

    participant_id: UUID
    id_hash: bytes
    municipality: str
    registered_on: date
    personal: bytes
    consent: str
    event_id: UUID
    event: str
    name_tokens: tuple[bytes, ...] = ()


def new_participant(
    intake: IntakeIn,
    id_hash: bytes,
    vault: PersonalDataVault,
    *,
    today: date,
    now: datetime | str,
    cause: Cause | None = None,
) -> NewParticipant:
    """A first registration: a fresh pseudonymous id, the profile, the sealed personal data."""
    participant_id = uuid4()
    event_id, event = event_json(
        REGISTERED, new_profile(intake, participant_id, today), now=now, cause=cause
    )
    return NewParticipant(
        participant_id=participant_id,
        id_hash=id_hash,
        municipality=intake.municipality,
        registered_on=today,
        personal=seal_personal(vault, intake, participant_id),
        consent=intake.consent.model_dump_json(),
        event_id=event_id,
        event=event,
        name_tokens=tuple(vault.name_tokens(intake.given_name, intake.family_name)),
    )

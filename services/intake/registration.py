"""Registering participants, set-based: one person is one participant, however often seen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from services.intake import repository
from services.intake.crypto import PersonalDataVault
from services.intake.domain import age_band, age_on, changed_fields, coarse, parse_national_id
from services.intake.places import centre_of
from services.intake.repository import ParticipantRow
from services.intake.schemas import HomeLocation, IntakeIn, ParticipantDetails
from shared.events.envelope import Payload
from shared.events.intake import (
    CoarseLocation,
    ParticipantProfile,
    ParticipantRegistered,
    ParticipantUpdated,
)

CHUNK = 1000
FROZEN_AT_ENTRY = (
    "registered_on",
    "birth_year",
    "age_at_entry",
    "age_band",
    "labour_market_status",
    "months_unemployed",
    "in_education_or_training",
    "isced_level",
)
"""ESF: status at entry is recorded at the first entry and kept when the person comes again."""

_PROFILE_FIELDS = (
    "languages risk_groups labour_market_status months_unemployed in_education_or_training"
    " isced_level skills interests availability_hours transport max_travel_km telework_ready"
    " accessibility_needs special_categories_refused"
).split()


@dataclass(frozen=True)
class Registration:
    """The outcome of registering one intake, with the event it implies."""

    participant_id: UUID
    status: str
    event: Payload


def coarse_location(municipality: str, home: HomeLocation | None) -> CoarseLocation | None:
    """Home coordinates to about 1 km, else the municipality centre, else unknown."""
    point = (home.coordinates() if home else None) or centre_of(municipality)
    if point is None:
        return None
    return CoarseLocation(municipality=municipality, lat=coarse(point[0]), lon=coarse(point[1]))


def profile_fields(details: ParticipantDetails, municipality: str) -> dict[str, Any]:
    """The pseudonymous profile fields that come straight from a participant's details."""
    data = details.model_dump(mode="json", include=set(_PROFILE_FIELDS))
    data["languages"] = sorted(set(data["languages"]), key=data["languages"].index)
    data["risk_groups"] = sorted(set(data["risk_groups"]), key=data["risk_groups"].index)
    location = coarse_location(municipality, details.home)
    data["location"] = None if location is None else location.model_dump(mode="json")
    return data


def personal_data(details: ParticipantDetails) -> dict[str, Any]:
    """What stays sealed in intake: names, contact and the exact home."""
    return details.model_dump(mode="json", include={"given_name", "family_name", "contact", "home"})


def new_profile(intake: IntakeIn, participant_id: UUID, today: date) -> ParticipantProfile:
    """The profile of a registration, with birth year, age and sex from the national id."""
    nid = parse_national_id(intake.national_id)
    age = age_on(nid.birth_date, today)
    return ParticipantProfile(
        participant_id=participant_id,
        municipality=intake.municipality,
        registered_on=today,
        birth_year=nid.birth_date.year,
        age_at_entry=age,
        age_band=age_band(age),
        sex=nid.sex,
        **profile_fields(intake, intake.municipality),
    )


def _rounds(hashes: Sequence[bytes]) -> list[list[int]]:
    """Row indexes in chunks where no id hash repeats, so a repeat becomes an update."""
    rounds: list[list[int]] = [[]]
    seen: set[bytes] = set()
    for index, h in enumerate(hashes):
        if h in seen or len(rounds[-1]) >= CHUNK:
            rounds.append([])
            seen = set()
        rounds[-1].append(index)
        seen.add(h)
    return [r for r in rounds if r]


async def register_many(
    conn: asyncpg.Connection,
    intakes: Sequence[IntakeIn],
    *,
    vault: PersonalDataVault,
    today: date,
) -> list[Registration]:
    """Register intakes inside the caller's transaction; results are in the input's order."""
    hashes = [vault.id_hash(i.national_id) for i in intakes]
    results: dict[int, Registration] = {}
    for indexes in _rounds(hashes):
        chunk = [(hashes[i], intakes[i]) for i in indexes]
        for index, reg in zip(
            indexes, await _register_chunk(conn, chunk, vault, today), strict=True
        ):
            results[index] = reg
    return [results[i] for i in range(len(intakes))]


async def _register_chunk(
    conn: asyncpg.Connection,
    chunk: list[tuple[bytes, IntakeIn]],
    vault: PersonalDataVault,
    today: date,
) -> list[Registration]:
    existing = {r.id_hash: r for r in await repository.lock_by_hash(conn, [h for h, _ in chunk])}
    # Sorted, so concurrent batches wait on each other's new rows in one order, never deadlock.
    fresh = sorted(
        (_new_row(h, i, vault, today) for h, i in chunk if h not in existing),
        key=lambda r: r.id_hash,
    )
    inserted = await repository.insert_new(conn, fresh)
    lost_race = [r.id_hash for r in fresh if r.id_hash not in inserted]
    if lost_race:  # registered concurrently by another transaction: an update after all
        existing.update({r.id_hash: r for r in await repository.lock_by_hash(conn, lost_race)})
    new_by_hash = {r.id_hash: r for r in fresh if r.id_hash in inserted}
    results, updated_rows = _outcomes(chunk, new_by_hash, existing, vault, today)
    await repository.update_many(conn, updated_rows, reregistration=True)
    return results


def _outcomes(
    chunk: list[tuple[bytes, IntakeIn]],
    new_by_hash: dict[bytes, ParticipantRow],
    existing: dict[bytes, ParticipantRow],
    vault: PersonalDataVault,
    today: date,
) -> tuple[list[Registration], list[ParticipantRow]]:
    """Each intake's registration, and the existing rows it updates."""
    results, updated_rows = [], []
    for h, intake in chunk:
        if h in new_by_hash:
            row = new_by_hash[h]
            event: Payload = ParticipantRegistered(**row.profile)
            results.append(Registration(row.participant_id, "created", event))
            continue
        row, event = _reregister(existing[h], intake, vault, today)
        updated_rows.append(row)
        results.append(Registration(row.participant_id, "updated", event))
    return results, updated_rows


def _new_row(
    id_hash: bytes, intake: IntakeIn, vault: PersonalDataVault, today: date
) -> ParticipantRow:
    participant_id = uuid4()
    return ParticipantRow(
        participant_id=participant_id,
        id_hash=id_hash,
        municipality=intake.municipality,
        registered_on=today,
        profile=new_profile(intake, participant_id, today).model_dump(mode="json"),
        personal=vault.seal(personal_data(intake), bound_to=participant_id.bytes),
        consent=intake.consent.model_dump(mode="json"),
    )


def _reregister(
    row: ParticipantRow, intake: IntakeIn, vault: PersonalDataVault, today: date
) -> tuple[ParticipantRow, ParticipantUpdated]:
    """The person came again: take the new details, keep what ESF freezes at first entry."""
    fresh = new_profile(intake, row.participant_id, today).model_dump(mode="json")
    fresh.update({k: row.profile[k] for k in FROZEN_AT_ENTRY if k in row.profile})
    changed = changed_fields(row.profile, fresh)
    new_row = ParticipantRow(
        participant_id=row.participant_id,
        id_hash=row.id_hash,
        municipality=intake.municipality,
        registered_on=row.registered_on,
        profile=fresh,
        personal=vault.seal(personal_data(intake), bound_to=row.participant_id.bytes),
        consent=intake.consent.model_dump(mode="json"),
    )
    return new_row, ParticipantUpdated(**fresh, changed_fields=changed)

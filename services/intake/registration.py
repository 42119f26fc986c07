"""Registering participants, set-based: one person is one participant, however often seen.

A chunk of intakes is one statement in the common case: every person is inserted as new,
with their event and audit lines, skipping id hashes already known; only
the people known before (or registered concurrently) are then locked and updated — by their
own municipality. Another municipality's registration never moves them: it records a transfer
request and is answered as a new person's would be (domain/transfer.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.intake import repository
from services.intake.crypto import PersonalDataVault
from services.intake.domain import changed_fields
from services.intake.domain.transfer import is_own_registration, registration_status
from services.intake.records import (
    UPDATED,
    Cause,
    event_json,
    new_participant,
    new_profile,
    occurred_at,
    seal_personal,
)
from services.intake.repository import ParticipantRow, transfer_requests
from services.intake.schemas import IntakeIn
from shared import audit
from shared.auth import Principal

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


@dataclass(frozen=True)
class Registration:
    """The outcome of registering one intake: created, or updated when the person was known.

    With `transfer_requested`, the person belongs to another municipality: `participant_id`
    is the transfer request's id, shown to the registering municipality in its place."""

    participant_id: UUID
    status: str
    transfer_requested: bool = False


@dataclass(frozen=True)
class AuditAs:
    """Who registers, for the audit lines written with the registrations."""

    principal: Principal | None
    fields: Sequence[str]
    imported: bool = False
    """A history import's registration (dated back): its audit lines say so."""

    def params(self, status: str) -> list[Any]:
        """The audit parameters of a registration with this outcome."""
        return audit.params(
            self.principal, f"participant.{status}", self.fields, imported=self.imported
        )


_Item = tuple[bytes, IntakeIn, Cause | None]


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
    causes: Sequence[Cause] | None = None,
    audit_as: AuditAs | None = None,
) -> list[Registration]:
    """Register intakes and record their events (and audit lines) in the caller's transaction.

    Results are in the input's order; `causes` correlates each event with a request's.
    """
    hashes = [vault.id_hash(i.national_id) for i in intakes]
    now = occurred_at(datetime.now(UTC))
    results: dict[int, Registration] = {}
    for indexes in _rounds(hashes):
        chunk = [(hashes[i], intakes[i], causes[i] if causes else None) for i in indexes]
        regs = await _register_chunk(conn, chunk, vault, today, now, audit_as)
        results.update(zip(indexes, regs, strict=True))
    return [results[i] for i in range(len(intakes))]


async def _register_chunk(
    conn: asyncpg.Connection,
    chunk: list[_Item],
    vault: PersonalDataVault,
    today: date,
    now: str,
    audit_as: AuditAs | None,
) -> list[Registration]:
    # Sorted, so concurrent batches wait on each other's new rows in one order, never deadlock.
    fresh = sorted(
        (new_participant(i, h, vault, today=today, now=now, cause=c) for h, i, c in chunk),
        key=lambda r: r.id_hash,
    )
    audited = audit_as.params("created") if audit_as else None
    created = await repository.insert_registered(conn, fresh, audited=audited)
    new_by_hash = {r.id_hash: r.participant_id for r in fresh if r.participant_id in created}
    known = [item for item in chunk if item[0] not in new_by_hash]
    again = await _register_known(conn, known, vault, today, now, audit_as) if known else {}
    return [
        Registration(new_by_hash[h], "created") if h in new_by_hash else again[h]
        for h, _, _ in chunk
    ]


async def _register_known(
    conn: asyncpg.Connection,
    known: list[_Item],
    vault: PersonalDataVault,
    today: date,
    now: str,
    audit_as: AuditAs | None,
) -> dict[bytes, Registration]:
    """Update the people their own municipality registers again (locked first); ask for a
    transfer of the others. The outcomes by id hash."""
    existing = {r.id_hash: r for r in await repository.lock_by_hash(conn, [h for h, _, _ in known])}
    ours = {h for h, i, _ in known if is_own_registration(existing[h].municipality, i.municipality)}
    own = [k for k in known if k[0] in ours]
    away = [(existing[h], i) for h, i, _ in known if h not in ours]
    outcomes: dict[bytes, Registration] = {}
    if own:
        updates = [_reregister(existing[h], i, vault, today, now, c) for h, i, c in own]
        audited = audit_as.params("updated") if audit_as else None
        await repository.reregister(conn, updates, audited=audited)
        await repository.replace_name_tokens(
            conn,
            [
                (existing[h].participant_id, vault.name_tokens(i.given_name, i.family_name))
                for h, i, _ in own
            ],
        )
        outcomes |= {r.id_hash: Registration(r.participant_id, "updated") for r, _, _ in updates}
    if away:
        outcomes |= await _ask_transfers(conn, away, audit_as.principal if audit_as else None)
    return outcomes


async def _ask_transfers(
    conn: asyncpg.Connection,
    away: list[tuple[ParticipantRow, IntakeIn]],
    principal: Principal | None,
) -> dict[bytes, Registration]:
    """Record a transfer request for each person registered by another municipality; the
    answers they get look like a first (or repeated) registration's."""
    asked = await transfer_requests.ask(
        conn,
        [(row.participant_id, row.municipality, intake.municipality) for row, intake in away],
        requested_by=principal.key_id if principal else None,
        reopen_declined=False,
    )
    await audit.record(
        conn, principal, "transfer.requested", [row.participant_id for row, _ in away]
    )  # a transfer request is today's, whatever the registration's date
    outcomes = {}
    for row, _ in away:
        transfer_id, fresh = asked[row.participant_id]
        outcomes[row.id_hash] = Registration(transfer_id, registration_status(fresh), True)
    return outcomes


def _reregister(
    row: ParticipantRow,
    intake: IntakeIn,
    vault: PersonalDataVault,
    today: date,
    now: str,
    cause: Cause | None,
) -> tuple[ParticipantRow, UUID, str]:
    """The person came again: take the new details, keep what ESF freezes at first entry."""
    fresh = new_profile(intake, row.participant_id, today)
    fresh.update({k: row.profile[k] for k in FROZEN_AT_ENTRY if k in row.profile})
    changed = changed_fields(row.profile, fresh)
    new_row = ParticipantRow(
        participant_id=row.participant_id,
        id_hash=row.id_hash,
        municipality=intake.municipality,
        registered_on=row.registered_on,
        profile=fresh,
        personal=seal_personal(vault, intake, row.participant_id),
        consent=intake.consent.model_dump(mode="json"),
    )
    event_id, event = event_json(
        UPDATED, {**fresh, "changed_fields": changed}, now=now, cause=cause
    )
    return new_row, event_id, event


async def register_new(
    conn: asyncpg.Connection,
    intake: IntakeIn,
    *,
    vault: PersonalDataVault,
    today: date,
    audit_as: AuditAs | None = None,
) -> Registration | None:
    """Register a person not seen before in one statement (a transaction of its own, or the
    caller's); None, with nothing written, when their id hash is already known."""
    row = new_participant(
        intake, vault.id_hash(intake.national_id), vault, today=today, now=datetime.now(UTC)
    )
    audited = audit_as.params("created") if audit_as else None
    created = await repository.insert_registered(conn, [row], audited=audited)
    return Registration(row.participant_id, "created") if created else None

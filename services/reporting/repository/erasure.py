"""Anonymise an erased participant: a fresh random id everywhere, personal fields dropped."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from services.reporting.repository.projection import Events, participant_privacy
from shared.events import Envelope

PERSONAL_FIELDS = ("birth_year", "location", "languages", "skills", "interests",
                   "accessibility_needs")  # fmt: skip
"""Profile fields no figure needs; dropped from the event log on erasure."""

PARTICIPANT_TABLES = ("participant_fact", "participant_privacy", "case_fact", "activity_fact",
                      "activity_hours", "placement_fact", "placement_hours", "exit_fact",
                      "follow_up_fact", "match_fact", "figure_dirty", "figure_entry",
                      "participant_org", "waiting_interval", "activity_gap",
                      "meeting_fact")  # fmt: skip
"""Read-model tables holding a participant id (the figure store's too: its sums hold none)."""


ERASURE_LOCK = 0x52455045  # "REPE": erasures exclusive, every other batch shared


async def hold_erasure_lock(conn: asyncpg.Connection, *, exclusive: bool) -> None:
    """Serialise erasures with projections, so none writes a row an erasure would miss."""
    fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    await conn.execute(f"SELECT {fn}($1)", ERASURE_LOCK)


def id_hash(participant_id: UUID) -> str:
    """The key under which an erased id is remembered (never the id itself)."""
    return hashlib.sha256(f"polku-erased:{participant_id}".encode()).hexdigest()


async def anonymise(conn: asyncpg.Connection, participant_id: UUID, at: datetime) -> UUID:
    """Give the participant a fresh id in the read model and the log; returns it."""
    new_id = uuid4()
    for table in PARTICIPANT_TABLES:
        await conn.execute(
            f"UPDATE {table} SET participant_id = $2 WHERE participant_id = $1",
            participant_id,
            new_id,
        )
    drop = "".join(f" #- '{{payload,{name}}}'" for name in PERSONAL_FIELDS)
    await conn.execute(
        f"UPDATE event_log SET envelope = jsonb_set(envelope::jsonb{drop},"
        " '{payload,participant_id}', to_jsonb($2::text))::json"
        " WHERE envelope -> 'payload' ->> 'participant_id' = $1::text",
        str(participant_id),
        str(new_id),
    )
    await conn.execute(
        "INSERT INTO erased_participant (id_hash, anonymous_id, erased_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (id_hash) DO NOTHING",
        id_hash(participant_id),
        new_id,
        at,
    )
    return new_id


async def participant_erased(conn: asyncpg.Connection, events: Events) -> None:
    """Anonymise each erased participant; the figures keep counting them."""
    await hold_erasure_lock(conn, exclusive=True)
    await participant_privacy(conn, events, column="erased_at")
    for event in events:
        await anonymise(conn, event.payload.participant_id, event.occurred_at)


async def remap_erased(
    conn: asyncpg.Connection, events: Sequence[Envelope[Any]]
) -> list[Envelope[Any]]:
    """Events about an already erased participant, rewritten to the anonymous id."""
    await hold_erasure_lock(conn, exclusive=False)
    ids = {e.payload.participant_id for e in events if hasattr(e.payload, "participant_id")}
    if not ids:
        return list(events)
    rows = await conn.fetch(
        "SELECT id_hash, anonymous_id FROM erased_participant WHERE id_hash = ANY($1)",
        [id_hash(i) for i in ids],
    )
    if not rows:
        return list(events)
    anonymous = {r["id_hash"]: r["anonymous_id"] for r in rows}
    out = []
    for e in events:
        new_id = anonymous.get(id_hash(getattr(e.payload, "participant_id", None)))  # type: ignore[arg-type]
        if new_id is None:
            out.append(e)
            continue
        blank = {k: None for k in PERSONAL_FIELDS if k in type(e.payload).model_fields}
        payload = e.payload.model_copy(update={**blank, "participant_id": new_id})
        out.append(e.model_copy(update={"payload": payload}))
    return out

"""The SQL of intake's participants; `transfer_requests` holds the transfer requests'.
The package is the only place of intake's SQL."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from services.intake import records
from services.intake.records import NewParticipant
from shared import audit

_COLUMNS = (
    "participant_id, id_hash, municipality, registered_on, profile::text AS profile,"
    " personal, consent::text AS consent, consent_withdrawn_at"
)


@dataclass
class ParticipantRow:
    """One row of the participant table, with its JSON columns parsed."""

    participant_id: UUID
    id_hash: bytes
    municipality: str
    registered_on: date
    profile: dict[str, Any]
    personal: bytes
    consent: dict[str, Any]
    consent_withdrawn_at: Any = None


def _row(record: asyncpg.Record) -> ParticipantRow:
    data = dict(record)
    data["profile"] = json.loads(data["profile"])
    data["consent"] = json.loads(data["consent"])
    return ParticipantRow(**data)


async def lock_by_hash(
    conn: asyncpg.Connection, id_hashes: Sequence[bytes]
) -> list[ParticipantRow]:
    """The participants with these id hashes, locked until the transaction ends."""
    records = await conn.fetch(
        f"SELECT {_COLUMNS} FROM participant WHERE id_hash = ANY($1::bytea[])"
        " ORDER BY participant_id FOR UPDATE",
        list(id_hashes),
    )
    return [_row(r) for r in records]


async def get(
    conn: asyncpg.Connection, participant_id: UUID, *, lock: bool = False
) -> ParticipantRow | None:
    """One participant, optionally locked for update."""
    suffix = " FOR UPDATE" if lock else ""
    record = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM participant WHERE participant_id = $1{suffix}", participant_id
    )
    return None if record is None else _row(record)


async def page(
    conn: asyncpg.Connection, *, municipality: str, after: UUID | None, limit: int
) -> list[ParticipantRow]:
    """Participants of a municipality in id order, after a cursor."""
    records = await conn.fetch(
        f"SELECT {_COLUMNS} FROM participant WHERE municipality = $1"
        " AND ($2::uuid IS NULL OR participant_id > $2) ORDER BY participant_id LIMIT $3",
        municipality,
        after,
        limit,
    )
    return [_row(r) for r in records]


def _columns(rows: Sequence[ParticipantRow]) -> list[list[Any]]:
    return [
        [r.participant_id for r in rows],
        [r.id_hash for r in rows],
        [r.municipality for r in rows],
        [r.registered_on for r in rows],
        [json.dumps(r.profile) for r in rows],
        [r.personal for r in rows],
        [json.dumps(r.consent) for r in rows],
    ]


_INSERT_REGISTERED = (
    "WITH t AS (SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::text[], $4::date[],"
    " $5::bytea[], $6::text[], $7::uuid[], $8::text[]) AS t(p, h, m, r, pe, c, e, body)),"
    " new AS (INSERT INTO participant (participant_id, id_hash, municipality, registered_on,"
    " profile, personal, consent) SELECT p, h, m, r, body::jsonb -> 'payload', pe, c::jsonb"
    " FROM t ON CONFLICT (id_hash) DO NOTHING RETURNING participant_id),"
    " event AS (INSERT INTO outbox (event_id, stream, type, body)"
    " SELECT t.e, $9, $10, t.body FROM t JOIN new ON new.participant_id = t.p),"
    " names AS (INSERT INTO participant_name_token (token, participant_id)"
    " SELECT n.tok, n.p FROM unnest($11::uuid[], $12::bytea[]) AS n(p, tok)"
    " JOIN new ON new.participant_id = n.p)"
    "{audit} SELECT array_agg(participant_id) AS created FROM new"
)
INSERT_REGISTERED = _INSERT_REGISTERED.format(audit="")
INSERT_REGISTERED_AUDITED = _INSERT_REGISTERED.format(
    audit=f", audit AS ({audit.insert_from('new', 13)})"
)


async def insert_registered(
    conn: asyncpg.Connection,
    rows: Sequence[NewParticipant],
    *,
    audited: list[Any] | None = None,
) -> set[UUID]:
    """One statement: insert the participants whose id hash is new, their events, their name
    tokens and the audit lines (`audit.params`); returns the ids inserted. (The outbox's trigger queues the
    events and sends the relay's NOTIFY.)"""
    columns = [
        [r.participant_id for r in rows],
        [r.id_hash for r in rows],
        [r.municipality for r in rows],
        [r.registered_on for r in rows],
        [r.personal for r in rows],
        [r.consent for r in rows],
        [r.event_id for r in rows],
        [r.event for r in rows],
        records.STREAM,
        records.REGISTERED,
        [r.participant_id for r in rows for _ in r.name_tokens],
        [t for r in rows for t in r.name_tokens],
    ]
    sql = INSERT_REGISTERED if audited is None else INSERT_REGISTERED_AUDITED
    created = await conn.fetchval(sql, *columns, *(audited or ()))
    return set(created or ())


_REREGISTER = (
    "WITH t AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bytea[],"
    " $5::text[], $6::uuid[], $7::text[]) AS t(p, m, pr, pe, c, e, body)),"
    " changed AS (UPDATE participant SET municipality = t.m, profile = t.pr::jsonb,"
    " personal = t.pe, consent = t.c::jsonb, updated_at = now(), consent_withdrawn_at = NULL,"
    " registrations = registrations + 1 FROM t WHERE participant_id = t.p"
    " RETURNING participant_id),"
    " event AS (INSERT INTO outbox (event_id, stream, type, body) SELECT e, $8, $9, body FROM t)"
    "{audit} SELECT count(*) FROM changed"
)
REREGISTER = _REREGISTER.format(audit="")
REREGISTER_AUDITED = _REREGISTER.format(audit=f", audit AS ({audit.insert_from('changed', 10)})")


async def reregister(
    conn: asyncpg.Connection,
    rows: Sequence[tuple[ParticipantRow, UUID, str]],
    *,
    audited: list[Any] | None = None,
) -> None:
    """One statement: write back people registered again, with their events and audit lines."""
    columns = [
        [r.participant_id for r, _, _ in rows],
        [r.municipality for r, _, _ in rows],
        [json.dumps(r.profile) for r, _, _ in rows],
        [r.personal for r, _, _ in rows],
        [json.dumps(r.consent) for r, _, _ in rows],
        [event_id for _, event_id, _ in rows],
        [event for _, _, event in rows],
        records.STREAM,
        records.UPDATED,
    ]
    sql = REREGISTER if audited is None else REREGISTER_AUDITED
    await conn.execute(sql, *columns, *(audited or ()))


async def update_many(
    conn: asyncpg.Connection, rows: Sequence[ParticipantRow], *, reregistration: bool
) -> None:
    """Write back participants' municipality, profile, personal data and consent."""
    if not rows:
        return
    await conn.execute(
        "UPDATE participant SET municipality = t.m, profile = t.pr::jsonb, personal = t.pe,"
        " consent = t.c::jsonb, updated_at = now(),"
        " consent_withdrawn_at = CASE WHEN $8 THEN NULL ELSE consent_withdrawn_at END,"
        " registrations = registrations + $8::boolean::int"
        " FROM unnest($1::uuid[], $2::bytea[], $3::text[], $4::date[], $5::text[],"
        " $6::bytea[], $7::text[]) AS t(p, h, m, r, pr, pe, c) WHERE participant_id = t.p",
        *_columns(rows),
        reregistration,
    )


async def set_consent(
    conn: asyncpg.Connection, participant_id: UUID, consent: dict[str, Any], *, withdrawn: bool
) -> None:
    """Replace the consent record; mark the withdrawal time when nothing is left."""
    await conn.execute(
        "UPDATE participant SET consent = $2::jsonb, updated_at = now(),"
        " consent_withdrawn_at = CASE WHEN $3 THEN now() ELSE consent_withdrawn_at END"
        " WHERE participant_id = $1",
        participant_id,
        json.dumps(consent),
        withdrawn,
    )


async def replace_name_tokens(
    conn: asyncpg.Connection, entries: Sequence[tuple[UUID, Sequence[bytes]]]
) -> None:
    """Index participants under these name tokens instead of their earlier ones."""
    if not entries:
        return
    await conn.execute(
        "DELETE FROM participant_name_token WHERE participant_id = ANY($1::uuid[])",
        [p for p, _ in entries],
    )
    await conn.execute(
        "INSERT INTO participant_name_token (token, participant_id)"
        " SELECT tok, p FROM unnest($1::uuid[], $2::bytea[]) AS n(p, tok) ON CONFLICT DO NOTHING",
        [p for p, tokens in entries for _ in tokens],
        [t for _, tokens in entries for t in tokens],
    )


async def find_by_name_tokens(
    conn: asyncpg.Connection, *, municipality: str, tokens: Sequence[bytes], limit: int
) -> list[ParticipantRow]:
    """A municipality's participants indexed under every one of `tokens`, in id order."""
    records = await conn.fetch(
        f"SELECT {_COLUMNS} FROM participant WHERE municipality = $1 AND participant_id IN"
        " (SELECT participant_id FROM participant_name_token WHERE token = ANY($2::bytea[])"
        " GROUP BY participant_id HAVING count(*) = $3)"
        " ORDER BY participant_id LIMIT $4",
        municipality,
        list(tokens),
        len(tokens),
        limit,
    )
    return [_row(r) for r in records]


async def not_name_indexed(conn: asyncpg.Connection, limit: int) -> list[ParticipantRow]:
    """Participants without name tokens (registered before name search existed)."""
    records = await conn.fetch(
        f"SELECT {_COLUMNS} FROM participant p WHERE NOT EXISTS"
        " (SELECT 1 FROM participant_name_token t WHERE t.participant_id = p.participant_id)"
        " ORDER BY participant_id LIMIT $1",
        limit,
    )
    return [_row(r) for r in records]


async def delete(conn: asyncpg.Connection, participant_id: UUID) -> None:
    """Delete the participant's row for good (an erasure)."""
    await conn.execute("DELETE FROM participant WHERE participant_id = $1", participant_id)


async def many(conn: asyncpg.Connection, participant_ids: Sequence[UUID]) -> list[ParticipantRow]:
    """The participants among these ids that exist, in id order."""
    records = await conn.fetch(
        f"SELECT {_COLUMNS} FROM participant WHERE participant_id = ANY($1::uuid[])"
        " ORDER BY participant_id",
        list(participant_ids),
    )
    return [_row(r) for r in records]

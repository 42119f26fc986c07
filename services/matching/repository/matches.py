"""SQL of matches: proposals and their answers."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid4

import asyncpg

Row = Any  # asyncpg.Record (or None where a single row may be missing)


async def insert_match(conn: asyncpg.Connection, **m: Any) -> None:
    """Store a proposal with its explanation."""
    await conn.execute(
        "INSERT INTO match (match_id, participant_id, opening_id, organisation_id, score,"
        " explanation) VALUES ($1, $2, $3, $4, $5, $6::jsonb)",
        m["match_id"],
        m["participant_id"],
        m["opening_id"],
        m["organisation_id"],
        m["score"],
        json.dumps(m["explanation"]),
    )


async def fetch_match(
    conn: asyncpg.Connection | asyncpg.Pool, match_id: UUID, *, lock: bool = False
) -> Row:
    """One match, or None; FOR UPDATE when `lock`."""
    sql = "SELECT * FROM match WHERE match_id = $1" + (" FOR UPDATE" if lock else "")
    return await conn.fetchrow(sql, match_id)


async def decide_match(
    conn: asyncpg.Connection,
    match_id: UUID,
    status: str,
    reason: str | None = None,
    *,
    code: str | None = None,
) -> None:
    """Record the answer to a proposal (a decline with its reason's code)."""
    await conn.execute(
        "UPDATE match SET status = $2, reason = $3, decline_code = $4, decided_at = now()"
        " WHERE match_id = $1",
        match_id,
        status,
        reason,
        code,
    )


async def withdraw_live(
    conn: asyncpg.Connection,
    *,
    reason: str,
    participant_id: UUID | None = None,
    opening_id: UUID | None = None,
) -> list[Row]:
    """Withdraw live proposals of a participant or of an opening; returns them."""
    return await conn.fetch(
        "UPDATE match SET status = 'withdrawn', decided_at = now(), reason = $3"
        " WHERE status = 'proposed' AND (participant_id = $1 OR opening_id = $2)"
        " RETURNING match_id, participant_id, opening_id",
        participant_id,
        opening_id,
        reason,
    )


async def expire_due(conn: asyncpg.Connection, *, older_than_s: float, limit: int) -> list[Row]:
    """Expire proposals left unanswered for too long; returns them."""
    return await conn.fetch(
        "UPDATE match SET status = 'expired', decided_at = now() WHERE match_id IN ("
        " SELECT match_id FROM match WHERE status = 'proposed'"
        " AND proposed_at < now() - make_interval(secs => $1)"
        " ORDER BY proposed_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING *",
        older_than_s,
        limit,
    )


async def list_matches(
    conn: asyncpg.Pool, *, column: str, value: UUID, status: str | None
) -> list[Row]:
    """Matches of one participant, opening or organisation, best first."""
    assert column in ("participant_id", "opening_id", "organisation_id")
    return await conn.fetch(
        f"SELECT m.*, o.title AS opening_title, c.profile, c.support_worker_contact"
        f" FROM match m JOIN opening o USING (opening_id)"
        f" LEFT JOIN candidate c ON c.participant_id = m.participant_id"
        f" WHERE m.{column} = $1 AND ($2::text IS NULL OR m.status = $2)"
        f" ORDER BY m.score DESC, m.proposed_at",
        value,
        status,
    )


async def organisation_matches_page(
    conn: asyncpg.Pool,
    organisation_id: UUID,
    *,
    statuses: list[str] | None,
    after: UUID | None,
    limit: int | None,
) -> list[Row]:
    """An organisation's matches of some statuses (None: all), best first as `list_matches`
    orders them (then by id), from after the match `after` of the same organisation (an
    unknown one: nothing), at most `limit` (None: all)."""
    return await conn.fetch(
        "SELECT m.*, o.title AS opening_title, c.profile, c.support_worker_contact"
        " FROM match m JOIN opening o USING (opening_id)"
        " LEFT JOIN candidate c ON c.participant_id = m.participant_id"
        " WHERE m.organisation_id = $1 AND ($2::text[] IS NULL OR m.status = ANY($2))"
        " AND ($3::uuid IS NULL OR (-m.score, m.proposed_at, m.match_id) >"
        "  (SELECT -a.score, a.proposed_at, a.match_id FROM match a"
        "   WHERE a.match_id = $3 AND a.organisation_id = $1))"
        " ORDER BY m.score DESC, m.proposed_at, m.match_id LIMIT $4",
        organisation_id,
        statuses,
        after,
        limit,
    )


async def insert_matches(
    conn: asyncpg.Connection,
    rows: list[dict[str, Any]],
    webhooks: list[tuple[UUID, UUID, str, str]],
    channel: str,
) -> None:
    """Store proposals with their explanations and queue their (organisation, match, event
    type, body) webhooks for organisations with a URL, NOTIFYing `channel` if any was queued:
    one statement."""
    if not rows:
        return
    await conn.execute(
        "WITH proposed AS (INSERT INTO match (match_id, participant_id, opening_id,"
        " organisation_id, score, explanation) SELECT m, p, o, g, s, e::jsonb FROM"
        " unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::float8[], $6::text[])"
        " AS u(m, p, o, g, s, e)),"
        " queued AS (INSERT INTO webhook_delivery"
        " (delivery_id, organisation_id, match_id, event_type, body)"
        " SELECT w.d, w.g, w.m, w.t, w.b FROM unnest($7::uuid[], $8::uuid[], $9::uuid[],"
        "  $10::text[], $11::text[]) AS w(d, g, m, t, b)"
        " JOIN organisation o ON o.organisation_id = w.g WHERE o.webhook_url IS NOT NULL"
        " RETURNING 1)"
        " SELECT pg_notify($12, '') FROM (SELECT 1 FROM queued LIMIT 1) AS any_queued",
        [r["match_id"] for r in rows],
        [r["participant_id"] for r in rows],
        [r["opening_id"] for r in rows],
        [r["organisation_id"] for r in rows],
        [r["score"] for r in rows],
        [json.dumps(r["explanation"]) for r in rows],
        [uuid4() for _ in webhooks],
        [w[0] for w in webhooks],
        [w[1] for w in webhooks],
        [w[2] for w in webhooks],
        [w[3] for w in webhooks],
        channel,
    )

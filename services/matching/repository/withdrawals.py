"""SQL of withdrawing chosen live proposals (the seats of their opening were lowered)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

Row = Any  # asyncpg.Record


async def live_of_opening(conn: asyncpg.Connection, opening_id: UUID) -> list[Row]:
    """An opening's live proposals, with what choosing among them needs."""
    return await conn.fetch(
        "SELECT match_id, score, proposed_at FROM match"
        " WHERE opening_id = $1 AND status = 'proposed'",
        opening_id,
    )


async def about(conn: asyncpg.Connection, match_ids: list[UUID]) -> list[Row]:
    """Withdrawn proposals with their organisation, opening title and whether its
    organisation has a webhook."""
    return await conn.fetch(
        "SELECT m.match_id, m.participant_id, m.opening_id, m.organisation_id,"
        " o.title AS opening_title, g.webhook_url IS NOT NULL AS notifies FROM match m"
        " JOIN opening o USING (opening_id) JOIN organisation g"
        " ON g.organisation_id = m.organisation_id WHERE m.match_id = ANY($1::uuid[])",
        match_ids,
    )


async def withdraw(conn: asyncpg.Connection, match_ids: list[UUID], *, reason: str) -> list[Row]:
    """Withdraw these proposals if still live; returns them with their opening's title and
    whether its organisation has a webhook."""
    return await conn.fetch(
        "WITH gone AS (UPDATE match SET status = 'withdrawn', decided_at = now(), reason = $2"
        "  WHERE match_id = ANY($1::uuid[]) AND status = 'proposed'"
        "  RETURNING match_id, participant_id, opening_id, organisation_id)"
        " SELECT gone.*, o.title AS opening_title, g.webhook_url IS NOT NULL AS notifies"
        " FROM gone JOIN opening o USING (opening_id) JOIN organisation g"
        " ON g.organisation_id = gone.organisation_id",
        match_ids,
        reason,
    )

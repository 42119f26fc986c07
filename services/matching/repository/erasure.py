"""SQL of erasure in matching: an erased participant's matches cut from them."""

from __future__ import annotations

from uuid import UUID, uuid4

import asyncpg

ERASED_EXPLANATION = '{"plain_words": [], "erased": true}'


async def anonymise_matches(conn: asyncpg.Connection, participant_id: UUID) -> int:
    """The participant's matches (an accepted one an employer still sees included) get a
    fresh random participant id and lose their explanation; their delivered webhooks are
    deleted and the queued ones keep no candidate or explanation. Returns the matches."""
    status = await conn.execute(
        "WITH mine AS (UPDATE match SET participant_id = $2, explanation = $3::jsonb"
        "  WHERE participant_id = $1 RETURNING match_id),"
        " sent AS (DELETE FROM webhook_delivery WHERE status <> 'pending'"
        "  AND match_id IN (SELECT match_id FROM mine))"
        " UPDATE webhook_delivery SET body = jsonb_set(jsonb_set(body::jsonb,"
        "  '{match,candidate}', '{}'), '{match,explanation}', '[]')::text"
        " WHERE status = 'pending' AND match_id IN (SELECT match_id FROM mine)",
        participant_id,
        uuid4(),
        ERASED_EXPLANATION,
    )
    return int(status.split()[-1])

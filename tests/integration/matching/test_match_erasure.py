"""Erasure in matching's tables: the person's matches are cut from them, their webhooks
deleted once delivered and stripped of the candidate while still queued."""

from __future__ import annotations

import json
from uuid import UUID, uuid4

import asyncpg

from services.matching.repository.erasure import anonymise_matches
from shared.settings import Settings

BODY = {
    "type": "match.proposed",
    "match": {
        "match_id": "m",
        "explanation": ["speaks et", "3 km away"],
        "candidate": {"skills": ["cleaning"], "support_worker_contact": "w@example.ee"},
    },
}


async def _scene(conn: asyncpg.Connection, pid: UUID, other: UUID) -> dict[str, UUID]:
    org, opening = uuid4(), uuid4()
    await conn.execute(
        "INSERT INTO organisation (organisation_id, name, kind, municipality, webhook_url,"
        " webhook_secret) VALUES ($1, 'Bakery', 'employer', 'Rapla vald', 'http://x', 's')",
        org,
    )
    await conn.execute(
        "INSERT INTO opening (opening_id, organisation_id, title, kind, seats)"
        " VALUES ($1, $2, 'Work trial', 'work_practice', 2)",
        opening,
        org,
    )
    ids = {"accepted": uuid4(), "other": uuid4()}
    for key, who, status in (("accepted", pid, "accepted"), ("other", other, "proposed")):
        await conn.execute(
            "INSERT INTO match (match_id, participant_id, opening_id, organisation_id, status,"
            " score, explanation) VALUES ($1, $2, $3, $4, $5, 0.8, $6::jsonb)",
            ids[key], who, opening, org, status, '{"plain_words": ["speaks et"]}',
        )  # fmt: skip
    for status in ("delivered", "pending"):
        await conn.execute(
            "INSERT INTO webhook_delivery (delivery_id, organisation_id, match_id, event_type,"
            " body, status) VALUES ($1, $2, $3, 'match.proposed', $4, $5)",
            uuid4(), org, ids["accepted"], json.dumps(BODY), status,
        )  # fmt: skip
    return ids


async def test_erased_matches_keep_no_trace_of_the_person(settings: Settings) -> None:
    pid, other = uuid4(), uuid4()
    conn = await asyncpg.connect(settings.database_url, server_settings={"search_path": "matching"})
    try:
        ids = await _scene(conn, pid, other)
        await anonymise_matches(conn, pid)
        rows = {r["match_id"]: r for r in await conn.fetch("SELECT * FROM match")}
        kept = rows[ids["accepted"]]
        assert kept["status"] == "accepted" and kept["participant_id"] not in (pid, other)
        assert json.loads(kept["explanation"])["plain_words"] == []
        assert rows[ids["other"]]["participant_id"] == other  # someone else's: untouched
        assert "speaks et" in rows[ids["other"]]["explanation"]
        [queued] = await conn.fetch("SELECT status, body FROM webhook_delivery")
        assert queued["status"] == "pending"
        match = json.loads(queued["body"])["match"]
        assert match["candidate"] == {} and match["explanation"] == []
        assert match["match_id"] == "m"
    finally:
        await conn.close()

"""Idempotency-Key: a retried write gets the first answer instead of running twice.

Answers live in each schema's `idempotent_request` table, keyed by (organisation, key) and
holding the request's fingerprint and the first answer's status and body. Same key and same
request: the stored answer. Same key, another request: 422 `idempotency_key_reused`. A key
whose first request is still being answered: 409 `idempotency_in_progress` (a claim left
behind by a crash is taken over after `STALE_AFTER`). Where the write is one transaction,
claim and answer go into it (`claim_or_replay` then `store_answer` on the same connection):
a concurrent duplicate waits for that transaction and then gets its answer.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg
from fastapi import HTTPException

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
STALE_AFTER = timedelta(minutes=5)
IN_PROGRESS = 0  # status_code of a claim whose answer is not stored yet
PRUNE = (
    "DELETE FROM idempotent_request WHERE (organisation, key) IN (SELECT organisation, key"
    " FROM idempotent_request WHERE created_at < now() - make_interval(secs => $1)"
    " LIMIT $2 FOR UPDATE SKIP LOCKED)"
)
"""One batch (`$2` rows) of answers older than `$1` seconds (the outbox relay runs it)."""


@dataclass(frozen=True)
class Answer:
    """A status code and JSON body, as first given under a key."""

    status_code: int
    body: Any


class IdempotencyRefused(HTTPException):
    """A key that cannot be honoured: reused for another request, or still being answered."""

    def __init__(self, status_code: int, reason: str, message: str) -> None:
        super().__init__(status_code, {"reason": reason, "message": message})
        self.reason = reason


def fingerprint(*parts: str | bytes) -> str:
    """SHA-256 over the parts that make two requests the same (method, path, body...)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def replay(stored_hash: str, status_code: int, body: Any, request_hash: str) -> Answer:
    """The first answer for a key seen before, or the refusal that says why not."""
    if stored_hash != request_hash:
        raise IdempotencyRefused(
            422,
            "idempotency_key_reused",
            f"this {HEADER} was used for a different request",
        )
    if status_code == IN_PROGRESS:
        raise IdempotencyRefused(
            409,
            "idempotency_in_progress",
            f"the first request with this {HEADER} is still being answered; retry shortly",
        )
    return Answer(status_code, body)


async def claim_or_replay(
    conn: asyncpg.Connection, organisation: str, key: str, request_hash: str
) -> Answer | None:
    """None when the key is new (now claimed by this connection), else the first answer."""
    claimed = await conn.fetchval(
        "INSERT INTO idempotent_request (organisation, key, request_hash, status_code, response)"
        " VALUES ($1, $2, $3, 0, 'null')"
        " ON CONFLICT (organisation, key) DO UPDATE"
        " SET request_hash = EXCLUDED.request_hash, created_at = now()"
        " WHERE idempotent_request.status_code = 0"
        " AND idempotent_request.created_at < now() - $4::interval"
        " RETURNING true",
        organisation,
        key,
        request_hash,
        STALE_AFTER,
    )
    if claimed:
        return None
    row = await conn.fetchrow(
        "SELECT request_hash, status_code, response::text AS response FROM idempotent_request"
        " WHERE organisation = $1 AND key = $2",
        organisation,
        key,
    )
    if row is None:  # released by a failed first attempt in between: still "in progress"
        return replay(request_hash, IN_PROGRESS, None, request_hash)
    return replay(
        row["request_hash"], row["status_code"], json.loads(row["response"]), request_hash
    )


async def store_answer(
    conn: asyncpg.Connection, organisation: str, key: str, answer: Answer
) -> None:
    """Remember the answer given under a claimed key."""
    await conn.execute(
        "UPDATE idempotent_request SET status_code = $3, response = $4::jsonb"
        " WHERE organisation = $1 AND key = $2",
        organisation,
        key,
        answer.status_code,
        json.dumps(answer.body),
    )


async def release(conn: asyncpg.Connection, organisation: str, key: str) -> None:
    """Give a claimed key back unanswered (the write failed): a retry runs it again."""
    await conn.execute(
        "DELETE FROM idempotent_request WHERE organisation = $1 AND key = $2 AND status_code = 0",
        organisation,
        key,
    )


async def forget_answers_mentioning(conn: asyncpg.Connection, text: str) -> None:
    """Delete the stored answers whose body mentions `text` (a person's id, on erasure)."""
    await conn.execute("DELETE FROM idempotent_request WHERE strpos(response::text, $1) > 0", text)

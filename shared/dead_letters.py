"""Dead-letter records: what an operator needs to fix and replay an entry, in clear; the
original entry sealed with the project's key; whom it is about, so erasure can find it."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis.asyncio as aioredis

from shared.events import streams
from shared.events.envelope import Envelope
from shared.sealing import Sealer, redact_fields

SubjectOf = Callable[[dict[bytes, bytes]], str | None]
"""Whom a raw stream's entry is about (e.g. `person:<national id hash>`), or None."""
SCAN_BATCH = 1000


@dataclass(frozen=True)
class Failure:
    """Why and where an entry was given up on."""

    stream: str
    entry_id: bytes
    consumer: str
    reason: str
    error: str
    attempts: int


def binding(stream: str, entry_id: bytes | str) -> bytes:
    """What a dead letter's sealed original is bound to: the entry it came from."""
    eid = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return f"polku.dead-letter:{stream}:{eid}".encode()


def record_of(
    failure: Failure,
    fields: dict[bytes, bytes],
    env: Envelope[Any] | None,
    *,
    sealer: Sealer,
    subject: SubjectOf | None = None,
) -> dict[str, str]:
    """The dead-letter entry of a failed stream entry: `fields` redacted, `sealed` whole."""
    original = {k.decode(errors="replace"): v.decode(errors="replace") for k, v in fields.items()}
    return {
        "stream": failure.stream,
        "entry_id": failure.entry_id.decode(),
        "consumer": failure.consumer,
        "reason": failure.reason,
        "error": failure.error[:2000],
        "attempts": str(failure.attempts),
        "event_type": env.type if env else _peek(fields, "type"),
        "event_id": str(env.event_id) if env else _peek(fields, "event_id"),
        "subject": _subject(fields, env, subject) or "",
        "dead_lettered_at": datetime.now(UTC).isoformat(),
        "fields": json.dumps(redact_fields(original), ensure_ascii=False),
        "sealed": sealer.seal(
            json.dumps(original).encode(), bound_to=binding(failure.stream, failure.entry_id)
        ),
    }


def participant_subject(participant_id: Any) -> str:
    """The subject of a dead letter about a registered participant."""
    return f"participant:{participant_id}"


def _subject(
    fields: dict[bytes, bytes], env: Envelope[Any] | None, custom: SubjectOf | None
) -> str | None:
    if custom is not None:
        with contextlib.suppress(Exception):
            return custom(fields)
        return None
    if env is not None:
        pid = getattr(env.payload, "participant_id", None)
    else:
        pid = _peek(fields, "participant_id", inside="payload") or None
    return participant_subject(pid) if pid else None


def _peek(fields: dict[bytes, bytes], key: str, inside: str | None = None) -> str:
    from shared.messaging import entry_body  # messaging imports this module

    try:
        data = json.loads(entry_body(fields))
        value = data.get(inside, {}).get(key) if inside else data.get(key)
        return "" if value is None else str(value)
    except Exception:
        return ""


def listed(entry_id: str, fields: dict[str, str]) -> dict[str, str]:
    """A dead letter as `polku dlq list` prints it: never the sealed original."""
    shown = {"id": entry_id, **fields}
    if shown.pop("sealed", None) is not None:
        shown["personal_data"] = "sealed"
    return shown


def original_of(fields: dict[str, str], sealer: Sealer) -> dict[str, str]:
    """The entry as it was, to send back to its stream (entries without a seal: `fields`)."""
    if "sealed" not in fields:
        return json.loads(fields["fields"])  # type: ignore[no-any-return]
    plain = sealer.open(fields["sealed"], bound_to=binding(fields["stream"], fields["entry_id"]))
    return json.loads(plain)  # type: ignore[no-any-return]


async def forget(redis: aioredis.Redis, subjects: Iterable[str]) -> int:
    """XDEL every dead letter about these subjects (erasure); returns how many."""
    wanted = {s.encode() for s in subjects if s}
    doomed: list[bytes] = []
    start: bytes | str = "-"
    while wanted:
        rows: Any = await redis.xrange(streams.DEAD_LETTER, min=start, max="+", count=SCAN_BATCH)
        doomed += [eid for eid, f in rows if f.get(b"subject") in wanted]
        if len(rows) < SCAN_BATCH:
            break
        start = b"(" + rows[-1][0]
    for i in range(0, len(doomed), SCAN_BATCH):
        await redis.xdel(streams.DEAD_LETTER, *doomed[i : i + SCAN_BATCH])
    return len(doomed)

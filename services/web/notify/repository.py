"""The notifications' SQL (schema web)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg

_PERSON = "person_id, email, language, notify_email"


async def remember_case(
    conn: asyncpg.Connection, participant_id: UUID, organisation_id: UUID
) -> None:
    await conn.execute(
        "INSERT INTO case_organisation (participant_id, organisation_id) VALUES ($1, $2)"
        " ON CONFLICT (participant_id) DO UPDATE SET organisation_id = EXCLUDED.organisation_id",
        participant_id,
        organisation_id,
    )


async def case_organisation(conn: asyncpg.Connection, participant_id: UUID) -> UUID | None:
    found = await conn.fetchval(
        "SELECT organisation_id FROM case_organisation WHERE participant_id = $1", participant_id
    )
    return found  # type: ignore[no-any-return]


async def remember_opening(
    conn: asyncpg.Connection, opening_id: UUID, organisation_id: UUID, title: str
) -> None:
    await conn.execute(
        "INSERT INTO opening_title (opening_id, organisation_id, title) VALUES ($1, $2, $3)"
        " ON CONFLICT (opening_id) DO UPDATE SET title = EXCLUDED.title,"
        " organisation_id = EXCLUDED.organisation_id",
        opening_id,
        organisation_id,
        title,
    )


async def opening_title(conn: asyncpg.Connection, opening_id: UUID) -> str | None:
    found = await conn.fetchval("SELECT title FROM opening_title WHERE opening_id = $1", opening_id)
    return found  # type: ignore[no-any-return]


async def forget_participant(conn: asyncpg.Connection, participant_id: UUID) -> None:
    """Erasure: the case's organisation and every notice that names the case go."""
    await conn.execute("DELETE FROM case_organisation WHERE participant_id = $1", participant_id)
    await conn.execute(
        "DELETE FROM notification WHERE strpos(link, $1) > 0 OR strpos(body, $2) > 0",
        str(participant_id),
        str(participant_id)[:8],
    )


async def audience(
    conn: asyncpg.Connection,
    *,
    organisation_id: UUID | None,
    roles: Sequence[str],
    person_id: UUID | None,
    municipality: str | None = None,
) -> list[asyncpg.Record]:
    """The people a notice is for (never a disabled one)."""
    if person_id is not None:
        return await conn.fetch(
            f"SELECT {_PERSON} FROM person WHERE person_id = $1 AND disabled_at IS NULL", person_id
        )
    if municipality is not None:
        return await conn.fetch(
            f"SELECT {_PERSON} FROM person WHERE municipality = $1 AND role = ANY($2::text[])"
            " AND disabled_at IS NULL ORDER BY person_id",
            municipality,
            list(roles),
        )
    return await conn.fetch(
        f"SELECT {_PERSON} FROM person WHERE organisation_id = $1 AND role = ANY($2::text[])"
        " AND disabled_at IS NULL ORDER BY person_id",
        organisation_id,
        list(roles),
    )


async def insert(conn: asyncpg.Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Record notices (one per person and cause: a repeated event adds nothing); how many."""
    if not rows:
        return 0
    result = await conn.execute(
        "INSERT INTO notification (notification_id, person_id, kind, subject, body, link,"
        " status, cause_id) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[],"
        " $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[])"
        " ON CONFLICT (person_id, kind, cause_id) WHERE cause_id IS NOT NULL DO NOTHING",
        [uuid4() for _ in rows],
        *([r[k] for r in rows] for k in ("person_id", "kind", "subject", "body", "link", "status",
                                          "cause_id")),
    )  # fmt: skip
    return int(result.rsplit(" ", 1)[-1])


async def claim_due(conn: asyncpg.Connection, now: datetime, limit: int) -> list[asyncpg.Record]:
    """Notices to send now, locked for this sender (others skip them)."""
    return await conn.fetch(
        "SELECT n.notification_id, n.subject, n.body, n.link, n.attempts, p.email"
        " FROM notification n JOIN person p USING (person_id)"
        " WHERE n.status IN ('queued', 'failed') AND n.next_attempt_at <= $1"
        " ORDER BY n.next_attempt_at LIMIT $2 FOR UPDATE OF n SKIP LOCKED",
        now,
        limit,
    )


async def digests_due(
    conn: asyncpg.Connection, before: datetime, limit: int
) -> list[asyncpg.Record]:
    """People whose oldest held notice is older than `before`, with all they hold, locked."""
    return await conn.fetch(
        "SELECT n.person_id, p.email, p.language, array_agg(n.notification_id ORDER BY n.created_at)"
        " AS ids, array_agg(n.subject ORDER BY n.created_at) AS subjects,"
        " array_agg(n.body ORDER BY n.created_at) AS bodies"
        " FROM notification n JOIN person p USING (person_id) WHERE n.status = 'held'"
        " AND n.person_id IN (SELECT person_id FROM notification WHERE status = 'held'"
        " GROUP BY person_id HAVING min(created_at) <= $1 LIMIT $2)"
        " GROUP BY n.person_id, p.email, p.language",
        before,
        limit,
    )


async def mark_sent(
    conn: asyncpg.Connection, ids: Sequence[UUID], *, transport: str, now: datetime
) -> None:
    await conn.execute(
        "UPDATE notification SET status = 'sent', sent_at = $2, transport = $3,"
        " attempts = attempts + 1, last_error = NULL WHERE notification_id = ANY($1::uuid[])",
        list(ids),
        now,
        transport,
    )


async def mark_failed(
    conn: asyncpg.Connection, notification_id: UUID, *, status: str, retry_at: datetime, error: str
) -> None:
    await conn.execute(
        "UPDATE notification SET status = $2, next_attempt_at = $3, attempts = attempts + 1,"
        " last_error = $4 WHERE notification_id = $1",
        notification_id,
        status,
        retry_at,
        error[:300],
    )


async def of_person(
    conn: asyncpg.Connection, person_id: UUID, limit: int = 50
) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT kind, subject, body, link, status, created_at, sent_at FROM notification"
        " WHERE person_id = $1 ORDER BY created_at DESC LIMIT $2",
        person_id,
        limit,
    )


async def mailbox(conn: asyncpg.Connection, limit: int = 100) -> list[asyncpg.Record]:
    """What the development mailbox received (mail that left through no SMTP server)."""
    return await conn.fetch(
        "SELECT p.email, n.subject, n.body, n.link, n.sent_at FROM notification n"
        " JOIN person p USING (person_id) WHERE n.transport = 'mailbox'"
        " ORDER BY n.sent_at DESC LIMIT $1",
        limit,
    )


async def set_choice(conn: asyncpg.Connection, person_id: UUID, notify_email: str) -> None:
    await conn.execute(
        "UPDATE person SET notify_email = $2 WHERE person_id = $1", person_id, notify_email
    )


async def choice_of(conn: asyncpg.Connection, person_id: UUID) -> str | None:
    """How the person wants e-mail: immediate, daily or off."""
    found = await conn.fetchval("SELECT notify_email FROM person WHERE person_id = $1", person_id)
    return found  # type: ignore[no-any-return]


async def remember_meeting(
    conn: asyncpg.Connection,
    meeting_id: UUID,
    organisation_id: UUID,
    kind: str,
    starts_at: datetime,
) -> bool:
    """A meeting to remind of (a rescheduled one is reminded of again, at its new time);
    False when it was cancelled already (its cancellation was heard first)."""
    live = await conn.fetchval(
        "INSERT INTO meeting_reminder (meeting_id, organisation_id, kind, starts_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (meeting_id) DO UPDATE SET"
        " organisation_id = EXCLUDED.organisation_id, kind = EXCLUDED.kind,"
        " starts_at = EXCLUDED.starts_at, reminded_at = CASE WHEN"
        " meeting_reminder.starts_at = EXCLUDED.starts_at THEN meeting_reminder.reminded_at END"
        " WHERE NOT meeting_reminder.cancelled RETURNING true",
        meeting_id,
        organisation_id,
        kind,
        starts_at,
    )
    return bool(live)


async def cancel_meeting(
    conn: asyncpg.Connection,
    meeting_id: UUID,
    organisation_id: UUID,
    kind: str,
    starts_at: datetime,
) -> None:
    """A cancelled meeting is reminded of by nobody (marked even when heard before it was
    scheduled)."""
    await conn.execute(
        "INSERT INTO meeting_reminder (meeting_id, organisation_id, kind, starts_at, cancelled)"
        " VALUES ($1, $2, $3, $4, true) ON CONFLICT (meeting_id) DO UPDATE SET cancelled = true",
        meeting_id,
        organisation_id,
        kind,
        starts_at,
    )


async def claim_reminders(
    conn: asyncpg.Connection, now: datetime, until: datetime, limit: int
) -> list[asyncpg.Record]:
    """Meetings starting between now and `until` nobody was reminded of, locked for this
    replica (others skip them)."""
    return await conn.fetch(
        "SELECT meeting_id, organisation_id, kind, starts_at FROM meeting_reminder"
        " WHERE reminded_at IS NULL AND NOT cancelled AND starts_at > $1 AND starts_at <= $2"
        " ORDER BY starts_at LIMIT $3 FOR UPDATE SKIP LOCKED",
        now,
        until,
        limit,
    )


async def mark_reminded(conn: asyncpg.Connection, meeting_id: UUID, now: datetime) -> None:
    await conn.execute(
        "UPDATE meeting_reminder SET reminded_at = $2 WHERE meeting_id = $1", meeting_id, now
    )

"""The only file of the web front with SQL: people, one-time links, sessions, failures."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

PERSON_COLUMNS = (
    "person_id, organisation_id, role, municipality, manages_people, email, display_name,"
    " password_hash, totp_secret, totp_enabled, language, disabled_at, support_worker_id"
)


async def ping(conn: asyncpg.Connection) -> None:
    """One round trip: the database answers (readiness)."""
    await conn.fetchval("SELECT 1")


async def person_by_email(conn: asyncpg.Connection, email: str) -> asyncpg.Record | None:
    """A person by their (normalised) e-mail address."""
    return await conn.fetchrow(f"SELECT {PERSON_COLUMNS} FROM person WHERE email = $1", email)


async def person_by_id(conn: asyncpg.Connection, person_id: UUID) -> asyncpg.Record | None:
    """A person by id."""
    return await conn.fetchrow(
        f"SELECT {PERSON_COLUMNS} FROM person WHERE person_id = $1", person_id
    )


async def people_of(conn: asyncpg.Connection, organisation_id: UUID | None) -> list[asyncpg.Record]:
    """The people of one organisation (every person when None), by name."""
    return await conn.fetch(
        f"SELECT {PERSON_COLUMNS} FROM person WHERE $1::uuid IS NULL OR organisation_id = $1"
        " ORDER BY display_name",
        organisation_id,
    )


async def worker_names(conn: asyncpg.Connection, worker_ids: list[UUID]) -> dict[str, str]:
    """The display names of the web people linked to these caseplan support workers."""
    rows = await conn.fetch(
        "SELECT support_worker_id, display_name FROM person"
        " WHERE support_worker_id = ANY($1::uuid[])",
        worker_ids,
    )
    return {str(r[0]): r[1] for r in rows}


async def link_support_worker(
    conn: asyncpg.Connection, person_id: UUID, support_worker_id: UUID | None
) -> bool:
    """Link a support worker's web account to their caseplan id (None: unlink); False when
    no such support worker or the id is another person's."""
    try:
        done = await conn.execute(
            "UPDATE person SET support_worker_id = $2 WHERE person_id = $1"
            " AND role = 'support_worker'",
            person_id,
            support_worker_id,
        )
    except asyncpg.UniqueViolationError:
        return False
    return done == "UPDATE 1"


async def insert_person(conn: asyncpg.Connection, **person: Any) -> None:
    """A new person (from an accepted invitation, or the demo)."""
    await conn.execute(
        "INSERT INTO person (person_id, organisation_id, role, municipality, manages_people,"
        " email, display_name, password_hash, language) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
        person["person_id"],
        person["organisation_id"],
        person["role"],
        person.get("municipality"),
        person.get("manages_people", False),
        person["email"],
        person["display_name"],
        person["password_hash"],
        person.get("language"),
    )


async def set_password(conn: asyncpg.Connection, person_id: UUID, password_hash: str) -> None:
    """A new password hash; every session of the person ends."""
    await conn.execute(
        "UPDATE person SET password_hash = $2 WHERE person_id = $1", person_id, password_hash
    )
    await conn.execute("DELETE FROM web_session WHERE person_id = $1", person_id)


async def set_person_field(conn: asyncpg.Connection, person_id: UUID, **values: Any) -> None:
    """Change language, TOTP secret or TOTP switch of a person."""
    allowed = {"language", "totp_secret", "totp_enabled"}
    assert set(values) <= allowed
    sets = ", ".join(f"{k} = ${i}" for i, k in enumerate(values, start=2))
    await conn.execute(
        f"UPDATE person SET {sets} WHERE person_id = $1", person_id, *values.values()
    )


async def insert_token(conn: asyncpg.Connection, token_hash: bytes, **token: Any) -> None:
    """A one-time link (invitation or reset), stored by its hash."""
    await conn.execute(
        "INSERT INTO account_token (token_hash, kind, person_id, organisation_id, role,"
        " municipality, email, created_by, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
        token_hash,
        token["kind"],
        token.get("person_id"),
        token["organisation_id"],
        token["role"],
        token.get("municipality"),
        token["email"],
        token.get("created_by"),
        token["expires_at"],
    )


async def usable_token(
    conn: asyncpg.Connection, token_hash: bytes, kind: str, now: datetime
) -> asyncpg.Record | None:
    """An unused, unexpired link of this kind."""
    return await conn.fetchrow(
        "SELECT * FROM account_token WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL"
        " AND expires_at > $3",
        token_hash,
        kind,
        now,
    )


async def use_token(conn: asyncpg.Connection, token_hash: bytes) -> bool:
    """Mark a link used; False when someone used it first."""
    status = await conn.execute(
        "UPDATE account_token SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL",
        token_hash,
    )
    return bool(status != "UPDATE 0")


async def insert_session(conn: asyncpg.Connection, session_hash: bytes, **s: Any) -> None:
    """A new session row."""
    await conn.execute(
        "INSERT INTO web_session (session_hash, person_id, verified, csrf_token, language,"
        " expires_at, pending_token) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        session_hash,
        s.get("person_id"),
        s.get("verified", False),
        s["csrf_token"],
        s.get("language"),
        s["expires_at"],
        s.get("pending_token"),
    )


async def live_session(
    conn: asyncpg.Connection, session_hash: bytes, now: datetime
) -> asyncpg.Record | None:
    """A session that has not expired."""
    return await conn.fetchrow(
        "SELECT * FROM web_session WHERE session_hash = $1 AND expires_at > $2",
        session_hash,
        now,
    )


async def touch_session(
    conn: asyncpg.Connection, session_hash: bytes, expires_at: datetime
) -> None:
    """Slide a session's idle expiry."""
    await conn.execute(
        "UPDATE web_session SET last_seen_at = now(), expires_at = $2 WHERE session_hash = $1",
        session_hash,
        expires_at,
    )


async def set_session_field(conn: asyncpg.Connection, session_hash: bytes, **values: Any) -> None:
    """Change a session's language or pending link."""
    assert set(values) <= {"language", "pending_token"}
    sets = ", ".join(f"{k} = ${i}" for i, k in enumerate(values, start=2))
    await conn.execute(
        f"UPDATE web_session SET {sets} WHERE session_hash = $1", session_hash, *values.values()
    )


async def keep_shown_once(
    conn: asyncpg.Connection, session_hash: bytes, value: str, until: datetime
) -> None:
    """Keep a value on the session for the next page to show once (until `until`)."""
    await conn.execute(
        "UPDATE web_session SET shown_once = $2, shown_once_until = $3 WHERE session_hash = $1",
        session_hash,
        value,
        until,
    )


async def take_shown_once(
    conn: asyncpg.Connection, session_hash: bytes, now: datetime
) -> str | None:
    """The value kept for this session to show once (None when none or too old), cleared."""
    value = await conn.fetchval(
        "UPDATE web_session s SET shown_once = NULL, shown_once_until = NULL"
        " FROM (SELECT session_hash, shown_once, shown_once_until FROM web_session"
        "  WHERE session_hash = $1 FOR UPDATE) AS old"
        " WHERE s.session_hash = old.session_hash AND old.shown_once IS NOT NULL"
        " RETURNING CASE WHEN old.shown_once_until > $2 THEN old.shown_once END",
        session_hash,
        now,
    )
    return str(value) if value is not None else None


async def delete_session(conn: asyncpg.Connection, session_hash: bytes) -> None:
    """End a session (sign-out, or the anonymous one replaced at sign-in)."""
    await conn.execute("DELETE FROM web_session WHERE session_hash = $1", session_hash)


async def delete_expired_sessions(conn: asyncpg.Connection, now: datetime) -> None:
    """Forget sessions past their expiry."""
    await conn.execute("DELETE FROM web_session WHERE expires_at <= $1", now)


async def record_failure(conn: asyncpg.Connection, email: str, client: str) -> None:
    """One failed sign-in (failures older than a day are forgotten on the way)."""
    await conn.execute("INSERT INTO sign_in_failure (email, client) VALUES ($1, $2)", email, client)
    await conn.execute("DELETE FROM sign_in_failure WHERE at < now() - interval '1 day'")


async def failures_since(
    conn: asyncpg.Connection, *, email: str, client: str, since: datetime
) -> tuple[list[datetime], list[datetime]]:
    """Times of recent failures for this account and from this address."""
    rows = await conn.fetch(
        "SELECT at, email = $1 AS mine, client = $2 AS here FROM sign_in_failure"
        " WHERE at > $3 AND (email = $1 OR client = $2)",
        email,
        client,
        since,
    )
    return [r["at"] for r in rows if r["mine"]], [r["at"] for r in rows if r["here"]]


async def forget_failures(conn: asyncpg.Connection, email: str) -> None:
    """A successful sign-in clears the account's failures."""
    await conn.execute("DELETE FROM sign_in_failure WHERE email = $1", email)


async def insert_upload(
    conn: asyncpg.Connection, upload_id: UUID, person_id: UUID, filename: str, data: bytes
) -> None:
    """Keep a spreadsheet until it is confirmed (uploads older than a day are dropped)."""
    await conn.execute("DELETE FROM upload WHERE created_at < now() - interval '1 day'")
    await conn.execute(
        "INSERT INTO upload (upload_id, person_id, filename, data) VALUES ($1, $2, $3, $4)",
        upload_id,
        person_id,
        filename,
        data,
    )


async def take_upload(
    conn: asyncpg.Connection, upload_id: UUID, person_id: UUID
) -> asyncpg.Record | None:
    """The person's own upload, removed as it is taken (so it is sent once)."""
    return await conn.fetchrow(
        "DELETE FROM upload WHERE upload_id = $1 AND person_id = $2 RETURNING filename, data",
        upload_id,
        person_id,
    )


async def join_organisation(
    conn: asyncpg.Connection, *, email: str, placeholder: UUID, organisation_id: UUID
) -> bool:
    """Move a person from a placeholder organisation to a real one (once: the first wins)."""
    done = await conn.execute(
        "UPDATE person SET organisation_id = $3 WHERE email = $1 AND organisation_id = $2",
        email,
        placeholder,
        organisation_id,
    )
    return bool(done.endswith(" 1"))

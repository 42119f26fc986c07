"""Least privilege in PostgreSQL: each service logs in as its own role, which may read and
write its own schema's rows and nothing more. Migrations run as the owner and create them.

A service role is not the owner of its tables, so it cannot `ALTER TABLE ... DISABLE TRIGGER`
(the audit log's append-only trigger), `SET session_replication_role` (superuser only),
`TRUNCATE` the audit log, or change the schema. Intake's role also writes API keys into every
schema (`polku keys`, `POST /v1/keys`): it may insert and revoke `api_key` rows there, and read
only their `key_id` and `revoked_at`.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import asyncpg

KEY_WRITER = "intake"
"""The service whose role writes API keys into every schema."""


def default_role(service: str) -> str:
    """The login role of a service when its database URL does not name one."""
    return f"polku_{service}"


def with_user(dsn: str, user: str) -> str:
    """`dsn` logging in as `user` without a password (trust or peer authentication)."""
    parts = urlsplit(dsn)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{quote(user, safe='')}@{host}"))


def login_of(dsn: str) -> tuple[str | None, str | None]:
    """The user and password a DSN logs in with (None where it names none)."""
    parts = urlsplit(dsn)
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return user, password


async def ensure_role(conn: asyncpg.Connection, name: str, password: str | None) -> None:
    """Create the login role if missing (another database may race us: roles are global);
    set its password when one is given."""
    if await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", name) is None:
        try:
            await conn.execute(
                await conn.fetchval("SELECT format('CREATE ROLE %I LOGIN', $1::text)", name)
            )
        except (asyncpg.exceptions.DuplicateObjectError, asyncpg.exceptions.UniqueViolationError):
            pass  # created meanwhile by a migration of another database
    if password is not None:
        statement = "SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', $1::text, $2::text)"
        await conn.execute(await conn.fetchval(statement, name, password))


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grants(schema: str, role: str, owner: str) -> list[str]:
    """The statements that give `role` the rows of `schema` (its tables and sequences)."""
    s, r, o = _ident(schema), _ident(role), _ident(owner)
    rows = "SELECT, INSERT, UPDATE, DELETE, TRUNCATE"
    return [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"GRANT {rows} ON ALL TABLES IN SCHEMA {s} TO {r}",
        # The audit log is append-only: read and add, nothing else (its trigger says so too).
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {s}.audit_log FROM {r}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} GRANT {rows} ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s}"
        f" GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {r}",
    ]


def key_writer_grants(schema: str, role: str) -> list[str]:
    """What intake's role may do with another schema's API keys: add them and revoke them."""
    s, r = _ident(schema), _ident(role)
    return [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"GRANT INSERT, SELECT (key_id, revoked_at), UPDATE (revoked_at) ON {s}.api_key TO {r}",
    ]


async def grant_schema(conn: asyncpg.Connection, schema: str, logins: Mapping[str, str]) -> None:
    """Give each service's login role its schema; intake's role the schema's API keys."""
    owner = str(await conn.fetchval("SELECT current_user"))
    own = logins.get(schema)
    if own is not None and own != owner:
        for statement in grants(schema, own, owner):
            await conn.execute(statement)
    writer = logins.get(KEY_WRITER)
    if writer is not None and writer != owner and schema != KEY_WRITER:
        for statement in key_writer_grants(schema, writer):
            await conn.execute(statement)

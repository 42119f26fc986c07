"""Plain numbered SQL migrations, one schema per service, applied under an advisory lock by
the schemas' owner, which then grants each service's own login role its schema's rows."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from shared.roles import KEY_WRITER, default_role, ensure_role, grant_schema, login_of, with_user
from shared.settings import PROCESSES, SERVICES, Settings

log = logging.getLogger("polku.migrate")

ROOT = Path(__file__).resolve().parent.parent
SHARED_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK_KEY = 0x504F4C4B  # "POLK": one lock for every schema, so replicas never race


@dataclass(frozen=True)
class Migration:
    """One SQL file to apply into one schema."""

    version: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


def migrations_for(service: str) -> list[Migration]:
    """The shared messaging tables first, then the service's own files, in name order."""
    found = [Migration(f"shared/{p.stem}", p) for p in sorted(SHARED_MIGRATIONS.glob("*.sql"))]
    own = ROOT / "services" / service / "migrations"
    found += [Migration(p.stem, p) for p in sorted(own.glob("*.sql"))]
    return found


async def migrate(
    dsn: str, services: tuple[str, ...] = SERVICES, logins: Mapping[str, str] | None = None
) -> dict[str, list[str]]:
    """Apply every missing migration of `services` as the owner at `dsn`, then grant each
    service's login role (from `logins`, service -> its DSN; else `polku_<service>`) its
    schema; returns what was applied per schema."""
    logins = logins or {s: with_user(dsn, default_role(s)) for s in {*services, KEY_WRITER}}
    applied: dict[str, list[str]] = {}
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        try:
            roles = await _ensure_roles(conn, logins)
            for service in services:
                applied[service] = await _migrate_schema(conn, service)
                await grant_schema(conn, service, roles)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
    finally:
        await conn.close()
    return applied


def configured_logins(settings: Settings) -> dict[str, str]:
    """Each service's login DSN as configured (the owner's where none is set: no role then)."""
    return {service: settings.service_database_url(service) for service in PROCESSES}


async def migrate_configured(settings: Settings, services: tuple[str, ...]) -> dict[str, list[str]]:
    """`migrate` as the configured owner, granting the configured login roles."""
    return await migrate(settings.owner_database_url(), services, configured_logins(settings))


async def _ensure_roles(conn: asyncpg.Connection, logins: Mapping[str, str]) -> dict[str, str]:
    """Each service's login role (created when missing); the owner's own login is left alone."""
    owner = str(await conn.fetchval("SELECT current_user"))
    roles: dict[str, str] = {}
    for service, login in logins.items():
        user, password = login_of(login)
        name = user or default_role(service)
        if name != owner:
            await ensure_role(conn, name, password)
        roles[service] = name
    return roles


async def _migrate_schema(conn: asyncpg.Connection, schema: str) -> list[str]:
    await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    await conn.execute(f'SET search_path TO "{schema}", public')
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migration ("
        " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
    )
    done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migration")}
    applied = []
    for migration in migrations_for(schema):
        if migration.version in done:
            continue
        async with conn.transaction():
            await conn.execute(migration.sql)
            await conn.execute(
                "INSERT INTO schema_migration (version) VALUES ($1)", migration.version
            )
        log.info("applied %s to schema %s", migration.version, schema)
        applied.append(migration.version)
    await conn.execute("SET search_path TO public")
    return applied

"""Least privilege: each service logs in as its own role, which reads and writes its own
schema's rows and cannot switch off the audit trigger, replication mode, or read another's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import uuid4

import asyncpg
import pytest

from shared.migrate import migrate
from shared.roles import default_role, with_user
from shared.settings import SERVICES, WEB, Settings

Denied = (asyncpg.exceptions.InsufficientPrivilegeError,)


@pytest.fixture
async def as_intake(settings: Settings) -> AsyncIterator[asyncpg.Connection]:
    """A connection as intake's role, the way intake's pool logs in."""
    conn = await asyncpg.connect(
        settings.service_database_url("intake"), server_settings={"search_path": "intake,public"}
    )
    try:
        yield conn
    finally:
        await conn.close()


async def test_each_service_logs_in_as_its_own_role(settings: Settings) -> None:
    for service in SERVICES:
        conn = await asyncpg.connect(settings.service_database_url(service))
        try:
            assert await conn.fetchval("SELECT current_user") == default_role(service)
            assert not await conn.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = $1",
                                           default_role(service))  # fmt: skip
            owner = await conn.fetchval(
                "SELECT tableowner FROM pg_tables WHERE schemaname = $1 AND tablename = 'outbox'",
                service,
            )
            assert owner != default_role(service), "the role must not own its tables"
        finally:
            await conn.close()


async def test_the_role_reads_and_writes_its_rows_and_appends_to_the_audit_log(
    as_intake: asyncpg.Connection,
) -> None:
    await as_intake.execute(
        "INSERT INTO relay_state (key, value) VALUES ('probe', 'x')"
        " ON CONFLICT (key) DO UPDATE SET value = 'y'"
    )
    assert await as_intake.fetchval("SELECT value FROM relay_state WHERE key = 'probe'") == "x"
    await as_intake.execute("DELETE FROM relay_state WHERE key = 'probe'")
    await as_intake.execute("INSERT INTO audit_log (action) VALUES ('probe')")
    assert await as_intake.fetchval("SELECT count(*) FROM audit_log") == 1


BYPASSES = (
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
    "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    "SET session_replication_role = replica",
    "TRUNCATE audit_log",
    "UPDATE audit_log SET action = 'forged'",
    "DELETE FROM audit_log",
    "DROP TABLE audit_log",
    "CREATE TABLE intake.smuggled (x int)",
    "SELECT * FROM caseplan.case_plan",
    "SELECT * FROM matching.opening",
    "SELECT * FROM reporting.participant_fact",
    "SELECT key_hash FROM caseplan.api_key",
)


async def test_intakes_role_cannot_bypass_the_audit_log_or_read_other_schemas(
    as_intake: asyncpg.Connection,
) -> None:
    await as_intake.execute("INSERT INTO audit_log (action) VALUES ('before')")
    for statement in BYPASSES:
        with pytest.raises(Denied):
            await as_intake.execute(statement)
            pytest.fail(f"allowed: {statement}")
    assert await as_intake.fetchval("SELECT array_agg(action) FROM audit_log") == ["before"]


async def test_no_other_role_reads_intakes_personal_data(settings: Settings) -> None:
    for service in ("caseplan", "matching", "reporting"):
        conn = await asyncpg.connect(settings.service_database_url(service))
        try:
            for table in ("intake.participant", "intake.audit_log", "intake.api_key"):
                with pytest.raises(Denied):
                    await conn.fetch(f"SELECT * FROM {table}")
        finally:
            await conn.close()


async def test_intakes_role_writes_and_revokes_keys_in_every_schema(settings: Settings) -> None:
    from shared.key_store import create_key, revoke_key

    intake = settings.service_database_url("intake")
    key_id, _ = await create_key(intake, organisation_id=uuid4(), role="operator")
    assert await revoke_key(intake, key_id)
    owner = await asyncpg.connect(settings.database_url)
    try:
        for schema in SERVICES:
            revoked = await owner.fetchval(
                f"SELECT revoked_at FROM {schema}.api_key WHERE key_id = $1", key_id
            )
            assert revoked is not None, schema
    finally:
        await owner.close()


async def test_migrating_again_keeps_the_grants_and_sets_a_configured_password(
    migrated_database_url: str,
) -> None:
    role = f"polku_t_{uuid4().hex[:8]}"
    login = with_user(migrated_database_url, role).replace(f"{role}@", f"{role}:s3cret@")
    await migrate(migrated_database_url, ("caseplan",), {"caseplan": login})
    await migrate(migrated_database_url, ("caseplan",), {"caseplan": login})
    owner = await asyncpg.connect(migrated_database_url)
    try:
        assert await owner.fetchval(
            "SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = $1", role
        )
        assert await owner.fetchval(
            "SELECT has_table_privilege($1, 'caseplan.outbox', 'INSERT')", role
        )
        assert not await owner.fetchval(
            "SELECT has_table_privilege($1, 'caseplan.audit_log', 'DELETE')", role
        )
        assert not await owner.fetchval("SELECT has_schema_privilege($1, 'intake', 'USAGE')", role)
    finally:
        await owner.execute(f'DROP OWNED BY "{role}"')
        await owner.execute(f'DROP ROLE "{role}"')
        await owner.close()


async def test_the_web_front_logs_in_as_its_own_role_and_reads_no_service_schema(
    migrated_database_url: str, settings: Settings
) -> None:
    await migrate(migrated_database_url, (WEB,))
    conn = await asyncpg.connect(
        settings.service_database_url(WEB), server_settings={"search_path": "web"}
    )
    try:
        assert await conn.fetchval("SELECT current_user") == default_role(WEB)
        assert await conn.fetchval("SELECT count(*) FROM person") == 0  # its own rows
        for table in ("intake.participant", "caseplan.case_plan", "reporting.participant_fact"):
            with pytest.raises(Denied):
                await conn.fetch(f"SELECT * FROM {table}")
        with pytest.raises(Denied):
            await conn.execute("DROP TABLE person")
    finally:
        await conn.close()

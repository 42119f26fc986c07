"""Personal data at rest and in flight: sealed in intake's tables, absent from the streams,
and every read or change written to an append-only audit log an admin can query."""

from __future__ import annotations

from uuid import UUID

import asyncpg
import httpx
import pytest
import redis.asyncio as aioredis
from conftest import Keys
from fastapi import FastAPI
from security_helpers import OWN, find_anywhere, intake_body, secrets_of

from services.intake.service import vault_of
from shared.events import streams
from shared.settings import Settings
from tests.support import bearer, eventually


async def _register(app: FastAPI, keys: Keys, body: dict) -> str:  # type: ignore[type-arg]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
        r = await http.post("/v1/intakes", json=body, headers=bearer(keys["municipality"]))
        assert r.status_code == 201, r.text
        return str(r.json()["participant_id"])


async def test_intake_tables_hold_no_clear_name_contact_or_national_id(
    intake_app: FastAPI, keys: Keys, settings: Settings
) -> None:
    body = intake_body(OWN)
    pid = await _register(intake_app, keys, body)
    conn = await asyncpg.connect(settings.database_url)
    try:
        leaks = await find_anywhere(conn, [s.encode() for s in secrets_of(body)], ("intake",))
        assert not leaks
        row = await conn.fetchrow("SELECT * FROM intake.participant WHERE participant_id = $1", pid)
        vault = vault_of(settings)
        assert bytes(row["id_hash"]) == vault.id_hash(body["national_id"])  # keyed hash only
        opened = vault.open(bytes(row["personal"]), bound_to=row["participant_id"].bytes)
        assert opened["given_name"] == body["given_name"]  # AES-GCM, bound to the participant
    finally:
        await conn.close()


async def test_published_streams_carry_no_direct_identifiers(
    intake_app: FastAPI, keys: Keys, settings: Settings
) -> None:
    body = intake_body(OWN)
    pid = await _register(intake_app, keys, body)
    client = aioredis.from_url(settings.redis_url)
    try:

        async def published() -> bytes:
            entries = await client.xrange(streams.INTAKE)
            raw = b"".join(k + v for _, f in entries for k, v in f.items())
            return raw if pid.encode() in raw else b""

        raw = await eventually(published, "the registration on intake's stream", within=10)
        assert pid.encode() in raw
        for secret in secrets_of(body):
            assert secret.encode() not in raw
    finally:
        await client.aclose()


async def test_reads_and_changes_are_audited_and_the_log_is_append_only(
    intake_app: FastAPI, keys: Keys, settings: Settings
) -> None:
    pid = await _register(intake_app, keys, intake_body(OWN))
    transport = httpx.ASGITransport(app=intake_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
        mine = bearer(keys["municipality"])
        assert (await http.get(f"/v1/participants/{pid}", headers=mine)).status_code == 200
        patch = await http.patch(
            f"/v1/participants/{pid}", json={"family_name": "Uus"}, headers=mine
        )
        assert patch.status_code == 200
        trail = await http.get(
            "/v1/audit", params={"participant_id": pid}, headers=bearer(keys["admin"])
        )
        assert trail.status_code == 200
    lines = trail.json()
    assert [line["action"] for line in lines] == [
        "participant.created",
        "participant.read",
        "participant.corrected",
    ]
    org = str(keys.organisation["municipality"])
    assert all(line["organisation_id"] == org and line["role"] == "municipality" for line in lines)
    assert all(line["key_id"] and line["client"] for line in lines)
    assert lines[1]["fields"] == ["given_name", "family_name", "contact", "home"]
    assert lines[2]["fields"] == ["family_name"]
    conn = await asyncpg.connect(settings.database_url, server_settings={"search_path": "intake"})
    try:
        for statement in (
            "UPDATE audit_log SET action = 'x'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ):
            with pytest.raises(asyncpg.PostgresError, match="append-only"):
                await conn.execute(statement)
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM audit_log WHERE participant_id = $1", UUID(pid)
            )
            >= 4
        )
    finally:
        await conn.close()

"""API keys: shown once, stored only as a hash in every schema, refused when missing, wrong,
expired or revoked; open operational routes stay open."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg
import httpx
from fastapi import FastAPI

from shared.auth import key_hash
from shared.key_store import create_key, revoke_key
from shared.settings import SERVICES, Settings
from tests.support import bearer


def _polku(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "POLKU_DATABASE_URL": settings.database_url,
        "POLKU_ENV": "development",  # the development secrets (shared/settings.py)
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "-m", "polku.cli", "keys", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


async def test_cli_prints_the_key_once_and_stores_only_its_hash(settings: Settings) -> None:
    org = uuid4()
    made = _polku(
        settings,
        "create",
        "--org",
        str(org),
        "--role",
        "municipality",
        "--municipality",
        "Rapla vald",
        "--expires-in-days",
        "30",
    )
    assert made.returncode == 0, made.stderr
    printed = json.loads(made.stdout)
    key = printed["key"]
    assert key.startswith("polku_") and len(key) > 40
    conn = await asyncpg.connect(settings.database_url)
    try:
        for schema in SERVICES:
            row = await conn.fetchrow(
                f'SELECT * FROM "{schema}".api_key WHERE key_id = $1', printed["key_id"]
            )
            assert row is not None and row["key_hash"] == key_hash(key)
            assert row["organisation_id"] == org and row["municipality"] == "Rapla vald"
            assert key not in str(dict(row))
    finally:
        await conn.close()
    listed = _polku(settings, "list")
    assert printed["key_id"] in listed.stdout and key not in listed.stdout
    assert _polku(settings, "revoke", printed["key_id"]).returncode == 0
    assert _polku(settings, "revoke", str(uuid4())).returncode == 1


async def test_a_municipality_key_must_name_its_municipality(settings: Settings) -> None:
    refused = _polku(settings, "create", "--org", str(uuid4()), "--role", "municipality")
    assert refused.returncode == 2 and "municipality" in refused.stderr


async def test_missing_wrong_expired_and_revoked_keys_get_401_with_reason(
    intake_app: FastAPI, settings: Settings, admin_key: str
) -> None:
    dsn = settings.database_url
    _, expired = await create_key(
        dsn,
        organisation_id=uuid4(),
        role="admin",
        expires_at=datetime.now(UTC) - timedelta(seconds=1),
    )
    revoked_id, revoked = await create_key(dsn, organisation_id=uuid4(), role="admin")
    assert await revoke_key(dsn, revoked_id)
    transport = httpx.ASGITransport(app=intake_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
        url = "/v1/participants?municipality=Rapla%20vald"
        cases = {
            "missing_api_key": {},
            "invalid_api_key": bearer("polku_not-a-key"),
            "expired_api_key": bearer(expired),
            "revoked_api_key": bearer(revoked),
        }
        for reason, headers in cases.items():
            r = await http.get(url, headers=headers)
            assert r.status_code == 401, (reason, r.text)
            assert r.json()["detail"]["reason"] == reason
            assert r.headers["www-authenticate"] == "Bearer"
        r = await http.get(url, headers={"Authorization": "Basic abc"})
        assert r.json()["detail"]["reason"] == "invalid_api_key"
        unknown = await http.get("/v1/no-such-route")
        assert unknown.status_code == 401  # not even a 404 tells what exists
        assert (await http.get(url, headers=bearer(admin_key))).status_code == 200
        for open_path in ("/healthz", "/readyz", "/metrics", "/openapi.json"):
            assert (await http.get(open_path)).status_code == 200, open_path


async def test_request_bodies_over_the_limit_get_413_with_reason(
    intake_app: FastAPI, admin_key: str
) -> None:
    transport = httpx.ASGITransport(app=intake_app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://intake", headers=bearer(admin_key)
    ) as http:
        big = b'{"municipality": "' + b"x" * (1024 * 1024) + b'"}'
        r = await http.post(
            "/v1/intakes", content=big, headers={"content-type": "application/json"}
        )
        assert r.status_code == 413 and r.json()["detail"]["reason"] == "body_too_large"

        async def chunks():  # no Content-Length: counted while read
            for _ in range(20):
                yield b"x" * 65536

        r = await http.post(
            "/v1/intakes", content=chunks(), headers={"content-type": "application/json"}
        )
        assert r.status_code == 413 and r.json()["detail"]["reason"] == "body_too_large"
        small = await http.post("/v1/intakes", json={"municipality": "x"})
        assert small.status_code == 422  # under the limit: read and validated as usual


async def test_an_admin_creates_lists_and_revokes_keys_over_http(
    intake_app: FastAPI, admin_key: str
) -> None:
    transport = httpx.ASGITransport(app=intake_app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://intake", headers=bearer(admin_key)
    ) as http:
        body = {
            "organisation_id": str(uuid4()),
            "role": "municipality",
            "municipality": "Rapla vald",
        }
        made = await http.post("/v1/keys", json=body)
        assert made.status_code == 201, made.text
        key, key_id = made.json()["key"], made.json()["key_id"]
        listed = (await http.get("/v1/keys")).json()
        assert key_id in {k["key_id"] for k in listed} and key not in str(listed)
        mine = bearer(key)
        page = "/v1/participants?municipality=Rapla%20vald"
        assert (await http.get(page, headers=mine)).status_code == 200
        assert (await http.post(f"/v1/keys/{key_id}/revoke")).status_code == 200
        refused = await http.get(page, headers=mine)
        assert refused.json()["detail"]["reason"] == "revoked_api_key"
        no_town = await http.post("/v1/keys", json={**body, "municipality": None})
        assert no_town.status_code == 422

"""The access matrix of reporting: figures for operators, admins, municipalities and support
organisations (each its own), the dashboard's data and pipeline for operators; a participant's
facts (subject access) for their municipality or an admin; the dashboard page stays open."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from uuid import uuid4

import httpx
import pytest
import redis.asyncio as aioredis
from conftest import Keys
from fastapi import FastAPI
from security_helpers import OWN

from services.reporting.main import create_app
from shared.events import new_event
from shared.events.intake import ParticipantRegistered
from shared.settings import Settings
from tests.support import bearer, eventually

WHO: tuple[str | None, ...] = (
    None,
    "operator",
    "admin",
    "municipality",
    "other_municipality",
    "support_worker",
    "workshop",
    "employer",
)
NETWORK = {None: 401, "operator": 200, "admin": 200}
FIGURES = {**NETWORK, "municipality": 200, "other_municipality": 200, "support_worker": 200}
"""Each sees its own figures (test_reporting_scope.py checks which)."""
SUBJECT = {None: 401, "municipality": 200, "other_municipality": 404, "admin": 200}
ADMIN = {None: 401, "admin": 200}
MATRIX: list[tuple[str, dict[str | None, int]]] = [
    ("/v1/reports/summary", FIGURES),
    ("/v1/reports/indicators", FIGURES),
    ("/v1/reports/indicators.csv", FIGURES),
    ("/v1/reports/indicators.xlsx", FIGURES),
    ("/v1/reports/summary?format=xlsx", FIGURES),
    ("/v1/esf/participants", NETWORK),  # the managing authority's file: operators, admins
    ("/v1/esf/participants?format=xlsx", NETWORK),
    ("/v1/reports", FIGURES),
    ("/v1/dashboard", NETWORK),
    ("/v1/web-dashboard", NETWORK),
    ("/v1/web-dashboard?municipality=Rapla%20vald&municipality=Kohila%20vald", NETWORK),
    ("/v1/web-dashboard?municipality=Rapla%20vald&audience=external", NETWORK),
    ("/v1/pipeline", NETWORK),
    ("/v1/declines-by-reason", NETWORK),
    ("/v1/participants/{pid}/export", SUBJECT),
    ("/v1/audit?participant_id={pid}", ADMIN),
]


@pytest.fixture
async def reporting_app(settings: Settings) -> AsyncIterator[FastAPI]:
    """Reporting's app with its lifespan (consumer included) running."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


async def test_every_reporting_endpoint_for_every_role(
    reporting_app: FastAPI, settings: Settings, keys: Keys
) -> None:
    pid = uuid4()
    client = aioredis.from_url(settings.redis_url)
    env = new_event(
        ParticipantRegistered(participant_id=pid, municipality=OWN, registered_on=date.today()),
        producer="test",
    )
    await client.xadd(env.stream, {"__data__": env.model_dump_json()})
    await client.aclose()
    transport = httpx.ASGITransport(app=reporting_app)
    failures = []
    async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as http:
        export = f"/v1/participants/{pid}/export"

        async def exported() -> bool:
            return (await http.get(export, headers=bearer(keys["admin"]))).status_code == 200

        await eventually(exported, "the participant's facts in reporting", within=20)
        for path, cell in MATRIX:
            for who in WHO:
                r = await http.get(path.format(pid=pid), headers=bearer(keys[who]) if who else {})
                if r.status_code != cell.get(who, 403):
                    failures.append(f"GET {path} as {who}: {r.status_code} {r.text[:160]}")
        facts = (await http.get(export, headers=bearer(keys["municipality"]))).json()
        assert facts["participant_fact"][0]["municipality"] == OWN
        for open_path in ("/", "/static/dashboard.js", "/healthz"):
            assert (await http.get(open_path)).status_code == 200, open_path
    assert not failures, "\n".join(failures)


def test_every_reporting_operation_needs_a_key_and_is_in_the_matrix(
    reporting_app: FastAPI,
) -> None:
    paths = {p for p in reporting_app.openapi()["paths"] if p.startswith("/v1")}
    ops = [op for p in paths for op in reporting_app.openapi()["paths"][p].values()]
    assert all(op.get("security") for op in ops)
    named = {
        "/v1/reports/indicators": "/v1/reports/{name}",
        "/v1/reports/indicators.csv": "/v1/reports/{name}.csv",
        "/v1/reports/indicators.xlsx": "/v1/reports/{name}.xlsx",
    }
    in_matrix = {
        named.get(p, p).split("?")[0].replace("{pid}", "{participant_id}") for p, _ in MATRIX
    }
    assert paths == in_matrix

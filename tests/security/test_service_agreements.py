"""Claiming another municipality's people: a support organisation serves only the
municipalities that agreed with it, and assignment never leaves those agreements."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
import redis.asyncio as aioredis
from conftest import Keys, connect
from fastapi import FastAPI
from security_helpers import OTHER, OWN

from services.caseplan.main import create_app
from shared.events import new_event
from shared.events.intake import ParticipantRegistered
from shared.settings import Settings
from tests.support import bearer, eventually


@pytest.fixture
async def caseplan(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client of caseplan's app with its lifespan (consumer included) running."""
    app: FastAPI = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://caseplan") as http:
            yield http


async def _register(settings: Settings, municipality: str) -> UUID:
    pid = uuid4()
    payload = ParticipantRegistered(
        participant_id=pid, municipality=municipality, registered_on=date.today()
    )
    client = aioredis.from_url(settings.redis_url)
    env = new_event(payload, producer="test")
    await client.xadd(env.stream, {"__data__": env.model_dump_json()})
    await client.aclose()
    return pid


async def _plan(http: httpx.AsyncClient, keys: Keys, pid: UUID) -> dict[str, Any]:
    async def plan() -> dict[str, Any] | None:
        r = await http.get(f"/v1/participants/{pid}/case-plan", headers=bearer(keys["admin"]))
        return dict(r.json()) if r.status_code == 200 else None

    found: dict[str, Any] = await eventually(plan, f"the case plan of {pid}", within=20)
    return found


def _worker(org: UUID, *places: str, limit: int = 500) -> dict[str, Any]:
    return {"organisation_id": str(org), "municipalities": list(places), "caseload_limit": limit}


async def test_a_worker_for_an_unagreed_municipality_is_refused(
    caseplan: httpx.AsyncClient, keys: Keys
) -> None:
    org, own_key = keys.organisation["support_worker"], bearer(keys["support_worker"])
    r = await caseplan.post("/v1/support-workers", json=_worker(org, OTHER), headers=own_key)
    assert r.status_code == 409, r.text
    assert r.json()["detail"]["reason"] == "no_service_agreement"
    assert r.json()["detail"]["field"] == "municipalities"
    # the organisation cannot agree with itself, nor another municipality for the one it wants
    agreement = {"organisation_id": str(org), "municipality": OTHER}
    r = await caseplan.post("/v1/service-agreements", json=agreement, headers=own_key)
    assert r.status_code == 403 and r.json()["detail"]["reason"] == "role_not_allowed"
    r = await caseplan.post(
        "/v1/service-agreements", json=agreement, headers=bearer(keys["municipality"])
    )
    assert r.status_code == 403 and r.json()["detail"]["reason"] == "other_municipality"
    listed = await caseplan.get("/v1/support-workers", headers=bearer(keys["admin"]))
    assert listed.json() == []


async def test_assignment_stays_within_live_agreements(
    caseplan: httpx.AsyncClient, settings: Settings, keys: Keys
) -> None:
    org, own_key = keys.organisation["support_worker"], bearer(keys["support_worker"])
    municipality = bearer(keys["municipality"])
    r = await caseplan.post(
        "/v1/service-agreements",
        json={"organisation_id": str(org), "municipality": OWN},
        headers=municipality,
    )
    assert r.status_code == 201, r.text
    agreement_id = r.json()["agreement_id"]
    r = await caseplan.post("/v1/support-workers", json=_worker(org, OWN), headers=own_key)
    assert r.status_code == 201, r.text
    worker_id = r.json()["support_worker_id"]
    r = await caseplan.patch(
        f"/v1/support-workers/{worker_id}", json={"municipalities": [OWN, OTHER]}, headers=own_key
    )
    assert r.status_code == 409 and r.json()["detail"]["reason"] == "no_service_agreement"

    # a participant of the other municipality waits, though the worker has 500 free places
    theirs, ours = await _register(settings, OTHER), await _register(settings, OWN)
    assert (await _plan(caseplan, keys, ours))["support_worker"]["support_worker_id"] == worker_id
    assert (await _plan(caseplan, keys, theirs))["support_worker"] is None

    r = await caseplan.post(
        f"/v1/service-agreements/{agreement_id}/end", headers=bearer(keys["other_municipality"])
    )
    assert r.status_code == 404
    r = await caseplan.post(f"/v1/service-agreements/{agreement_id}/end", headers=municipality)
    assert r.status_code == 200 and r.json()["live"] is False
    later = await _register(settings, OWN)
    assert (await _plan(caseplan, keys, later))["support_worker"] is None
    seen = await caseplan.get("/v1/waiting-list", headers=own_key)
    assert str(later) not in {w["participant_id"] for w in seen.json()["items"]}

    conn = await connect(settings, "caseplan")
    try:
        audited = await conn.fetch(
            "SELECT action, role FROM audit_log WHERE $1 = ANY(fields) ORDER BY seq",
            f"agreement_id={agreement_id}",
        )
    finally:
        await conn.close()
    assert [(a["action"], a["role"]) for a in audited] == [
        ("service_agreement.created", "municipality"),
        ("service_agreement.ended", "municipality"),
    ]


async def test_a_new_agreement_drains_the_waiting_list_and_is_seen_by_its_parties(
    caseplan: httpx.AsyncClient, settings: Settings, keys: Keys
) -> None:
    org = keys.organisation["support_worker"]
    admin = bearer(keys["admin"])
    r = await caseplan.post(
        "/v1/service-agreements",
        json={"organisation_id": str(org), "municipality": OTHER},
        headers=admin,
    )
    assert r.status_code == 201
    r = await caseplan.post("/v1/support-workers", json=_worker(org, OTHER, limit=2), headers=admin)
    worker_id = r.json()["support_worker_id"]
    agreement_id = (await caseplan.get("/v1/service-agreements?live=true", headers=admin)).json()[
        0
    ]["agreement_id"]
    await caseplan.post(f"/v1/service-agreements/{agreement_id}/end", headers=admin)
    waiting = await _register(settings, OTHER)
    assert (await _plan(caseplan, keys, waiting))["support_worker"] is None
    r = await caseplan.post(
        "/v1/service-agreements",
        json={"organisation_id": str(org), "municipality": OTHER},
        headers=bearer(keys["other_municipality"]),
    )
    assert r.status_code == 201, r.text
    plan = await _plan(caseplan, keys, waiting)
    assert plan["support_worker"]["support_worker_id"] == worker_id
    for who, count in (("other_municipality", 2), ("support_worker", 2), ("municipality", 0),
                       ("other_support_worker", 0)):  # fmt: skip
        listed = await caseplan.get("/v1/service-agreements", headers=bearer(keys[who]))
        assert listed.status_code == 200 and len(listed.json()) == count, who

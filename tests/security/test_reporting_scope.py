"""Figures by scope, on a running reporting app fed through Redis: a municipality's key gets
its own participants' figures, a support organisation's key its own cases', and neither can
ask for another's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
import redis.asyncio as aioredis
from conftest import Keys
from fastapi import FastAPI
from security_helpers import OTHER, OWN

from services.reporting.main import create_app
from shared.events import new_event
from shared.events.caseplan import CaseplanOpened, CaseplanWorkerAssigned
from shared.events.envelope import Payload
from shared.events.intake import ParticipantRegistered
from shared.settings import Settings
from tests.support import bearer

DAY = date(2026, 3, 2)


@pytest.fixture
async def reporting_app(settings: Settings) -> AsyncIterator[FastAPI]:
    """Reporting's app with its lifespan (consumer, aggregator) running."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


def _case(pid: UUID, municipality: str, organisation: UUID | None) -> list[Payload]:
    plan = uuid4()
    out: list[Payload] = [
        ParticipantRegistered(participant_id=pid, municipality=municipality, registered_on=DAY),
        CaseplanOpened(
            participant_id=pid, case_plan_id=plan, municipality=municipality, opened_on=DAY,
            planned_end_on=date(2027, 3, 2),
        ),
    ]  # fmt: skip
    if organisation is not None:
        out.append(
            CaseplanWorkerAssigned(
                participant_id=pid, case_plan_id=plan, support_worker_id=uuid4(),
                organisation_id=organisation, assigned_on=DAY, caseload_limit=10,
            )
        )  # fmt: skip
    return out


async def _publish(settings: Settings, payloads: list[Payload]) -> None:
    client = aioredis.from_url(settings.redis_url)
    for p in payloads:
        env = new_event(p, producer="test")
        await client.xadd(env.stream, {"__data__": env.model_dump_json()})
    await client.aclose()


async def test_each_key_gets_its_own_figures_and_none_of_anothers(
    reporting_app: FastAPI, settings: Settings, keys: Keys
) -> None:
    ours, theirs = keys.organisation["support_worker"], keys.organisation["other_support_worker"]
    cases = [
        (OWN, ours), (OWN, theirs), (OWN, None), (OTHER, ours), (OTHER, None),
    ]  # fmt: skip
    await _publish(settings, [e for m, o in cases for e in _case(uuid4(), m, o)])
    transport = httpx.ASGITransport(app=reporting_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as http:

        async def registered(who: str, **query: Any) -> Any:
            r = await http.get("/v1/reports/summary", params=query, headers=bearer(keys[who]))
            return r.json()["participants_registered"] if r.status_code == 200 else r

        for _ in range(400):  # every event applied: the network's figure is complete
            if await registered("admin") == 5 and await registered("support_worker") == 2:
                break
            await asyncio.sleep(0.05)
        assert await registered("admin") == 5 and await registered("operator") == 5
        assert await registered("municipality") == 3  # Rapla's own three
        assert await registered("municipality", municipality=OWN) == 3
        assert await registered("other_municipality") == 2
        assert await registered("support_worker") == 2  # its two cases, in both places
        assert await registered("support_worker", municipality=OWN) == 1
        assert await registered("other_support_worker") == 1
        assert await registered("admin", organisation=str(ours)) == 2

        refused = [
            ("municipality", "/v1/reports/summary", {"municipality": OTHER}, "other_municipality"),
            ("municipality", "/v1/reports/exits", {"municipality": OTHER}, "other_municipality"),
            ("other_municipality", "/v1/reports/indicators.csv", {"municipality": OWN},
             "other_municipality"),
            ("support_worker", "/v1/reports/summary", {"organisation": str(theirs)},
             "other_organisation"),
            ("support_worker", "/v1/reports/caseloads", {"organisation": str(theirs)},
             "other_organisation"),
        ]  # fmt: skip
        for who, path, query, reason in refused:
            r = await http.get(path, params=query, headers=bearer(keys[who]))
            assert r.status_code == 403, (who, path, r.text)
            assert r.json()["detail"]["reason"] == reason
        for who in ("workshop", "employer"):
            r = await http.get("/v1/reports/summary", headers=bearer(keys[who]))
            assert r.status_code == 403 and r.json()["detail"]["reason"] == "role_not_allowed"
        r = await http.get("/v1/dashboard", headers=bearer(keys["municipality"]))
        assert r.status_code == 403  # the network's dashboard stays the operators'
        csv = await http.get("/v1/reports/summary.csv", headers=bearer(keys["municipality"]))
        assert csv.status_code == 200 and "participants_registered,3" in csv.text

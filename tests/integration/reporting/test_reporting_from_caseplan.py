"""Caseplan and reporting running side by side on real PostgreSQL and Redis: the hours a
support worker logs on activities and those a workshop logs on a placement (one day, or a
week's grid through the placement timesheet) each count once
in the figures (also when the relay delivers their events again), and every worker's
capacity in the caseloads is their own limit, including a worker who took the waiting list."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
import redis.asyncio as aioredis

from services.caseplan.main import create_app as create_caseplan
from services.reporting.main import create_app as create_reporting
from shared.events import new_event, streams
from shared.events.envelope import Payload
from shared.events.intake import ParticipantRegistered
from shared.events.matching import MatchAccepted
from shared.events.vocabulary import OpeningKind
from shared.settings import Settings
from tests.support import keyed_client

RAPLA = "Rapla vald"
TODAY = date.today()
ORG, WORKSHOP = uuid4(), uuid4()


@pytest.fixture
async def apps(settings: Settings, admin_key: str) -> AsyncIterator[tuple[Any, Any]]:
    """Clients (admin key) of a running caseplan and a running reporting."""
    cp, rp = create_caseplan(settings), create_reporting(settings)
    async with cp.router.lifespan_context(cp), rp.router.lifespan_context(rp):
        async with (
            keyed_client(cp, admin_key, base_url="http://cp") as cp_http,
            keyed_client(rp, admin_key, base_url="http://rp") as rp_http,
        ):
            yield cp_http, rp_http


async def _publish(redis: aioredis.Redis, *payloads: Payload) -> None:
    for p in payloads:
        env = new_event(p, producer="test")
        await redis.xadd(env.stream, {"__data__": env.model_dump_json()})


async def _until(check: Any, what: str, within: float = 30) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        if found := await check():
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def _plan(cp: httpx.AsyncClient, pid: UUID, key: str = "case_plan_id") -> Any:
    async def found() -> Any:
        r = await cp.get(f"/v1/participants/{pid}/case-plan")
        return r.json() if r.status_code == 200 and r.json().get(key) else None

    return await _until(found, f"case plan of {pid} with {key}")


async def _worker(cp: httpx.AsyncClient, limit: int) -> str:
    body = {"organisation_id": str(ORG), "municipalities": [RAPLA], "caseload_limit": limit}
    r = await cp.post("/v1/support-workers", json=body)
    assert r.status_code == 201, r.text
    return str(r.json()["support_worker_id"])


async def _all_consumed(redis: aioredis.Redis) -> bool:
    """Reporting's group has read and acknowledged everything in the caseplan stream."""
    groups = await redis.xinfo_groups(streams.CASEPLAN)
    mine = [g for g in groups if g["name"] in (b"reporting", "reporting")]
    return bool(mine) and mine[0]["lag"] == 0 and mine[0]["pending"] == 0


async def test_hours_count_once_each_and_capacity_is_each_workers_own(
    apps: tuple[httpx.AsyncClient, httpx.AsyncClient], settings: Settings
) -> None:
    cp, rp = apps
    redis = aioredis.from_url(settings.redis_url)
    try:
        r = await cp.post(
            "/v1/service-agreements", json={"organisation_id": str(ORG), "municipality": RAPLA}
        )
        assert r.status_code == 201, r.text
        first, second, third = uuid4(), uuid4(), uuid4()
        opened = TODAY - timedelta(days=30)
        await _publish(
            redis,
            *(ParticipantRegistered(participant_id=p, municipality=RAPLA, registered_on=opened)
              for p in (first, second)),
        )  # fmt: skip
        assert (await _plan(cp, second, "waiting_position"))["waiting_position"] == 2
        from_the_list = await _worker(cp, limit=3)  # takes both waiting: drained, not registered
        direct = await _worker(cp, limit=5)
        await _publish(
            redis,
            ParticipantRegistered(participant_id=third, municipality=RAPLA, registered_on=opened),
        )
        assert (await _plan(cp, third, "support_worker"))["support_worker"][
            "support_worker_id"
        ] == direct

        plan = await _plan(cp, first, "support_worker")
        cid = plan["case_plan_id"]
        r = await cp.post(
            f"/v1/case-plans/{cid}/activities",
            json={"activity_type": "work_practice", "status": "in_progress"},
        )
        assert r.status_code == 201, r.text
        aid = r.json()["activity_id"]
        days = [(TODAY - timedelta(days=d)).isoformat() for d in (15, 14, 13)]
        rows = [
            {"case_plan_id": cid, "activity_id": aid, "worked_on": d, "hours": "2"} for d in days
        ]
        r = await cp.post("/v1/timesheets", json={"rows": rows})
        assert r.status_code == 200, r.text  # 6 hours on the activity

        await _publish(
            redis,
            MatchAccepted(
                match_id=uuid4(), participant_id=first, opening_id=uuid4(),
                organisation_id=WORKSHOP, opening_kind=OpeningKind.WORK_PRACTICE,
                starts_on=TODAY - timedelta(days=20), hours_per_week=20,
            ),
        )  # fmt: skip
        placement = (await _plan(cp, first, "placements"))["placements"][0]["placement_id"]
        r = await cp.post(  # 5 hours on one day, as a workshop logs one day
            f"/v1/placements/{placement}/hours",
            json={"organisation_id": str(WORKSHOP), "hours": "5",
                  "worked_on": (TODAY - timedelta(days=10)).isoformat()},
        )  # fmt: skip
        assert r.status_code == 200, r.text
        r = await cp.post(  # 4.5 more in the week's grid the workshop's page sends
            "/v1/placement-timesheets",
            json={"organisation_id": str(WORKSHOP), "rows": [
                {"placement_id": placement, "worked_on": (TODAY - timedelta(days=9)).isoformat(),
                 "hours": "4.5"}]},
        )  # fmt: skip
        assert r.status_code == 200, r.text

        want = {"activity_hours": 6.0, "work_practice_hours": 9.5, "hours_total": 15.5}

        async def figures() -> dict[str, Any] | None:
            got = (await rp.get("/v1/reports/summary")).json()
            hours = {k: got[k] for k in want}
            return hours if hours == want else None

        await _until(figures, f"hours {want}")

        # The relay delivers every hours event again (as after a crash before its ack).
        entries = await redis.xrange(streams.CASEPLAN)
        again = [f for _, f in entries if f.get(b"type") in (
            b"activity.hours_logged", b"placement.hours_logged")]  # fmt: skip
        assert len(again) == 5
        for fields in again:
            await redis.xadd(streams.CASEPLAN, fields)
        await _until(lambda: _all_consumed(redis), "reporting read the copies")
        got = (await rp.get("/v1/reports/summary")).json()
        assert {k: got[k] for k in want} == want

        async def caseloads() -> dict[str, Any] | None:
            r = await rp.get("/v1/reports/caseloads")
            table = {row["support_worker_id"]: row for row in r.json()["rows"]}
            return table if {from_the_list, direct} <= set(table) else None

        table = await _until(caseloads, "both workers in the caseloads")
        assert (table[from_the_list]["cases"], table[from_the_list]["capacity"]) == (2, 3)
        assert (table[direct]["cases"], table[direct]["capacity"]) == (1, 5)
    finally:
        await redis.aclose()

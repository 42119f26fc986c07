"""Meetings from caseplan's API to reporting's figures, over real Redis and PostgreSQL: held,
cancelled, no-shows and their rate by period and for reporting's filters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
from caseplan_helpers import RAPLA, Caseplan, eventually

from services.reporting.main import create_app as create_reporting
from shared.settings import Settings
from tests.support import keyed_client

NOW = datetime.now(UTC)


@pytest.fixture
async def reporting(settings: Settings, admin_key: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_reporting(settings)
    async with (
        app.router.lifespan_context(app),
        keyed_client(app, admin_key, base_url="http://reporting") as client,
    ):
        yield client


async def _meeting(
    cp: Caseplan, worker: dict[str, Any], when: datetime, pid: Any = None, **more: Any
) -> dict[str, Any]:
    body = {
        "organisation_id": worker["organisation_id"], "support_worker_id":
        worker["support_worker_id"], "starts_at": when.isoformat(),
        "kind": "team_meeting" if pid is None else "participant_meeting",
        **({} if pid is None else {"participant_id": str(pid)}), **more,
    }  # fmt: skip
    r = await cp.client.post("/v1/meetings", json=body)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def _attend(cp: Caseplan, meeting: dict[str, Any], *attendance: tuple[str, str]) -> Any:
    body = {"attendance": [{"role": role, "status": status} for role, status in attendance]}
    return await cp.client.post(f"/v1/meetings/{meeting['meeting_id']}/attendance", json=body)


def _totals(rows: list[dict[str, Any]], kind: str | None = None) -> dict[str, int]:
    keys = ("scheduled", "held", "cancelled", "participant_present", "participant_excused",
            "participant_no_show")  # fmt: skip
    mine = [r for r in rows if kind is None or r["kind"] == kind]
    return {k: sum(r[k] for r in mine) for k in keys}


async def test_meetings_held_and_no_shows_reach_reporting(
    caseplan: Caseplan, reporting: httpx.AsyncClient
) -> None:
    worker = await caseplan.worker()
    first, second = await caseplan.register(), await caseplan.register()
    await caseplan.case_plan(first), await caseplan.case_plan(second)
    ago = NOW - timedelta(hours=2)
    no_show = await _meeting(caseplan, worker, ago, first)
    came = await _meeting(caseplan, worker, ago, second)
    team = await _meeting(caseplan, worker, ago, municipality=RAPLA)
    ahead = await _meeting(caseplan, worker, NOW + timedelta(days=2), first)
    await _meeting(caseplan, worker, NOW + timedelta(days=3))  # a team meeting to come

    assert (await _attend(caseplan, no_show, ("participant", "no_show"),
                          ("support_worker", "present"))).status_code == 200  # fmt: skip
    assert (await _attend(caseplan, came, ("participant", "present"))).status_code == 200
    held = await _attend(caseplan, team, ("support_worker", "present"), ("other", "excused"))
    assert held.json()["status"] == "held", held.text
    early = await _attend(caseplan, ahead, ("participant", "present"))
    assert early.status_code == 409 and early.json()["detail"]["reason"] == "meeting_in_future"
    cancelled = await caseplan.client.post(f"/v1/meetings/{ahead['meeting_id']}/cancel")
    assert cancelled.json()["status"] == "cancelled", cancelled.text
    late = await _attend(caseplan, ahead, ("participant", "present"))
    assert late.status_code == 409 and late.json()["detail"]["reason"] == "meeting_cancelled"

    period = {"from": (NOW - timedelta(days=30)).date().isoformat(),
              "to": (NOW + timedelta(days=30)).date().isoformat()}  # fmt: skip

    async def figures(**filters: str) -> list[dict[str, Any]]:
        r = await reporting.get("/v1/reports/meetings", params={**period, **filters})
        assert r.status_code == 200, r.text
        return r.json()["rows"]  # type: ignore[no-any-return]

    async def arrived() -> list[dict[str, Any]] | None:
        rows = await figures()
        return rows if _totals(rows)["scheduled"] == 5 and _totals(rows)["held"] == 3 else None

    rows = await eventually(arrived, what="the meetings in reporting")
    assert _totals(rows, "participant_meeting") == {
        "scheduled": 3, "held": 2, "cancelled": 1, "participant_present": 1,
        "participant_excused": 0, "participant_no_show": 1,
    }  # fmt: skip
    assert _totals(rows, "team_meeting") == {
        "scheduled": 2, "held": 1, "cancelled": 0, "participant_present": 0,
        "participant_excused": 0, "participant_no_show": 0,
    }  # fmt: skip
    if len({r["month"] for r in rows}) == 1:  # the rate over one month's participant meetings
        (person,) = [r for r in rows if r["kind"] == "participant_meeting"]
        assert person["no_show_rate"] == 0.5
    assert (
        _totals(await figures(municipality=RAPLA))["scheduled"] == 4
    )  # one team meeting names none
    assert await figures(organisation=str(uuid4())) == []
    mine = await figures(organisation=worker["organisation_id"])
    assert _totals(mine) == _totals(rows)
    before = {"from": "2020-01-01", "to": (NOW - timedelta(days=60)).date().isoformat()}
    r = await reporting.get("/v1/reports/meetings", params=before)
    assert r.json()["rows"] == []


async def test_a_meeting_write_is_idempotent_and_listed_for_its_case_and_organisation(
    caseplan: Caseplan,
) -> None:
    worker = await caseplan.worker()
    pid = await caseplan.register()
    await caseplan.case_plan(pid)
    body = {"organisation_id": worker["organisation_id"],
            "support_worker_id": worker["support_worker_id"], "kind": "participant_meeting",
            "participant_id": str(pid), "starts_at": NOW.isoformat()}  # fmt: skip
    key = {"Idempotency-Key": f"meeting-{uuid4()}"}
    first = await caseplan.client.post("/v1/meetings", json=body, headers=key)
    again = await caseplan.client.post("/v1/meetings", json=body, headers=key)
    assert first.status_code == again.status_code == 201, first.text
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    other = await caseplan.client.post(
        "/v1/meetings", json={**body, "kind": "team_meeting"}, headers=key
    )
    assert other.status_code == 422
    assert other.json()["detail"]["reason"] == "idempotency_key_reused"
    listed = await caseplan.client.get(f"/v1/participants/{pid}/meetings")
    assert [m["meeting_id"] for m in listed.json()] == [first.json()["meeting_id"]]
    day = NOW.date().isoformat()
    org = await caseplan.client.get(
        f"/v1/organisations/{worker['organisation_id']}/meetings", params={"from": day, "to": day}
    )
    assert [m["meeting_id"] for m in org.json()] == [first.json()["meeting_id"]]
    plan = await caseplan.case_plan(pid)  # the case plan read (and its export) shows it too
    assert [m["meeting_id"] for m in plan["meetings"]] == [first.json()["meeting_id"]]
    [event] = await caseplan.emitted("meeting.scheduled")
    assert event["meeting_id"] == first.json()["meeting_id"]  # the replay emitted nothing

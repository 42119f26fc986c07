"""Hours add up exactly, never pass 24 a day, and finished or closed work takes none."""

import asyncio
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from caseplan_helpers import Caseplan

DAY = "2026-05-04"
OPENED = date(2026, 1, 2)


async def _work_practice(caseplan: Caseplan) -> tuple[UUID, str, str]:
    await caseplan.worker()
    pid = await caseplan.register(on=OPENED)
    plan = await caseplan.case_plan(pid)
    cid = plan["case_plan_id"]
    r = await caseplan.client.post(
        f"/v1/case-plans/{cid}/activities",
        json={"activity_type": "work_practice", "provider_kind": "workshop", "starts_on": DAY},
    )
    assert r.status_code == 201, r.text
    return pid, cid, r.json()["activity_id"]


async def _log(caseplan: Caseplan, cid: str, aid: str, hours: Any, day: str = DAY) -> Any:
    return await caseplan.client.post(
        f"/v1/case-plans/{cid}/activities/{aid}/hours", json={"hours": hours, "worked_on": day}
    )


async def test_hours_add_up_exactly(caseplan: Caseplan) -> None:
    pid, cid, aid = await _work_practice(caseplan)
    logged: list[Any] = ["0.1"] * 30 + [7.35, "0.05", 2.5]
    for i, hours in enumerate(logged):
        r = await _log(caseplan, cid, aid, hours, f"2026-05-{1 + i % 28:02d}")
        assert r.status_code == 200, r.text
    plan = await caseplan.case_plan(pid)
    assert Decimal(plan["activities"][0]["hours_logged"]) == Decimal("12.90")
    rows = await caseplan.sql("SELECT sum(hours) AS s FROM activity_hours")
    assert rows[0]["s"] == Decimal("12.90")


async def test_concurrent_logging_never_passes_24_a_day(caseplan: Caseplan) -> None:
    _, cid, aid = await _work_practice(caseplan)
    answers = await asyncio.gather(*(_log(caseplan, cid, aid, "1.5") for _ in range(20)))
    codes = sorted(r.status_code for r in answers)
    assert codes == [200] * 16 + [422] * 4
    refused = next(r for r in answers if r.status_code == 422)
    assert refused.json()["detail"]["reason"] == "hours_over_day"
    assert (await _log(caseplan, cid, aid, "1", "2026-05-05")).status_code == 200


async def test_bad_hours_finished_activities_and_closed_cases_are_refused(
    caseplan: Caseplan,
) -> None:
    pid, cid, aid = await _work_practice(caseplan)
    for hours, reason in [
        ("0", "hours_not_positive"),
        ("25", "hours_over_day"),
        ("0.001", "hours_too_precise"),
    ]:
        r = await _log(caseplan, cid, aid, hours)
        assert r.status_code == 422 and r.json()["detail"]["reason"] == reason, r.text
    r = await caseplan.client.patch(
        f"/v1/case-plans/{cid}/activities/{aid}", json={"status": "completed"}
    )
    assert r.status_code == 200 and r.json()["status"] == "completed"
    r = await _log(caseplan, cid, aid, "1")
    assert r.status_code == 409
    assert r.json()["detail"]["reason"] == "activity_finished"
    assert r.json()["detail"]["message"]

    # A closed case takes no new activities.
    r = await caseplan.client.post(f"/v1/participants/{pid}/exit", json={"outcome": "inactive"})
    assert r.status_code == 200, r.text
    r = await caseplan.client.post(
        f"/v1/case-plans/{cid}/activities", json={"activity_type": "job_search"}
    )
    assert r.status_code == 409 and r.json()["detail"]["reason"] == "case_closed"
    r = await caseplan.client.post(f"/v1/participants/{pid}/exit", json={"outcome": "inactive"})
    assert r.status_code == 409 and r.json()["detail"]["reason"] == "case_closed"


async def test_implausible_hours_and_dates_are_refused_with_the_field(caseplan: Caseplan) -> None:
    pid, cid, aid = await _work_practice(caseplan)
    ahead = (date.today() + timedelta(days=1)).isoformat()
    for hours, day, field, reason in [
        ("1e400", DAY, "hours", "hours_over_day"),
        ("-1e400", DAY, "hours", "hours_not_positive"),
        ("1e-400", DAY, "hours", "hours_too_precise"),
        ("2", "0001-01-01", "worked_on", "worked_before_start"),
        ("2", "2030-01-07", "worked_on", "worked_in_future"),
        ("2", ahead, "worked_on", "worked_in_future"),
    ]:
        r = await _log(caseplan, cid, aid, hours, day)
        assert r.status_code == 422, (hours, day, r.text)
        assert r.json()["detail"]["field"] == field and r.json()["detail"]["reason"] == reason
    exit_url, follow_url = f"/v1/participants/{pid}/exit", f"/v1/participants/{pid}/follow-up"
    a_year_ahead = (date.today() + timedelta(days=365)).isoformat()
    r = await caseplan.client.post(
        exit_url, json={"outcome": "employed", "exited_on": a_year_ahead}
    )
    assert r.status_code == 422 and r.json()["detail"]["reason"] == "exit_in_future", r.text
    assert (await caseplan.case_plan(pid))["status"] == "open"
    r = await caseplan.client.post(exit_url, json={"outcome": "employed"})
    assert r.status_code == 200, r.text
    r = await caseplan.client.post(follow_url, json={"outcome": "employed"})  # the exit day
    assert r.status_code == 422 and r.json()["detail"]["reason"] == "follow_up_too_early"
    assert r.json()["detail"]["field"] == "followed_up_on"

"""A week of hours for many people in one request, and an activity recorded once done."""

import asyncio
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from caseplan_helpers import Caseplan, eventually

from shared.events.matching import MatchAccepted
from shared.events.vocabulary import OpeningKind

OPENED = date.today() - timedelta(days=60)
MONDAY = date.today() - timedelta(days=date.today().weekday() + 7)


async def _people(caseplan: Caseplan, n: int) -> list[tuple[str, str, str]]:
    """n participants with a work practice each: (participant, case plan, activity)."""
    await caseplan.worker(limit=n)
    out = []
    for _ in range(n):
        pid = await caseplan.register(on=OPENED)
        cid = (await caseplan.case_plan(pid))["case_plan_id"]
        r = await caseplan.client.post(
            f"/v1/case-plans/{cid}/activities",
            json={"activity_type": "work_practice", "status": "in_progress"},
        )
        assert r.status_code == 201, r.text
        out.append((str(pid), cid, r.json()["activity_id"]))
    return out


def _week(people: list[tuple[str, str, str]], hours: Any = "4") -> list[dict[str, Any]]:
    return [
        {
            "case_plan_id": cid,
            "activity_id": aid,
            "worked_on": (MONDAY + timedelta(days=d)).isoformat(),
            "hours": hours,
        }
        for _, cid, aid in people
        for d in range(5)
    ]


async def test_a_week_for_many_people_is_logged_in_one_request(caseplan: Caseplan) -> None:
    people = await _people(caseplan, 4)
    key = {"Idempotency-Key": str(uuid4())}
    r = await caseplan.client.post("/v1/timesheets", json={"rows": _week(people)}, headers=key)
    assert r.status_code == 200, r.text
    assert r.json()["logged"] == 20 and Decimal(r.json()["hours"]) == 80
    again = await caseplan.client.post("/v1/timesheets", json={"rows": _week(people)}, headers=key)
    assert again.json() == r.json() and again.headers["Idempotent-Replayed"] == "true"
    for pid, _, _ in people:
        plan = await caseplan.case_plan(pid)
        assert Decimal(plan["activities"][0]["hours_logged"]) == 20
    rows = await caseplan.sql("SELECT count(*) AS n, sum(hours) AS s FROM activity_hours")
    assert (rows[0]["n"], rows[0]["s"]) == (20, Decimal(80))

    async def hours_events() -> list[dict[str, Any]]:
        found = await caseplan.emitted("activity.hours_logged")
        return found if len(found) >= 20 else []

    events = await eventually(hours_events, what="20 activity.hours_logged")
    assert len(events) == 20  # the replay emitted nothing more
    assert {e["activity_id"] for e in events} == {aid for _, _, aid in people}


async def test_one_bad_row_refuses_the_whole_sheet_with_a_reason_per_row(
    caseplan: Caseplan,
) -> None:
    people = await _people(caseplan, 2)
    rows = _week(people)
    rows[3]["hours"] = "25"
    rows[7]["activity_id"] = str(uuid4())
    rows[8]["worked_on"] = (date.today() + timedelta(days=2)).isoformat()
    rows.append({**rows[0], "hours": "21"})  # 4 + 21 on one day
    r = await caseplan.client.post("/v1/timesheets", json={"rows": rows})
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail["reason"] == "timesheet_refused"
    assert [(x["index"], x["reason"]) for x in detail["rows"]] == [
        (3, "hours_over_day"),
        (7, "activity_not_found"),
        (8, "worked_in_future"),
        (10, "hours_over_day"),
    ]
    stored = await caseplan.sql("SELECT count(*) AS n FROM activity_hours")
    assert stored[0]["n"] == 0  # nothing of the sheet, not even its good rows
    outbox = await caseplan.sql(
        "SELECT count(*) AS n FROM outbox WHERE type = 'activity.hours_logged'"
    )
    assert outbox[0]["n"] == 0
    r = await caseplan.client.post("/v1/timesheets", json={"rows": []})
    assert r.status_code == 422


async def test_an_activity_is_recorded_as_completed_with_its_hours(caseplan: Caseplan) -> None:
    await caseplan.worker()
    pid = await caseplan.register(on=OPENED)
    cid = (await caseplan.case_plan(pid))["case_plan_id"]
    body = {
        "activity_type": "vocational_training",
        "status": "completed",
        "starts_on": MONDAY.isoformat(),
        "ends_on": (MONDAY + timedelta(days=1)).isoformat(),
        "hours": [
            {"worked_on": MONDAY.isoformat(), "hours": 6},
            {"worked_on": (MONDAY + timedelta(days=1)).isoformat(), "hours": "5.5"},
        ],
    }
    r = await caseplan.client.post(f"/v1/case-plans/{cid}/activities", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "completed" and Decimal(r.json()["hours_logged"]) == Decimal(
        "11.5"
    )
    aid = r.json()["activity_id"]

    async def emitted() -> bool:
        recorded = [
            e for e in await caseplan.emitted("activity.recorded") if e["activity_id"] == aid
        ]
        hours = [
            e for e in await caseplan.emitted("activity.hours_logged") if e["activity_id"] == aid
        ]
        return [e["status"] for e in recorded] == ["completed"] and len(hours) == 2

    await eventually(emitted, what="activity.recorded (completed) and two hours_logged")
    late = {**body, "hours": [{"worked_on": (MONDAY + timedelta(days=3)).isoformat(), "hours": 1}]}
    r = await caseplan.client.post(f"/v1/case-plans/{cid}/activities", json=late)
    assert r.status_code == 422, r.text
    assert r.json()["detail"]["field"] == "hours.0.worked_on"
    ahead = {**body, "ends_on": (date.today() + timedelta(days=1)).isoformat(), "hours": []}
    r = await caseplan.client.post(f"/v1/case-plans/{cid}/activities", json=ahead)
    assert r.status_code == 422 and r.json()["detail"]["reason"] == "completed_in_future"
    plan = await caseplan.case_plan(pid)
    assert len(plan["activities"]) == 1


async def test_concurrent_sheets_and_single_loggings_never_pass_24_a_day(
    caseplan: Caseplan,
) -> None:
    people = await _people(caseplan, 2)
    (_, cid, aid), (_, cid2, aid2) = people
    day = MONDAY.isoformat()
    # each sheet touches both people, in opposite orders, so row locks could cross
    sheets = [
        [
            {"case_plan_id": c, "activity_id": a, "worked_on": day, "hours": "3"}
            for c, a in ([(cid, aid), (cid2, aid2)] if i % 2 else [(cid2, aid2), (cid, aid)])
        ]
        for i in range(8)
    ]
    single = {"hours": "3", "worked_on": day}
    answers = await asyncio.gather(
        *(caseplan.client.post("/v1/timesheets", json={"rows": rows}) for rows in sheets),
        *(
            caseplan.client.post(f"/v1/case-plans/{cid}/activities/{aid}/hours", json=single)
            for _ in range(4)
        ),
    )
    codes = [r.status_code for r in answers]
    assert set(codes) <= {200, 422}, [r.text for r in answers if r.status_code not in (200, 422)]
    rows = await caseplan.sql(
        "SELECT activity_id, sum(hours) AS s FROM activity_hours GROUP BY activity_id"
    )
    per_activity = {str(r["activity_id"]): r["s"] for r in rows}
    assert per_activity[aid] == 24  # 12 requests of 3 hours for one day: 8 fit
    sheets_logged = codes[:8].count(200)
    assert per_activity[aid2] == 3 * sheets_logged  # a refused sheet logged nothing at all


async def test_a_workshop_logs_a_week_on_its_placements_in_one_request(
    caseplan: Caseplan,
) -> None:
    people = await _people(caseplan, 3)
    workshop = uuid4()
    for pid, _, _ in people:
        await caseplan.publish(
            MatchAccepted(
                match_id=uuid4(), participant_id=UUID(pid), opening_id=uuid4(),
                organisation_id=workshop, opening_kind=OpeningKind.WORKSHOP_PLACE,
                starts_on=MONDAY, hours_per_week=20,
            ),
            producer="matching",
        )  # fmt: skip

    async def placed(pid: str) -> str | None:
        placements = (await caseplan.case_plan(UUID(pid)))["placements"]
        return str(placements[0]["placement_id"]) if placements else None

    ids = [await eventually(lambda p=pid: placed(p), what="placement") for pid, _, _ in people]
    rows = [
        {"placement_id": pl, "worked_on": (MONDAY + timedelta(days=d)).isoformat(), "hours": 6}
        for pl in ids
        for d in range(3)
    ]
    bad = [*rows, {**rows[0], "hours": "18.5"}]  # 6 + 18.5 on one day
    r = await caseplan.client.post(
        "/v1/placement-timesheets", json={"organisation_id": str(workshop), "rows": bad}
    )
    assert r.status_code == 422, r.text
    assert [(x["index"], x["reason"]) for x in r.json()["detail"]["rows"]] == [
        (9, "hours_over_day")
    ]
    other = await caseplan.client.post(
        "/v1/placement-timesheets", json={"organisation_id": str(uuid4()), "rows": rows}
    )
    assert other.status_code == 422
    assert {x["reason"] for x in other.json()["detail"]["rows"]} == {"wrong_organisation"}
    assert (await caseplan.sql("SELECT count(*) AS n FROM placement_hours"))[0]["n"] == 0
    r = await caseplan.client.post(
        "/v1/placement-timesheets", json={"organisation_id": str(workshop), "rows": rows}
    )
    assert r.status_code == 200, r.text
    assert r.json()["logged"] == 9 and Decimal(r.json()["hours"]) == 54
    for pid, _, _ in people:
        assert Decimal((await caseplan.case_plan(UUID(pid)))["placements"][0]["hours_logged"]) == 18

    async def nine() -> list[dict[str, Any]]:
        found = await caseplan.emitted("placement.hours_logged")
        return found if len(found) == 9 else []

    await eventually(nine, what="nine placement.hours_logged")

"""The waiting list drains in order the moment a case closes or capacity is added."""

from uuid import UUID

from caseplan_helpers import Caseplan

from shared.events.intake import ParticipantConsentWithdrawn
from tests.support.polling import eventually


async def _worker_of(caseplan: Caseplan, pid: UUID) -> str | None:
    plan = await caseplan.case_plan(pid)
    worker = plan["support_worker"]
    return None if worker is None else str(worker["support_worker_id"])


async def _waiting(caseplan: Caseplan) -> list[str]:
    page = (await caseplan.client.get("/v1/waiting-list")).json()
    return [w["participant_id"] for w in page["items"]]


async def test_waiting_list_drains_in_order(caseplan: Caseplan) -> None:
    first_worker = await caseplan.worker(limit=2)
    pids = [await caseplan.register() for _ in range(6)]
    for pid in pids:
        await caseplan.case_plan(pid)  # registered one after another: arrival order is known
    assert [await _worker_of(caseplan, p) for p in pids[:2]] == [
        first_worker["support_worker_id"]
    ] * 2
    assert await _waiting(caseplan) == [str(p) for p in pids[2:]]
    plan = await caseplan.case_plan(pids[4])
    assert plan["waiting_position"] == 3 and plan["support_worker"] is None

    r = await caseplan.client.patch(f"/v1/waiting-list/{pids[5]}", json={"priority": True})
    assert r.status_code == 200, r.text
    assert [w["participant_id"] for w in r.json()["items"]] == [
        str(p) for p in (pids[5], *pids[2:5])
    ]

    # A case closes on exit: the priority participant takes the place at once.
    r = await caseplan.client.post(f"/v1/participants/{pids[0]}/exit", json={"outcome": "employed"})
    assert r.status_code == 200, r.text
    assert r.json()["events"] == ["participant.exited", "caseplan.worker_assigned"]
    assert await _worker_of(caseplan, pids[5]) == first_worker["support_worker_id"]

    # Consent withdrawn closes a case: the longest waiting is next.
    await caseplan.publish(ParticipantConsentWithdrawn(participant_id=pids[1]))

    async def third_assigned() -> bool:
        return await _worker_of(caseplan, pids[2]) is not None

    await eventually(third_assigned, what="third participant assigned after withdrawal")
    assert (await caseplan.case_plan(pids[1]))["status"] == "closed"

    # A new worker takes the next in line; raising a limit takes the one after.
    second_worker = await caseplan.worker(limit=1)
    assert await _worker_of(caseplan, pids[3]) == second_worker["support_worker_id"]
    assert await _waiting(caseplan) == [str(pids[4])]
    r = await caseplan.client.patch(
        f"/v1/support-workers/{second_worker['support_worker_id']}", json={"caseload_limit": 2}
    )
    assert r.status_code == 200 and r.json()["caseload"] == 2, r.text
    assert await _waiting(caseplan) == []

    assigned = await eventually(
        lambda: _assigned_in_stream(caseplan, 6), what="six worker_assigned events"
    )
    assert assigned == [str(p) for p in (pids[0], pids[1], pids[5], pids[2], pids[3], pids[4])]


async def _assigned_in_stream(caseplan: Caseplan, n: int) -> list[str] | None:
    events = await caseplan.emitted("caseplan.worker_assigned")
    return [e["participant_id"] for e in events] if len(events) == n else None


async def test_limit_cannot_drop_below_caseload_and_inactive_workers_get_no_cases(
    caseplan: Caseplan,
) -> None:
    worker = await caseplan.worker(limit=2)
    wid = worker["support_worker_id"]
    pid = await caseplan.register()
    await caseplan.case_plan(pid)
    await caseplan.client.patch(f"/v1/support-workers/{wid}", json={"active": False})
    r = await caseplan.client.patch(f"/v1/support-workers/{wid}", json={"caseload_limit": 1})
    assert r.status_code == 200, r.text
    second = await caseplan.register()
    assert (await caseplan.case_plan(second))["waiting_position"] == 1
    r = await caseplan.client.patch(f"/v1/support-workers/{wid}", json={"caseload_limit": 0})
    assert r.status_code == 422
    await caseplan.client.patch(f"/v1/support-workers/{wid}", json={"caseload_limit": 1})
    r = await caseplan.client.patch(f"/v1/support-workers/{wid}", json={"active": True})
    assert r.json()["caseload"] == 1  # reactivated, but full: the waiting one still waits
    assert (await caseplan.case_plan(second))["waiting_position"] == 1
    r = await caseplan.client.patch(f"/v1/support-workers/{wid}", json={"caseload_limit": 2})
    assert (await caseplan.case_plan(second))["support_worker"]["support_worker_id"] == wid


async def test_lowering_a_limit_below_the_caseload_is_refused(caseplan: Caseplan) -> None:
    worker = await caseplan.worker(limit=3)
    for _ in range(2):
        await caseplan.case_plan(await caseplan.register())
    r = await caseplan.client.patch(
        f"/v1/support-workers/{worker['support_worker_id']}", json={"caseload_limit": 1}
    )
    assert r.status_code == 409
    assert r.json()["detail"]["reason"] == "caseload_limit_below_caseload"

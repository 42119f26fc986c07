"""Events from intake: moves, unknown participants, overdue plans; bad input gets reasons."""

import json
from datetime import date, timedelta
from uuid import uuid4

from caseplan_helpers import RAPLA, Caseplan, registered

from shared.events import streams
from shared.events.intake import ParticipantConsentWithdrawn, ParticipantUpdated
from tests.support.polling import eventually

KEHTNA = "Kehtna vald"


async def test_a_waiting_participant_who_moves_is_served_there(caseplan: Caseplan) -> None:
    kehtna_worker = await caseplan.worker(municipality=KEHTNA)
    pid = await caseplan.register(municipality=RAPLA)
    assert (await caseplan.case_plan(pid))["waiting_position"] == 1
    await caseplan.publish(
        ParticipantUpdated(
            participant_id=pid,
            municipality=KEHTNA,
            registered_on=date.today(),
            changed_fields=["municipality"],
        )
    )

    async def moved() -> dict | None:  # type: ignore[type-arg]
        plan = await caseplan.case_plan(pid)
        return plan if plan["support_worker"] else None

    plan = await eventually(moved, what="assigned after the move")
    assert plan["municipality"] == KEHTNA and plan["waiting_position"] is None
    assert plan["support_worker"]["support_worker_id"] == kehtna_worker["support_worker_id"]


async def test_withdrawal_for_an_unknown_participant_is_dead_lettered(caseplan: Caseplan) -> None:
    pid = uuid4()
    await caseplan.publish(ParticipantConsentWithdrawn(participant_id=pid))

    async def dead() -> list[dict[str, str]]:
        entries = await caseplan.redis.xrange(streams.DEAD_LETTER)
        return [
            {k.decode(): v.decode() for k, v in fields.items()}
            for _, fields in entries
            if json.loads(fields[b"fields"])["__data__"].find(str(pid)) >= 0
        ]

    records = await eventually(dead, what="dead-lettered withdrawal")
    assert records[0]["reason"] == "prerequisite_missing"
    assert records[0]["consumer"] == "caseplan" and records[0]["attempts"] == "3"


async def test_overdue_plans_are_flagged_and_bad_input_gets_reasons(caseplan: Caseplan) -> None:
    old = uuid4()
    await caseplan.publish(registered(old, on=date.today() - timedelta(days=400)))
    plan = await caseplan.case_plan(old)
    assert plan["overdue"] is True
    assert date.fromisoformat(plan["planned_end_on"]) < date.today()

    r = await caseplan.client.post("/v1/support-workers", json={"caseload_limit": 0})
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "caseload_limit"
    r = await caseplan.client.get(f"/v1/participants/{uuid4()}/case-plan")
    assert r.status_code == 404 and r.json()["detail"]["reason"] == "case_plan_not_found"
    r = await caseplan.client.post(f"/v1/participants/{uuid4()}/exit", json={"outcome": "retired"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "outcome"
    r = await caseplan.client.patch(f"/v1/waiting-list/{uuid4()}", json={"priority": True})
    assert r.status_code == 404


async def test_a_participant_registered_twice_gets_one_case_and_one_place(
    caseplan: Caseplan,
) -> None:
    worker = await caseplan.worker(limit=3)
    pid = uuid4()
    await caseplan.publish(registered(pid), registered(pid))
    await caseplan.case_plan(pid)
    second = await caseplan.register()
    await caseplan.case_plan(second)
    rows = await caseplan.sql("SELECT count(*) AS n FROM case_plan WHERE participant_id = $1", pid)
    assert rows[0]["n"] == 1
    r = await caseplan.client.get(f"/v1/support-workers/{worker['support_worker_id']}")
    assert r.json()["caseload"] == 2

"""A support organisation lists its own cases with their next steps, a page at a time; it
never sees another organisation's cases; each line's receipt names its organisation; the
people still waiting for a worker are on the waiting list, not among the cases."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from caseplan_helpers import Caseplan, eventually

from shared import case_receipts
from tests.support import bearer, create_api_key


async def _cases(cp: Caseplan, key: str, **params: Any) -> dict[str, Any]:
    r = await cp.client.get("/v1/case-plans", params=params, headers=bearer(key))
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def _assigned(cp: Caseplan, pid: UUID) -> bool:
    return (await cp.case_plan(pid))["support_worker"] is not None


async def test_an_organisation_lists_its_own_cases_with_next_steps(caseplan: Caseplan) -> None:
    municipality = f"Vald {uuid4().hex[:8]}"
    await caseplan.worker(limit=3, municipality=municipality)
    mine = [await caseplan.register(municipality) for _ in range(3)]
    for pid in mine:
        await eventually(lambda pid=pid: _assigned(caseplan, pid), what="assigned")
    other = Caseplan(caseplan.client, caseplan.settings)  # a second organisation
    elsewhere = f"Vald {uuid4().hex[:8]}"
    await other.worker(limit=2, municipality=elsewhere)
    theirs = await other.register(elsewhere)
    await eventually(lambda: _assigned(other, theirs), what="assigned elsewhere")
    await other.redis.aclose()

    dsn = caseplan.settings.database_url
    key = await create_api_key(dsn, organisation_id=caseplan.organisation, role="support_worker")
    r = await caseplan.client.post(
        f"/v1/participants/{mine[0]}/ready-for-matching", json={"opening_kinds": ["regular_job"]}
    )
    assert r.status_code == 200, r.text
    r = await caseplan.client.post(f"/v1/participants/{mine[1]}/exit", json={"outcome": "employed"})
    assert r.status_code == 200, r.text
    mine.append(await caseplan.register(municipality))  # takes the place the exit freed
    await eventually(lambda: _assigned(caseplan, mine[3]), what="assigned")
    waiting = await caseplan.register(municipality)  # waits: nobody has capacity
    await caseplan.case_plan(waiting)

    page = await _cases(caseplan, key)
    lines = {UUID(i["participant_id"]): i for i in page["items"]}
    assert set(lines) == set(mine)  # never `theirs`; `waiting` is on the waiting list
    assert theirs not in lines and waiting not in lines and page["next_after"] is None
    assert lines[mine[0]]["next_step"]["kind"] == "awaiting_proposal"
    assert lines[mine[1]]["next_step"]["kind"] == "follow_up_later"
    assert lines[mine[1]]["next_step"]["on"] is not None
    assert lines[mine[2]]["next_step"]["kind"] == "ready_for_matching"
    for pid, line in lines.items():
        assert case_receipts.is_valid(
            caseplan.settings.id_hash_secret, line["case_receipt"], pid, caseplan.organisation
        )
        assert not case_receipts.is_valid(
            caseplan.settings.id_hash_secret, line["case_receipt"], pid, other.organisation
        )

    closed = await _cases(caseplan, key, status="closed")
    assert [i["participant_id"] for i in closed["items"]] == [str(mine[1])]
    first = await _cases(caseplan, key, limit=2)
    rest = await _cases(caseplan, key, limit=2, after=first["next_after"])
    paged = [i["participant_id"] for i in first["items"] + rest["items"]]
    assert paged == [i["participant_id"] for i in page["items"]] and len(paged) == 4

    stranger = await create_api_key(dsn, organisation_id=uuid4(), role="support_worker")
    assert (await _cases(caseplan, stranger))["items"] == []
    refused = await caseplan.client.get("/v1/case-plans", headers=bearer(
        await create_api_key(dsn, organisation_id=uuid4(), role="employer")))  # fmt: skip
    assert refused.status_code == 403, refused.text


async def test_a_planned_activity_is_the_next_step(caseplan: Caseplan) -> None:
    municipality = f"Vald {uuid4().hex[:8]}"
    await caseplan.worker(limit=1, municipality=municipality)
    pid = await caseplan.register(municipality)
    await eventually(lambda: _assigned(caseplan, pid), what="assigned")
    plan = await caseplan.case_plan(pid)
    r = await caseplan.client.post(
        f"/v1/case-plans/{plan['case_plan_id']}/activities",
        json={
            "activity_type": "vocational_training",
            "status": "planned",
            "starts_on": "2030-01-07",
        },
    )
    assert r.status_code == 201, r.text
    key = await create_api_key(
        caseplan.settings.database_url, organisation_id=caseplan.organisation, role="support_worker"
    )
    [line] = (await _cases(caseplan, key))["items"]
    assert line["next_step"] == {
        "kind": "planned_activity", "on": "2030-01-07", "activity_type": "vocational_training"
    }  # fmt: skip

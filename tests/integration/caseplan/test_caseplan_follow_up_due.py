"""The follow-up job tells once per case that its follow-up fell due, through the outbox and
the real stream; never a case whose participant may not be contacted or was erased, nor an
old one."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

from caseplan_helpers import Caseplan, eventually

from services.caseplan.follow_ups import tell_due
from shared.db import create_pool
from shared.events.intake import ParticipantConsentWithdrawn, ParticipantErased


async def _closed(cp: Caseplan, municipality: str) -> tuple[UUID, date]:
    pid = await cp.register(municipality)
    await eventually(lambda: _assigned(cp, pid), what="assigned")
    r = await cp.client.post(f"/v1/participants/{pid}/exit", json={"outcome": "employed"})
    assert r.status_code == 200, r.text
    due = (await cp.case_plan(pid))["follow_up_due_on"]
    return pid, date.fromisoformat(due)


async def _assigned(cp: Caseplan, pid: UUID) -> bool:
    return (await cp.case_plan(pid))["support_worker"] is not None


async def _told(cp: Caseplan, n: int) -> list[dict[str, Any]] | None:
    told = await cp.emitted("participant.follow_up_due")
    return told if len(told) >= n else None


async def test_a_due_follow_up_is_told_once_to_its_organisation(caseplan: Caseplan) -> None:
    municipality = f"Vald {uuid4().hex[:8]}"
    await caseplan.worker(limit=3, municipality=municipality)
    cases = [await _closed(caseplan, municipality) for _ in range(3)]
    (pid, due), (quiet, _), (gone, _) = cases
    await caseplan.publish(
        ParticipantConsentWithdrawn(participant_id=quiet, purposes=["follow_up"]),
        ParticipantErased(participant_id=gone),
    )
    await eventually(
        lambda: _withdrew(caseplan, quiet), what="follow-up consent withdrawn in the case plan"
    )
    await eventually(lambda: _erased(caseplan, gone), what="the erased case cut from the person")
    pool = await create_pool(caseplan.settings.database_url, schema="caseplan", min_size=1)
    try:
        assert await tell_due(pool, on=due - timedelta(days=1)) == 0  # not due yet
        assert await tell_due(pool, on=due) == 1
        assert await tell_due(pool, on=due + timedelta(days=1)) == 0  # told once
    finally:
        await pool.close()
    (told,) = await eventually(lambda: _told(caseplan, 1), what="participant.follow_up_due")
    assert told["participant_id"] == str(pid) and told["follow_up_due_on"] == due.isoformat()
    assert told["organisation_id"] == str(caseplan.organisation)


async def test_an_old_follow_up_tells_nobody(caseplan: Caseplan) -> None:
    municipality = f"Vald {uuid4().hex[:8]}"
    await caseplan.worker(limit=1, municipality=municipality)
    _, due = await _closed(caseplan, municipality)
    pool = await create_pool(caseplan.settings.database_url, schema="caseplan", min_size=1)
    try:
        assert await tell_due(pool, on=due + timedelta(days=31)) == 0  # a month late: nobody
    finally:
        await pool.close()


async def _erased(cp: Caseplan, pid: UUID) -> bool:
    r = await cp.client.get(f"/v1/participants/{pid}/case-plan")
    return r.status_code == 404


async def _withdrew(cp: Caseplan, pid: UUID) -> bool:
    plan = await cp.case_plan(pid)
    return any(w["purpose"] == "follow_up" for w in plan["consent_withdrawals"])

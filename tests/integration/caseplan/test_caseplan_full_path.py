"""One participant: registered → assigned → activities → match accepted → placement → hours
→ exit employed → follow-up, with every event asserted in the caseplan stream."""

from datetime import date, timedelta
from uuid import UUID, uuid4

from caseplan_helpers import Caseplan, registered

from shared.events.intake import ParticipantConsentWithdrawn, ParticipantErased
from shared.events.matching import MatchAccepted
from shared.events.vocabulary import OpeningKind
from tests.support.polling import eventually


def accepted(pid: UUID, organisation: UUID, starts_on: date) -> MatchAccepted:
    """A match.accepted payload for the participant at the organisation."""
    return MatchAccepted(
        match_id=uuid4(),
        participant_id=pid,
        opening_id=uuid4(),
        organisation_id=organisation,
        opening_kind=OpeningKind.WORKSHOP_PLACE,
        starts_on=starts_on,
        hours_per_week=20,
    )


async def _placement(caseplan: Caseplan, pid: UUID) -> dict:  # type: ignore[type-arg]
    async def started() -> dict | None:  # type: ignore[type-arg]
        placements = (await caseplan.case_plan(pid))["placements"]
        return placements[0] if placements else None

    return await eventually(started, what="placement started")


async def test_full_path(caseplan: Caseplan) -> None:
    worker = await caseplan.worker()
    pid = await caseplan.register(on=date.today() - timedelta(days=300))
    plan = await caseplan.case_plan(pid)
    cid = plan["case_plan_id"]
    assert plan["support_worker"]["support_worker_id"] == worker["support_worker_id"]
    assert plan["planned_end_on"] > plan["opened_on"] and plan["overdue"] is False

    c = caseplan.client
    r = await c.post(f"/v1/case-plans/{cid}/goals", json={"title": "Work in a kitchen"})
    assert r.status_code == 201, r.text
    r = await c.post(
        f"/v1/case-plans/{cid}/activities", json={"activity_type": "adaptation_training"}
    )
    aid = r.json()["activity_id"]
    assert (
        await c.post(
            f"/v1/case-plans/{cid}/activities/{aid}/hours",
            json={"hours": "4", "worked_on": "2026-03-02"},
        )
    ).status_code == 200
    r = await c.post(
        f"/v1/participants/{pid}/ready-for-matching", json={"opening_kinds": ["workshop_place"]}
    )
    assert r.json()["events"] == ["participant.ready_for_matching"]
    ready = await eventually(lambda: caseplan.emitted("participant.ready_for_matching"))
    assert ready[0]["support_worker_contact"] == "mentor@example.org"

    organisation = uuid4()
    await caseplan.publish(accepted(pid, organisation, date(2026, 3, 9)), producer="matching")
    placement = await _placement(caseplan, pid)
    url = f"/v1/placements/{placement['placement_id']}"
    assert placement["organisation_id"] == str(organisation)
    for day, hours in [("2026-03-09", "6"), ("2026-03-10", "6.5"), ("2026-03-10", "1.25")]:
        r = await c.post(
            f"{url}/hours",
            json={"organisation_id": str(organisation), "hours": hours, "worked_on": day},
        )
        assert r.status_code == 200, r.text
    assert r.json()["hours_logged"] == "13.75"
    r = await c.post(
        f"{url}/attendance",
        json={"organisation_id": str(organisation), "attended_on": "2026-03-11", "present": False},
    )
    assert r.json()["days_absent"] == 1
    r = await c.post(f"{url}/end", json={"organisation_id": str(uuid4()), "outcome": "hired"})
    assert r.status_code == 403 and r.json()["detail"]["reason"] == "wrong_organisation"
    r = await c.post(
        f"{url}/end",
        json={"organisation_id": str(organisation), "outcome": "hired", "ended_on": "2026-04-30"},
    )
    assert r.status_code == 200 and r.json()["outcome"] == "hired", r.text

    exited_on = (date.today() - timedelta(days=200)).isoformat()
    r = await c.post(
        f"/v1/participants/{pid}/exit", json={"outcome": "employed", "exited_on": exited_on}
    )
    assert r.status_code == 200, r.text
    due = (await c.get("/v1/follow-ups/due")).json()
    assert [d["participant_id"] for d in due["items"]] == [str(pid)]
    assert due["next_after"] is None
    r = await c.post(f"/v1/participants/{pid}/follow-up", json={"outcome": "employed"})
    assert r.status_code == 200, r.text
    assert (await c.get("/v1/follow-ups/due")).json()["items"] == []
    assert (await caseplan.client.get(f"/v1/support-workers/{worker['support_worker_id']}")).json()[
        "caseload"
    ] == 0

    expected = [
        "caseplan.opened",
        "caseplan.worker_assigned",
        "activity.recorded",
        "activity.hours_logged",
        "participant.ready_for_matching",
        "placement.started",
        "placement.hours_logged",
        "placement.hours_logged",
        "placement.hours_logged",
        "placement.ended",
        "participant.exited",
        "participant.followed_up",
    ]

    async def all_relayed() -> list[str] | None:
        types = await caseplan.stream_types()
        return types if len(types) >= len(expected) else None

    assert await eventually(all_relayed, what="events in polku.caseplan") == expected
    exited = (await caseplan.emitted("participant.exited"))[0]
    assert exited["outcome"] == "employed" and exited["participant_id"] == str(pid)
    hours = [e["hours"] for e in await caseplan.emitted("placement.hours_logged")]
    assert hours == [6.0, 6.5, 1.25]
    followed = (await caseplan.emitted("participant.followed_up"))[0]
    assert followed["outcome"] == "employed"


async def test_placement_without_hire_makes_ready_again(caseplan: Caseplan) -> None:
    await caseplan.worker()
    pid = await caseplan.register()
    await caseplan.case_plan(pid)
    org = uuid4()
    await caseplan.publish(accepted(pid, org, date.today()), producer="matching")
    placement = await _placement(caseplan, pid)
    r = await caseplan.client.post(
        f"/v1/placements/{placement['placement_id']}/end",
        json={"organisation_id": str(org), "outcome": "dropped_out"},
    )
    assert r.status_code == 200, r.text
    assert (await caseplan.case_plan(pid))["ready_for_matching"] is True
    ended = await eventually(
        lambda: caseplan.emitted("participant.ready_for_matching"), what="ready again"
    )
    assert ended[0]["participant_id"] == str(pid)


async def test_events_before_registration_wait_for_it(caseplan: Caseplan) -> None:
    await caseplan.worker()
    pid = uuid4()
    org = uuid4()
    await caseplan.publish(accepted(pid, org, date.today()), producer="matching")
    await caseplan.publish(registered(pid))
    placement = await _placement(caseplan, pid)  # retried after the case plan opened
    assert placement["organisation_id"] == str(org)


async def test_consent_withdrawal_closes_and_removes_notes(caseplan: Caseplan) -> None:
    await caseplan.worker()
    pid = await caseplan.register()
    cid = (await caseplan.case_plan(pid))["case_plan_id"]
    await caseplan.client.post(
        f"/v1/case-plans/{cid}/goals", json={"title": "Steady days", "description": "private note"}
    )
    await caseplan.client.post(
        f"/v1/case-plans/{cid}/activities",
        json={"activity_type": "coaching_session", "note": "private"},
    )
    await caseplan.publish(ParticipantConsentWithdrawn(participant_id=pid))

    async def closed() -> dict | None:  # type: ignore[type-arg]
        plan = await caseplan.case_plan(pid)
        return plan if plan["status"] == "closed" else None

    plan = await eventually(closed, what="case closed")
    assert plan["goals"][0]["description"] is None
    assert plan["activities"][0]["note"] is None
    assert plan["closed_because"] == "consent_withdrawn" and plan["support_worker"] is not None
    notes = await caseplan.sql(
        "SELECT count(*) AS n FROM goal WHERE description IS NOT NULL"
        " UNION ALL SELECT count(*) FROM activity WHERE note IS NOT NULL"
    )
    assert [r["n"] for r in notes] == [0, 0]


async def test_erasure_closes_removes_notes_and_frees_the_place(caseplan: Caseplan) -> None:
    await caseplan.worker(limit=1)
    pid = await caseplan.register()
    cid = (await caseplan.case_plan(pid))["case_plan_id"]
    waiting = await caseplan.register()
    assert (await caseplan.case_plan(waiting))["waiting_position"] == 1
    await caseplan.client.post(
        f"/v1/case-plans/{cid}/goals", json={"title": "Steady days", "description": "private"}
    )
    await caseplan.publish(ParticipantErased(participant_id=pid))

    async def taken() -> dict | None:  # type: ignore[type-arg]
        plan = await caseplan.case_plan(waiting)
        return plan if plan["support_worker"] else None

    await eventually(taken, what="place passed on after erasure")
    gone = await caseplan.client.get(f"/v1/participants/{pid}/case-plan")
    assert gone.status_code == 404  # the plan is cut from the person
    [plan] = await caseplan.sql(
        "SELECT c.participant_id, c.closed_because, c.anonymised_at, g.title, g.description"
        " FROM case_plan c JOIN goal g USING (case_plan_id) WHERE case_plan_id = $1",
        UUID(cid),
    )
    assert plan["closed_because"] == "erased" and plan["anonymised_at"] is not None
    assert plan["participant_id"] != pid
    assert (plan["title"], plan["description"]) == ("anonymised", None)

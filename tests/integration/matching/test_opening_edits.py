"""Openings listed (a central workshop sees its satellites'), edited with validation, paused;
lowered seats withdraw the live proposals beyond them, with `match.withdrawn` and webhooks."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
import redis.asyncio as aioredis
from matching_helpers import (
    ClientFactory,
    candidates_of,
    organisation,
    post_opening,
    publish,
    ready,
    registered,
    stream_events,
)
from network_helpers import central_and_satellite, every_page, workshop_key
from webhook_receiver import Receiver, verify

from services.matching.domain.seats import LiveProposal, beyond_seats
from shared.events import streams
from shared.events.caseplan import ParticipantExited
from shared.settings import Settings
from tests.support.polling import eventually

FAST = {"allow_private_webhooks": True, "webhook_backoff_s": 0.2, "webhook_interval_s": 0.05}


async def test_openings_listed_for_whom_they_concern(
    matching_client: ClientFactory, settings: Settings
) -> None:
    async with matching_client() as http:
        central, satellite = await central_and_satellite(http)
        other = (await organisation(http, name="Muu paja"))["organisation_id"]
        at_satellite = [await post_opening(http, satellite, title=f"Paja {i}") for i in range(3)]
        at_central = await post_opening(http, central)
        await post_opening(http, other)
        closed = await http.post(f"/v1/openings/{at_satellite[0]}/close")
        central_key = await workshop_key(settings.database_url, central)
        satellite_key = await workshop_key(settings.database_url, satellite)
        other_key = await workshop_key(settings.database_url, other)
        as_admin = await every_page(http, "/v1/openings", limit=2)
        as_central = await every_page(http, "/v1/openings", central_key, limit=1)
        of_satellite = await every_page(
            http, "/v1/openings", central_key, organisation_id=satellite
        )
        open_ones = await every_page(
            http, "/v1/openings", satellite_key, organisation_id=satellite, status="open"
        )
        as_satellite = await every_page(http, "/v1/openings", satellite_key)
        upward = await http.get("/v1/openings", params={"organisation_id": central},
                                headers=satellite_key)  # fmt: skip
        sideways = await http.get("/v1/openings", params={"organisation_id": satellite},
                                  headers=other_key)  # fmt: skip
        one = await http.get(f"/v1/openings/{at_satellite[1]}", headers=central_key)
        change = await http.patch(f"/v1/openings/{at_satellite[1]}", json={"seats": 2},
                                  headers=central_key)  # fmt: skip
        close = await http.post(f"/v1/openings/{at_satellite[1]}/close", headers=central_key)
        unknown_org = await http.get("/v1/openings", params={"organisation_id": str(uuid4())})

    assert closed.status_code == 200
    assert len(as_admin) == 5
    ids = lambda items: sorted(o["opening_id"] for o in items)  # noqa: E731
    assert ids(as_central) == sorted([*at_satellite, at_central])
    assert ids(of_satellite) == ids(as_satellite) == sorted(at_satellite)
    assert ids(open_ones) == sorted(at_satellite[1:])
    statuses = {o["opening_id"]: o["status"] for o in as_satellite}
    assert statuses[at_satellite[0]] == "closed"
    listed = next(o for o in as_satellite if o["opening_id"] == at_satellite[1])
    assert listed == one.json()  # the list shows each opening as GET shows it
    assert listed["title"] == "Paja 1" and listed["seats_taken"] == 0
    assert "programme_groups" not in listed
    assert upward.status_code == sideways.status_code == unknown_org.status_code == 404
    assert one.status_code == 200  # central staff read a satellite's opening...
    assert change.status_code == close.status_code == 404  # ...but do not act for it


async def test_opening_edits_validated_and_a_paused_opening_takes_no_proposals(
    matching_client: ClientFactory, redis: aioredis.Redis
) -> None:
    async with matching_client() as http:
        oid = (await organisation(http))["organisation_id"]
        paused = await post_opening(
            http, oid, paused=True, description="Fixing bicycles, three days a week"
        )
        marker = await post_opening(http, oid, title="Painting place")
        person = registered()
        await publish(redis, person, ready(person.participant_id))
        await eventually(lambda: _has_candidates(http, marker, 1), what="the marker proposal")
        while_paused = await candidates_of(http, paused)
        path = f"/v1/openings/{paused}"
        refused = {
            "hours": await http.patch(
                path, json={"hours_per_week_min": 30, "hours_per_week_max": 20}
            ),
            "long": await http.patch(path, json={"description": "x" * 5001}),
            "seats": await http.patch(path, json={"seats": 0}),
            "type": await http.patch(path, json={"paused": "no"}),
            "where": await http.patch(path, json={"location": None}),
        }
        edited = await http.patch(
            path,
            json={"title": "Bicycle workshop", "description": "Bicycles", "hours_per_week_max": 30,
                  "required_skills": ["woodwork"], "languages": ["fi", "sv"],
                  "accessibility": ["step_free"], "remote": True, "seats": 2},
        )  # fmt: skip
        still_paused = await candidates_of(http, paused)
        resumed = await http.patch(path, json={"paused": False})
        proposed = await eventually(lambda: _has_candidates(http, paused, 1), what="resumed")

        async def updates() -> list[dict[str, Any]]:
            found = await stream_events(redis, streams.MATCHING, "opening.updated")
            return found if len(found) == 2 else []

        events = await eventually(updates, what="two opening.updated")
        posted = await stream_events(redis, streams.MATCHING, "opening.posted")

    assert while_paused == [] and still_paused == []
    for what, answer in refused.items():
        assert answer.status_code == 422, (what, answer.text)
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["title"] == "Bicycle workshop" and body["description"] == "Bicycles"
    assert body["hours_per_week_max"] == 30 and body["languages"] == ["fi", "sv"]
    assert body["accessibility"] == ["step_free"] and body["remote"] is True
    assert body["seats"] == 2 and body["paused"] is True
    assert resumed.json()["paused"] is False
    assert proposed[0]["participant_id"] == str(person.participant_id)
    assert [e["payload"]["paused"] for e in events] == [True, False]
    assert {e["payload"]["opening_id"]: e["payload"]["paused"] for e in posted} == {
        paused: True,
        marker: False,
    }


async def test_lowered_seats_withdraw_the_lowest_ranked_proposals(
    matching_client: ClientFactory, redis: aioredis.Redis, settings: Settings
) -> None:
    with Receiver(statuses=[200]) as receiver:
        async with matching_client(**FAST, proposals_per_seat=2) as http:
            org = await organisation(http, webhook_url=receiver.url)
            opening = await post_opening(http, org["organisation_id"], seats=3)
            people = [
                registered(skills=["woodwork", *(["painting"] if i % 2 else [])],
                           interests=["crafts"] if i < 3 else [])
                for i in range(6)
            ]  # fmt: skip
            for person in people:
                await publish(redis, person, ready(person.participant_id))
            before = await eventually(lambda: _has_candidates(http, opening, 6), what="6 proposed")
            await eventually(lambda: _received(receiver, 6), what="6 proposals notified")
            lowered = await http.patch(f"/v1/openings/{opening}", json={"seats": 1})
            await eventually(lambda: _received(receiver, 10), what="4 withdrawals notified")
            after = await candidates_of(http, opening)
            inbox = (await http.get(f"/v1/organisations/{org['organisation_id']}/matches")).json()
            withdrawn_events = await stream_events(redis, streams.MATCHING, "match.withdrawn")
            below = await http.patch(f"/v1/openings/{opening}", json={"seats": 1})

    assert lowered.status_code == 200 and lowered.json()["seats"] == 1
    assert below.status_code == 200  # the same seats again withdraw nothing more
    live = [
        LiveProposal(UUID(m["match_id"]), m["score"], datetime.fromisoformat(m["proposed_at"]))
        for m in before
    ]
    expected = {str(i) for i in beyond_seats(live, 2)}
    status = {m["match_id"]: m["status"] for m in after}
    assert {mid for mid, s in status.items() if s == "withdrawn"} == expected
    assert len(expected) == 4 and sum(s == "proposed" for s in status.values()) == 2
    kept = [m["score"] for m in after if m["status"] == "proposed"]
    gone = [m["score"] for m in after if m["status"] == "withdrawn"]
    assert min(kept) >= max(gone)
    assert {m["reason"] for m in after if m["status"] == "withdrawn"} == {"seats lowered"}
    assert {m["match_id"]: m["status"] for m in inbox} == status
    assert {e["payload"]["match_id"] for e in withdrawn_events} == expected
    assert all(e["payload"]["reason"] == "seats lowered" for e in withdrawn_events)
    notices = [r for r in receiver.requests if r.headers["Polku-Event"] == "match.withdrawn"]
    assert len(notices) == 4
    for notice in notices:
        assert verify(org["webhook_secret"], notice.body, notice.headers["Polku-Signature"])
        body = json.loads(notice.body)
        assert body["type"] == "match.withdrawn" and body["match"]["opening_id"] == opening
        assert body["match"]["status"] == "withdrawn" and body["match"]["reason"] == "seats lowered"
        assert "candidate" not in body["match"]
    assert {json.loads(n.body)["match"]["match_id"] for n in notices} == expected
    for person in people:
        assert all(str(person.participant_id) not in n.body.decode() for n in notices)


async def _has_candidates(http: httpx.AsyncClient, opening: str, n: int) -> list[Any]:
    found = await candidates_of(http, opening)
    return found if len(found) == n else []


async def _received(receiver: Receiver, n: int) -> bool:
    return len(receiver.requests) >= n


async def test_every_withdrawal_is_an_event_and_a_notification(
    matching_client: ClientFactory, redis: aioredis.Redis
) -> None:
    with Receiver(statuses=[200]) as receiver:
        async with matching_client(**FAST) as http:
            org = await organisation(http, webhook_url=receiver.url)
            closing = await post_opening(http, org["organisation_id"])
            staying = await post_opening(http, org["organisation_id"], title="Painting place")
            leaving, other = registered(), registered()
            for person in (leaving, other):
                await publish(redis, person, ready(person.participant_id))
            await eventually(lambda: _has_candidates(http, closing, 2), what="2 proposed")
            await eventually(lambda: _has_candidates(http, staying, 2), what="2 proposed")
            closed = await http.post(f"/v1/openings/{closing}/close")
            await eventually(lambda: _withdrawn(redis, 2), what="the closed opening's two")
            await publish(redis, _exited(leaving.participant_id))
            events = await eventually(lambda: _withdrawn(redis, 3), what="and the leaver's")
            await eventually(lambda: _received(receiver, 7), what="4 proposals, 3 withdrawals")

    assert closed.status_code == 200
    reasons = sorted(
        (e["payload"]["opening_id"], e["payload"]["reason"], e["payload"]["participant_id"])
        for e in events
    )
    assert reasons == sorted(
        [
            (closing, "opening closed", str(leaving.participant_id)),
            (closing, "opening closed", str(other.participant_id)),
            (staying, "participant left the operation", str(leaving.participant_id)),
        ]
    )
    notices = [
        json.loads(r.body)["match"]
        for r in receiver.requests
        if r.headers["Polku-Event"] == "match.withdrawn"
    ]
    told = sorted((n["opening_id"], n["reason"]) for n in notices)
    assert told == sorted(
        [(closing, "opening closed"), (closing, "opening closed"), (staying, "no longer available")]
    )  # the organisation is not told why a participant is no longer available


async def _withdrawn(redis: aioredis.Redis, n: int) -> list[dict[str, Any]]:
    found = await stream_events(redis, streams.MATCHING, "match.withdrawn")
    return found if len(found) == n else []


def _exited(participant_id: UUID) -> ParticipantExited:
    return ParticipantExited(
        participant_id=participant_id,
        case_plan_id=uuid4(),
        outcome="employed",
        exited_on=date(2026, 6, 1),
        follow_up_due_on=date(2026, 12, 1),
    )

"""Participants in, openings posted, explained proposals out; answers and their events."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest
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

from shared.events import new_event, streams
from shared.events.caseplan import ParticipantExited
from shared.events.intake import ParticipantConsentWithdrawn, ParticipantUpdated
from tests.support.polling import eventually


async def test_ready_participants_get_explained_proposals(
    matching_client: ClientFactory, redis: aioredis.Redis
) -> None:
    async with matching_client() as http:
        org = await organisation(http)
        opening_id = await post_opening(http, org["organisation_id"], seats=2)
        near, far, unready = registered(), registered(location=None), registered()
        await publish(redis, near, far, unready)
        await publish(redis, ready(near.participant_id), ready(far.participant_id))

        proposals = await eventually(
            lambda: candidates_of(http, opening_id), what="a proposal for the opening"
        )
        assert [p["participant_id"] for p in proposals] == [str(near.participant_id)]
        explanation = proposals[0]["explanation"]
        total = sum(f["contribution"] for f in explanation["factors"])
        assert total == pytest.approx(proposals[0]["score"])
        assert {f["name"] for f in explanation["factors"]} == {
            "required_skills", "nice_to_have", "distance", "interests", "waiting",
        }  # fmt: skip
        mine = (await http.get(f"/v1/participants/{near.participant_id}/matches")).json()
        assert [m["match_id"] for m in mine] == [proposals[0]["match_id"]]
        assert (await http.get(f"/v1/candidates/{unready.participant_id}")).json()["ready"] is False
        events = await eventually(
            lambda: stream_events(redis, streams.MATCHING, "match.proposed"), what="proposed"
        )
        assert events[0]["payload"]["match_id"] == proposals[0]["match_id"]


async def test_accept_emits_match_accepted_and_never_exceeds_seats(
    matching_client: ClientFactory, redis: aioredis.Redis
) -> None:
    async with matching_client(proposals_per_seat=3) as http:
        org = await organisation(http)
        opening_id = await post_opening(http, org["organisation_id"], seats=1)
        people = [registered() for _ in range(3)]
        await publish(redis, *people, *(ready(p.participant_id) for p in people))
        proposals = await eventually(lambda: _at_least(http, opening_id, 3), what="three proposals")
        first, second = proposals[0]["match_id"], proposals[1]["match_id"]
        r = await http.post(f"/v1/matches/{first}/accept", json={"hours_per_week": 20})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "accepted"
        r = await http.post(f"/v1/matches/{second}/accept")
        assert r.status_code == 409
        assert r.json()["detail"]["reason"] in ("no_seats_left", "match_withdrawn")
        accepted = await eventually(
            lambda: stream_events(redis, streams.MATCHING, "match.accepted"), what="accepted"
        )
        assert len(accepted) == 1
        payload = accepted[0]["payload"]
        assert payload["match_id"] == first and payload["opening_kind"] == "workshop_place"
        assert payload["hours_per_week"] == 20 and payload["starts_on"] == "2026-12-01"
        # The opening is full: the other live proposals are withdrawn by the follow-up.
        await eventually(
            lambda: _statuses(http, opening_id, {"accepted": 1, "withdrawn": 2}),
            what="others withdrawn",
        )


async def test_decline_needs_a_reason_and_proposes_the_next_candidate(
    matching_client: ClientFactory, redis: aioredis.Redis
) -> None:
    async with matching_client(proposals_per_seat=1) as http:
        org = await organisation(http)
        opening_id = await post_opening(http, org["organisation_id"], seats=1)
        people = [registered() for _ in range(2)]
        await publish(redis, *people, *(ready(p.participant_id) for p in people))
        first = (await eventually(lambda: candidates_of(http, opening_id), what="one"))[0]
        r = await http.post(f"/v1/matches/{first['match_id']}/decline", json={})
        assert r.status_code == 422
        assert r.json()["detail"][0]["field"] == "reason"  # no code: other, words required
        r = await http.post(
            f"/v1/matches/{first['match_id']}/decline", json={"reason": "no driving licence"}
        )
        assert r.status_code == 200 and r.json()["reason"] == "no driving licence"
        nxt = await eventually(
            lambda: candidates_of(http, opening_id, status="proposed"), what="the next one"
        )
        assert nxt[0]["participant_id"] != first["participant_id"]
        declined = await stream_events(redis, streams.MATCHING, "match.declined")
        assert declined[0]["payload"]["reason"] == "no driving licence"
        again = await http.post(f"/v1/matches/{first['match_id']}/accept")
        assert again.status_code == 409 and again.json()["detail"]["reason"] == "match_declined"


async def test_unanswered_proposals_expire(
    matching_client: ClientFactory, redis: aioredis.Redis
) -> None:
    async with matching_client(proposal_ttl_s=0.3, expiry_interval_s=0.1) as http:
        org = await organisation(http)
        opening_id = await post_opening(http, org["organisation_id"])
        person = registered()
        await publish(redis, person, ready(person.participant_id))
        expired = await eventually(
            lambda: stream_events(redis, streams.MATCHING, "match.expired"), what="expired"
        )
        assert expired[0]["payload"]["participant_id"] == str(person.participant_id)
        assert (await candidates_of(http, opening_id, status="expired"))[0]["status"] == "expired"


async def test_an_update_before_the_registration_waits_for_it(
    matching_client: ClientFactory, redis: aioredis.Redis
) -> None:
    async with matching_client() as http:
        person = registered()
        registration = new_event(person, producer="intake")
        update = ParticipantUpdated.model_validate(
            person.model_dump() | {"skills": ["welding"], "changed_fields": ["skills"]}
        )
        await publish(redis, update)  # arrives first, though it happened later
        await redis.xadd(streams.INTAKE, {"__data__": registration.model_dump_json()})
        await eventually(
            lambda: _has_skill(http, person.participant_id, "welding"), what="update applied"
        )


async def test_consent_withdrawn_removes_the_candidate_and_frees_the_slot(
    matching_client: ClientFactory, redis: aioredis.Redis
) -> None:
    async with matching_client(proposals_per_seat=1) as http:
        org = await organisation(http)
        opening_id = await post_opening(http, org["organisation_id"])
        first, second = registered(), registered(availability_hours=12)
        await publish(redis, first, ready(first.participant_id))
        await eventually(lambda: candidates_of(http, opening_id), what="first proposal")
        await publish(redis, second, ready(second.participant_id))
        await publish(redis, ParticipantConsentWithdrawn(participant_id=first.participant_id))
        await eventually(lambda: _candidate_gone(http, first.participant_id), what="first removed")
        live = await eventually(
            lambda: candidates_of(http, opening_id, status="proposed"), what="second proposed"
        )
        assert live[0]["participant_id"] == str(second.participant_id)


async def test_bad_input_gets_machine_readable_reasons(matching_client: ClientFactory) -> None:
    async with matching_client() as http:
        org = await organisation(http)
        body = {
            "organisation_id": org["organisation_id"],
            "title": "Desk",
            "kind": "regular_job",
            "seats": 1,
            "hours_per_week_min": 30,
            "hours_per_week_max": 20,
            "location": {"lat": 63.5, "lon": 23.7},
        }
        r = await http.post("/v1/openings", json=body)
        assert r.status_code == 422 and "hours_per_week_min" in r.json()["detail"][0]["reason"]
        r = await http.post("/v1/openings", json=body | {"seats": 0, "hours_per_week_min": 0})
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "seats"
        unknown = body | {"organisation_id": str(uuid4()), "hours_per_week_min": 0}
        r = await http.post("/v1/openings", json=unknown)
        assert r.status_code == 404 and r.json()["detail"]["reason"] == "organisation_not_found"
        r = await http.post(f"/v1/matches/{uuid4()}/accept")
        assert r.status_code == 404 and r.json()["detail"]["reason"] == "match_not_found"
        for url in ("http://127.0.0.1:9/hook", "http://169.254.169.254/", "http://10.0.0.5/x"):
            r = await http.post(
                "/v1/organisations",
                json={
                    "name": "x",
                    "kind": "employer",
                    "municipality": "Veteli",
                    "webhook_url": url,
                },
            )
            assert r.status_code == 422, url
            assert r.json()["detail"]["reason"] == "unsafe_webhook_url"


async def test_opening_changes_and_closing_are_events(
    matching_client: ClientFactory, redis: aioredis.Redis
) -> None:
    async with matching_client() as http:
        org = await organisation(http)
        opening_id = await post_opening(http, org["organisation_id"])
        r = await http.patch(f"/v1/openings/{opening_id}", json={"seats": 4})
        assert r.status_code == 200 and r.json()["seats"] == 4
        r = await http.patch(f"/v1/openings/{opening_id}", json={"hours_per_week_min": 40})
        assert r.status_code == 422
        r = await http.post(f"/v1/openings/{opening_id}/close")
        assert r.status_code == 200 and r.json()["status"] == "closed"
        r = await http.post(f"/v1/openings/{opening_id}/close")
        assert r.status_code == 409 and r.json()["detail"]["reason"] == "opening_closed"
        for type_ in ("opening.posted", "opening.updated", "opening.closed"):
            found = await eventually(
                lambda t=type_: stream_events(redis, streams.MATCHING, t), what=type_
            )
            assert found[0]["payload"]["opening_id"] == opening_id


async def _at_least(http, opening_id: str, n: int):  # type: ignore[no-untyped-def]
    found = await candidates_of(http, opening_id)
    return found if len(found) >= n else None


async def _statuses(http, opening_id: str, wanted: dict[str, int]) -> bool:  # type: ignore[no-untyped-def]
    found = await candidates_of(http, opening_id)
    counts: dict[str, int] = {}
    for m in found:
        counts[m["status"]] = counts.get(m["status"], 0) + 1
    return counts == wanted


async def _has_skill(http, participant_id, skill: str) -> bool:  # type: ignore[no-untyped-def]
    r = await http.get(f"/v1/candidates/{participant_id}")
    return r.status_code == 200 and skill in r.json().get("skills", [])


async def _candidate_gone(http, participant_id) -> bool:  # type: ignore[no-untyped-def]
    return (await http.get(f"/v1/candidates/{participant_id}")).status_code == 404


async def test_ready_before_registration_waits_and_exit_withdraws(
    matching_client: ClientFactory, redis: aioredis.Redis
) -> None:
    async with matching_client() as http:
        org = await organisation(http)
        opening_id = await post_opening(http, org["organisation_id"])
        person = registered()
        await publish(redis, ready(person.participant_id))  # caseplan was quicker than intake
        await publish(redis, person)
        proposal = await eventually(lambda: candidates_of(http, opening_id), what="proposal")
        assert proposal[0]["participant_id"] == str(person.participant_id)
        exited = ParticipantExited(
            participant_id=person.participant_id,
            case_plan_id=uuid4(),
            outcome="employed",
            exited_on=date(2026, 11, 23),
            follow_up_due_on=date(2027, 5, 23),
        )
        await publish(redis, exited)
        await eventually(
            lambda: candidates_of(http, opening_id, status="withdrawn"), what="withdrawn"
        )
        candidate = (await http.get(f"/v1/candidates/{person.participant_id}")).json()
        assert candidate["ready"] is False

"""The support organisation holding a case reads its participant's proposals with their
explanations and decline reasons (code and words), and why there is none; another
organisation sees nothing of them."""

from __future__ import annotations

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
    registered,
    stream_events,
)

from shared.events import streams
from shared.events.caseplan import ParticipantReadyForMatching
from shared.settings import Settings
from tests.support import bearer, create_api_key
from tests.support.polling import eventually


def _ready(pid: UUID, org: UUID) -> ParticipantReadyForMatching:
    return ParticipantReadyForMatching(
        participant_id=pid, support_worker_contact="mentor@example.org", organisation_id=org
    )


async def _proposals(http: httpx.AsyncClient, pid: UUID, key: str) -> dict[str, Any]:
    r = await http.get(f"/v1/participants/{pid}/proposals", headers=bearer(key))
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_the_case_holder_reads_proposals_declines_and_why_none(
    matching_client: ClientFactory, redis: aioredis.Redis, settings: Settings
) -> None:
    dsn = settings.database_url
    holder, stranger = uuid4(), uuid4()
    worker = await create_api_key(dsn, organisation_id=holder, role="support_worker")
    other = await create_api_key(dsn, organisation_id=stranger, role="support_worker")
    async with matching_client(proposals_per_seat=1) as http:
        org = await organisation(http)
        opening_id = await post_opening(http, org["organisation_id"], seats=1)
        await post_opening(http, org["organisation_id"], languages=["et"], title="Eesti")
        person = registered()
        pid = person.participant_id
        await publish(redis, person, _ready(pid, holder))
        [match] = await eventually(lambda: candidates_of(http, opening_id), what="a proposal")

        seen = await _proposals(http, pid, worker)
        [proposal] = seen["proposals"]
        assert proposal["status"] == "proposed" and seen["no_proposal"] is None
        assert proposal["opening_title"] == "Carpentry workshop place"
        names = [f["name"] for f in proposal["explanation"]["factors"]]
        assert names == ["required_skills", "nice_to_have", "distance", "interests", "waiting"]
        missing = await http.get(f"/v1/participants/{pid}/proposals", headers=bearer(other))
        assert missing.status_code == 404, missing.text
        assert missing.json()["detail"]["reason"] == "candidate_not_found"
        assert (await http.get(f"/v1/participants/{uuid4()}/proposals")).status_code == 404

        r = await http.post(f"/v1/matches/{match['match_id']}/decline",
                            json={"code": "other"})  # fmt: skip
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "reason", r.text
        r = await http.post(
            f"/v1/matches/{match['match_id']}/decline", json={"code": "position_filled"}
        )
        assert r.status_code == 200 and r.json()["decline_code"] == "position_filled", r.text
        [event] = await eventually(
            lambda: stream_events(redis, streams.MATCHING, "match.declined"), what="the event"
        )
        assert event["payload"]["code"] == "position_filled"

        seen = await _proposals(http, pid, worker)
        assert [(p["status"], p["decline_code"]) for p in seen["proposals"]] == [
            ("declined", "position_filled")
        ]
        assert seen["no_proposal"] == {
            "standing": "fits_already_proposed", "openings": 2, "fitting": 1,
            "proposed_before": 1, "excluded": [{"constraint": "language", "openings": 1}],
        }  # fmt: skip

        far = registered(languages=["fi"], max_travel_km=1)
        await publish(redis, far, _ready(far.participant_id, holder))

        async def why() -> Any:  # once the readiness is in (before, it is not the case's)
            r = await http.get(
                f"/v1/participants/{far.participant_id}/proposals", headers=bearer(worker)
            )
            return r.status_code == 200 and r.json()["no_proposal"]

        assert await eventually(why, what="why none") == {
            "standing": "nothing_fits", "openings": 2, "fitting": 0, "proposed_before": 0,
            "excluded": [{"constraint": "language", "openings": 1},
                         {"constraint": "travel", "openings": 1}],
        }  # fmt: skip


async def test_before_readiness_the_standing_says_not_ready(
    matching_client: ClientFactory, redis: aioredis.Redis, settings: Settings
) -> None:
    async with matching_client() as http:
        person = registered()
        await publish(redis, person)

        async def standing() -> Any:
            r = await http.get(f"/v1/participants/{person.participant_id}/proposals")
            return r.status_code == 200 and r.json()["no_proposal"]

        assert await eventually(standing, what="in the pool") == {
            "standing": "not_ready", "openings": 0, "fitting": 0, "proposed_before": 0,
            "excluded": [],
        }  # fmt: skip
        # the case organisation is known only from readiness: no support worker sees it yet
        key = await create_api_key(settings.database_url, organisation_id=uuid4(),
                                   role="support_worker")  # fmt: skip
        r = await http.get(
            f"/v1/participants/{person.participant_id}/proposals", headers=bearer(key)
        )
        assert r.status_code == 404, r.text

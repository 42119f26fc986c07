"""Accept in matching → `match.accepted` → caseplan starts the placement (real processes)."""

from __future__ import annotations

import json
from uuid import UUID

import httpx
import redis
from matching_helpers import opening_body, ready, registered

from shared.events import new_event, streams
from shared.events.envelope import Payload
from tests.support import Stack, bearer, create_api_key_sync, wait_until


def _xadd(client: redis.Redis, payload: Payload) -> None:
    env = new_event(payload, producer="test")
    client.xadd(env.stream, {"__data__": env.model_dump_json()})


def _events(client: redis.Redis, stream: str, type_: str) -> list[dict[str, object]]:
    bodies = (json.loads(f[b"__data__"]) for _id, f in client.xrange(stream))
    return [b["payload"] for b in bodies if b["type"] == type_]


def test_accepted_match_starts_a_placement(
    stack_factory: type[Stack], redis_url: str, admin_key: str, migrated_database_url: str
) -> None:
    stack = stack_factory().start("caseplan", "matching")  # type: ignore[call-arg]
    matching = stack["matching"].url
    client = redis.Redis.from_url(redis_url)
    person = registered()
    _xadd(client, person)
    _xadd(client, ready(person.participant_id))
    org = httpx.post(
        f"{matching}/v1/organisations",
        json={
            "name": "Kaustinen workshop",
            "kind": "central_workshop",
            "municipality": "Kaustinen",
        },
        headers=bearer(admin_key),
    ).json()
    # the workshop's own key: it posts, reads its inbox and accepts in its own name
    workshop = bearer(
        create_api_key_sync(migrated_database_url, UUID(org["organisation_id"]), "workshop")
    )
    opening = httpx.post(
        f"{matching}/v1/openings", json=opening_body(org["organisation_id"]), headers=workshop
    )
    assert opening.status_code == 201, opening.text
    inbox = f"{matching}/v1/organisations/{org['organisation_id']}/matches?status=proposed"
    (proposal,) = wait_until(
        lambda: httpx.get(inbox, headers=workshop).json(), what="a proposal in the inbox"
    )
    # A proposal names nobody: the pseudonymous id (and a placement receipt, for the first
    # name) come only with an accepted line.
    assert proposal.get("participant_id") is None and proposal.get("placement_receipt") is None

    r = httpx.post(f"{matching}/v1/matches/{proposal['match_id']}/accept", headers=workshop)
    assert r.status_code == 200, r.text

    started = wait_until(
        lambda: _events(client, streams.CASEPLAN, "placement.started"),
        timeout=30,
        what="placement.started in caseplan",
    )
    assert started[0]["match_id"] == proposal["match_id"]
    assert started[0]["participant_id"] == str(person.participant_id)
    assert started[0]["opening_id"] == opening.json()["opening_id"]
    client.close()

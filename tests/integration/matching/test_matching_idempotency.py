"""Idempotency-Key on matching's writes: a retried accept or decline gets the first answer."""

from __future__ import annotations

import re
from uuid import uuid4

import httpx
import pytest
import redis.asyncio as aioredis
from fastapi.routing import APIRoute
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

from services.matching import api
from shared.events import streams
from shared.idempotent_route import REPLAYED_HEADER, WRITES
from tests.support.polling import eventually

WRITE_ROUTES = sorted(
    (method, route.path)
    for route in api.router.routes
    if isinstance(route, APIRoute)
    for method in WRITES & route.methods
)


async def _proposal(http: httpx.AsyncClient, redis: aioredis.Redis) -> str:
    org = await organisation(http)
    opening_id = await post_opening(http, org["organisation_id"], seats=1)
    person = registered()
    await publish(redis, person, ready(person.participant_id))
    found = await eventually(lambda: candidates_of(http, opening_id), what="a proposal")
    return str(found[0]["match_id"])


@pytest.mark.parametrize(
    ("answer", "body", "event"),
    [("accept", {"hours_per_week": 20}, "match.accepted"),
     ("decline", {"reason": "no driving licence"}, "match.declined")],
)  # fmt: skip
async def test_a_retried_answer_gets_the_first_answer(
    matching_client: ClientFactory,
    redis: aioredis.Redis,
    answer: str,
    body: dict[str, object],
    event: str,
) -> None:
    async with matching_client(proposals_per_seat=1) as http:
        url = f"/v1/matches/{await _proposal(http, redis)}/{answer}"
        key = {"Idempotency-Key": f"{answer}-{uuid4()}"}
        first = await http.post(url, json=body, headers=key)
        assert first.status_code == 200, first.text
        retried = await http.post(url, json=body, headers=key)
        assert (retried.status_code, retried.json()) == (200, first.json())
        assert retried.headers[REPLAYED_HEADER] == "true"
        events = await eventually(lambda: stream_events(redis, streams.MATCHING, event))
        assert len(events) == 1
        assert (await http.post(url, json=body)).status_code == 409  # unkeyed: the plain refusal


async def test_a_reused_key_with_another_body_is_refused(
    matching_client: ClientFactory, redis: aioredis.Redis
) -> None:
    async with matching_client(proposals_per_seat=1) as http:
        url = f"/v1/matches/{await _proposal(http, redis)}/decline"
        key = {"Idempotency-Key": "decline-1"}
        assert (await http.post(url, json={"reason": "too far"}, headers=key)).is_success
        other = await http.post(url, json={"reason": "other"}, headers=key)
        assert other.status_code == 422
        assert other.json()["detail"]["reason"] == "idempotency_key_reused"


async def test_a_created_organisation_is_created_once(matching_client: ClientFactory) -> None:
    async with matching_client() as http:
        body = {
            "name": "Kaustisen työpaja",
            "kind": "central_workshop",
            "municipality": "Kaustinen",
        }
        key = {"Idempotency-Key": "org-1"}
        answers = [await http.post("/v1/organisations", json=body, headers=key) for _ in range(3)]
        assert [a.status_code for a in answers] == [201] * 3, answers[0].text
        assert len({a.json()["organisation_id"] for a in answers}) == 1


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES)
async def test_every_write_replays_its_first_answer(
    matching_client: ClientFactory, method: str, path: str
) -> None:
    async with matching_client() as http:
        url = re.sub(r"\{[^}]+\}", lambda _: str(uuid4()), path)
        key = {"Idempotency-Key": f"{method}-{uuid4()}"}
        first = await http.request(method, url, json={}, headers=key)
        assert first.status_code < 500, first.text
        again = await http.request(method, url, json={}, headers=key)
        assert (again.status_code, again.json()) == (first.status_code, first.json())
        assert again.headers[REPLAYED_HEADER] == "true"

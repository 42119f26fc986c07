"""Two matching replicas, 50 proposals racing for 5 seats: never more than 5 accepted."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import asyncpg
import httpx
import redis
from matching_helpers import opening_body, ready, registered

from shared.events import new_event, streams
from shared.events.envelope import Payload
from tests.support import Stack, bearer, wait_until

PARTICIPANTS, SEATS = 50, 5


def _xadd(client: redis.Redis, payload: Payload) -> None:
    env = new_event(payload, producer="test")
    client.xadd(env.stream, {"__data__": env.model_dump_json()})


def _accepted_in_db(database_url: str, opening_id: str) -> int:
    async def count() -> int:
        conn = await asyncpg.connect(database_url)
        try:
            return int(
                await conn.fetchval(
                    "SELECT count(*) FROM matching.match"
                    " WHERE opening_id = $1 AND status = 'accepted'",
                    opening_id,
                )
            )
        finally:
            await conn.close()

    return asyncio.run(count())


def test_no_seat_over_allocation_with_two_replicas(
    stack_factory: type[Stack], redis_url: str, migrated_database_url: str, admin_key: str
) -> None:
    key = bearer(admin_key)
    stack = stack_factory(  # type: ignore[call-arg]
        matching_proposals_per_seat="10", matching_max_live_proposals="3"
    ).start("matching", replicas=2)
    one, two = (sp.url for sp in stack.services["matching"])
    org = httpx.post(
        f"{one}/v1/organisations",
        json={"name": "Veteli workshop", "kind": "satellite_workshop", "municipality": "Veteli"},
        headers=key,
    ).json()
    r = httpx.post(
        f"{two}/v1/openings", json=opening_body(org["organisation_id"], seats=SEATS), headers=key
    )
    assert r.status_code == 201, r.text
    opening_id = r.json()["opening_id"]

    client = redis.Redis.from_url(redis_url)
    people = [registered() for _ in range(PARTICIPANTS)]
    for person in people:
        _xadd(client, person)
    for person in people:
        _xadd(client, ready(person.participant_id))

    def proposals() -> list[str]:
        found = httpx.get(
            f"{one}/v1/openings/{opening_id}/candidates?status=proposed", headers=key
        ).json()
        return [m["match_id"] for m in found] if len(found) == PARTICIPANTS else []

    match_ids = wait_until(proposals, timeout=60, what="50 proposals")

    def accept(i_and_id: tuple[int, str]) -> int:
        i, match_id = i_and_id
        base = one if i % 2 else two
        return httpx.post(
            f"{base}/v1/matches/{match_id}/accept", timeout=30, headers=key
        ).status_code

    with ThreadPoolExecutor(max_workers=PARTICIPANTS) as pool:
        codes = list(pool.map(accept, enumerate(match_ids)))

    assert codes.count(200) == SEATS, codes
    assert codes.count(409) == PARTICIPANTS - SEATS, codes
    assert _accepted_in_db(migrated_database_url, opening_id) == SEATS
    opening = httpx.get(f"{two}/v1/openings/{opening_id}", headers=key).json()
    assert opening["seats_taken"] == SEATS
    wait_until(
        lambda: (
            sum(
                1
                for _id, f in client.xrange(streams.MATCHING)
                if b'"match.accepted"' in f[b"__data__"]
            )
            == SEATS
        ),
        what="five match.accepted events",
    )
    client.close()

"""Signed employer webhooks: verifiable from the docs, retried, dead-lettered, minimal."""

from __future__ import annotations

import json

import asyncpg
import redis.asyncio as aioredis
from matching_helpers import (
    ClientFactory,
    dead_letters,
    organisation,
    post_opening,
    publish,
    ready,
    registered,
)
from webhook_receiver import Receiver, verify

from shared.settings import Settings
from tests.support.polling import eventually

FAST = {"allow_private_webhooks": True, "webhook_backoff_s": 0.2, "webhook_interval_s": 0.05}
NEVER_SHOWN = ("participant_id", "national_id", "name", "risk_groups", "sex", "birth_year")


async def _deliveries(settings: Settings) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(settings.database_url)
    try:
        return await conn.fetch("SELECT * FROM matching.webhook_delivery")  # type: ignore[no-any-return]
    finally:
        await conn.close()


async def test_signed_webhook_retried_until_the_receiver_answers(
    matching_client: ClientFactory, redis: aioredis.Redis, settings: Settings
) -> None:
    with Receiver(statuses=[500, 502, 200]) as receiver:
        async with matching_client(**FAST, webhook_max_attempts=4) as http:
            org = await organisation(http, webhook_url=receiver.url)
            opening_id = await post_opening(http, org["organisation_id"])
            person = registered(skills=["woodwork", "painting"])
            await publish(redis, person, ready(person.participant_id, contact="anna@tyopaja.fi"))
            await eventually(lambda: _delivered(settings), what="delivered on the third try")
            metrics = (await http.get("/metrics")).text
            assert 'polku_matching_webhook_attempts_total{outcome="retry"} 2.0' in metrics
            assert 'polku_matching_webhook_attempts_total{outcome="delivered"} 1.0' in metrics

    assert len(receiver.requests) == 3
    secret = org["webhook_secret"]
    assert secret.startswith("whsec_")
    for request in receiver.requests:
        assert verify(secret, request.body, request.headers["Polku-Signature"])
        assert not verify(secret, request.body + b" ", request.headers["Polku-Signature"])
        assert not verify("whsec_wrong", request.body, request.headers["Polku-Signature"])
    assert len({r.headers["Polku-Delivery"] for r in receiver.requests}) == 1
    gaps = [b.at - a.at for a, b in zip(receiver.requests, receiver.requests[1:], strict=False)]
    assert gaps[0] >= 0.2 and gaps[1] >= 0.4  # exponential backoff: 0.2 s, then 0.4 s

    body = json.loads(receiver.requests[0].body)
    match = body["match"]
    assert body["type"] == "match.proposed" and match["opening_id"] == opening_id
    assert match["candidate"] == {
        "languages": ["fi"],
        "availability_hours": 25,
        "skills": ["woodwork", "painting"],
        "support_worker_contact": "anna@tyopaja.fi",
    }
    assert any("required skills" in line for line in match["explanation"])
    raw = receiver.requests[0].body.decode()
    for word in NEVER_SHOWN:
        assert word not in raw
    for secret_value in (str(person.participant_id), "addiction", "disability", "female"):
        assert secret_value not in raw


async def test_webhook_dead_lettered_after_the_last_attempt(
    matching_client: ClientFactory, redis: aioredis.Redis, settings: Settings
) -> None:
    with Receiver(statuses=[503]) as receiver:
        async with matching_client(**FAST, webhook_max_attempts=2) as http:
            org = await organisation(http, webhook_url=receiver.url)
            await post_opening(http, org["organisation_id"])
            person = registered()
            await publish(redis, person, ready(person.participant_id))
            letters = await eventually(lambda: _webhook_letters(redis), what="dead letter")
    assert len(receiver.requests) == 2
    (delivery,) = await _deliveries(settings)
    assert delivery["status"] == "dead" and delivery["attempts"] == 2
    assert "503" in delivery["last_error"]
    assert letters[0]["reason"] == "webhook_failed"
    assert letters[0]["event_id"] == str(delivery["delivery_id"])


async def _delivered(settings: Settings) -> bool:
    rows = await _deliveries(settings)
    return len(rows) == 1 and rows[0]["status"] == "delivered" and rows[0]["attempts"] == 3


async def _webhook_letters(redis: aioredis.Redis) -> list[dict[str, str]]:
    return [d for d in await dead_letters(redis) if d["stream"] == "webhook"]


async def test_webhook_moved_to_a_new_url_gets_a_new_secret(
    matching_client: ClientFactory, redis: aioredis.Redis, settings: Settings
) -> None:
    with Receiver(statuses=[503]) as gone, Receiver(statuses=[200]) as moved:
        async with matching_client(**FAST, webhook_max_attempts=6) as http:
            org = await organisation(http, webhook_url=gone.url)
            await post_opening(http, org["organisation_id"])
            person = registered()
            await publish(redis, person, ready(person.participant_id))
            await eventually(lambda: _received(gone), what="a first, failed attempt")
            url = f"/v1/organisations/{org['organisation_id']}/webhook"
            r = await http.put(url, json={"webhook_url": moved.url})
            assert r.status_code == 200, r.text
            answer = r.json()
            await eventually(lambda: _received(moved), what="the retry at the new URL")
            await eventually(lambda: _delivered_once(settings), what="delivered")
    secret = answer["webhook_secret"]
    assert secret.startswith("whsec_") and secret != org["webhook_secret"]
    assert answer["webhook_url"] == moved.url and answer["deliveries_dropped"] == 0
    header = moved.requests[0].headers["Polku-Signature"]
    assert verify(secret, moved.requests[0].body, header)
    assert not verify(org["webhook_secret"], moved.requests[0].body, header)


async def test_webhook_turned_off_drops_undelivered_notifications(
    matching_client: ClientFactory, redis: aioredis.Redis, settings: Settings
) -> None:
    with Receiver(statuses=[503]) as gone:
        async with matching_client(**FAST, webhook_max_attempts=6) as http:
            org = await organisation(http, webhook_url=gone.url)
            await post_opening(http, org["organisation_id"])
            person = registered()
            await publish(redis, person, ready(person.participant_id))
            await eventually(lambda: _received(gone), what="a first, failed attempt")
            url = f"/v1/organisations/{org['organisation_id']}/webhook"
            r = await http.put(url, json={"webhook_url": None})
            assert r.status_code == 200, r.text
            inbox = await http.get(f"/v1/organisations/{org['organisation_id']}/matches")
            unknown = await http.put(
                "/v1/organisations/00000000-0000-4000-8000-000000000000/webhook",
                json={"webhook_url": None},
            )
    assert r.json()["deliveries_dropped"] == 1 and r.json()["webhook_url"] is None
    assert await _deliveries(settings) == []  # nothing left to retry, so nothing dead-letters
    assert not await _webhook_letters(redis)
    assert [m["status"] for m in inbox.json()] == ["proposed"]  # the inbox keeps the proposal
    assert unknown.status_code == 404


async def _received(receiver: Receiver) -> bool:
    return bool(receiver.requests)


async def _delivered_once(settings: Settings) -> bool:
    rows = await _deliveries(settings)
    return len(rows) == 1 and rows[0]["status"] == "delivered"

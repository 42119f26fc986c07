"""The webhook sender wakes on the NOTIFY of the transaction that queued a delivery, not on its
fallback interval, and keeps at most `webhook_concurrency` deliveries in flight."""

from __future__ import annotations

import asyncio
import threading
from uuid import uuid4

import aiohttp
import redis.asyncio as aioredis
from matching_helpers import ClientFactory, organisation, post_opening, publish, registered
from matching_helpers import ready as ready_event
from webhook_receiver import Receiver

from services.matching import repository as repo
from services.matching.main import definition
from services.matching.sender import WebhookSender
from services.matching.settings import MatchingSettings
from services.matching.webhooks import encrypt_secret, new_secret
from shared.db import create_pool
from shared.runtime import Runtime
from shared.settings import Settings
from tests.support.polling import eventually


async def test_a_queued_webhook_is_sent_at_once_not_after_the_interval(
    matching_client: ClientFactory, redis: aioredis.Redis
) -> None:
    with Receiver(statuses=[200]) as receiver:
        slow = {"allow_private_webhooks": True, "webhook_interval_s": 120}
        async with matching_client(**slow) as http:
            org = await organisation(http, webhook_url=receiver.url)
            await post_opening(http, org["organisation_id"])
            person = registered()
            await publish(redis, person, ready_event(person.participant_id))
            await eventually(lambda: _received(receiver), within=20, what="the webhook")


async def _received(receiver: Receiver) -> bool:
    return len(receiver.requests) == 1


async def test_no_more_than_the_bound_in_flight(settings: Settings) -> None:
    ms = MatchingSettings(allow_private_webhooks=True, webhook_concurrency=2)
    runtime = Runtime(definition(ms), settings)
    runtime.pool = await create_pool(settings.database_url, schema="matching", max_size=4)
    gate = threading.Event()
    try:
        with Receiver(statuses=[200], gate=gate) as receiver:
            await _queue(runtime, settings, receiver.url, 5)
            async with aiohttp.ClientSession() as client:
                sender = WebhookSender(runtime, ms, client)
                assert await sender.send_round()  # both slots filled
                assert not await sender.send_round()  # none free: nothing more claimed
                assert len(sender.in_flight) == 2
                await eventually(lambda: _waiting(receiver, 2), what="two requests in flight")
                gate.set()
                await asyncio.gather(*sender.in_flight)
                while len(receiver.requests) < 5:
                    await sender.send_round()
                    await asyncio.gather(*sender.in_flight)
            assert receiver.most_waiting == 2
        delivered = await runtime.db.fetchval(
            "SELECT count(*) FROM webhook_delivery WHERE status = 'delivered'"
        )
        assert delivered == 5
    finally:
        await runtime.pool.close()


async def _waiting(receiver: Receiver, n: int) -> bool:
    return receiver.waiting == n


async def _queue(runtime: Runtime, settings: Settings, url: str, n: int) -> None:
    org = uuid4()
    sealed = encrypt_secret(settings.encryption_key, new_secret(), org)
    async with runtime.db.acquire() as conn:
        await repo.insert_organisation(
            conn, organisation_id=org, name="Hook", kind="employer", municipality="Veteli",
            lat=None, lon=None, webhook_url=url, webhook_secret=sealed,
        )  # fmt: skip
        for _ in range(n):
            await conn.execute(
                "INSERT INTO webhook_delivery (delivery_id, organisation_id, match_id,"
                " event_type, body) VALUES ($1, $2, $3, 'match.proposed', '{}')",
                uuid4(), org, uuid4(),
            )  # fmt: skip

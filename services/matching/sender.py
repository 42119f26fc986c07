"""The background job that POSTs queued webhooks, retrying with exponential backoff."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import asyncpg
import httpx
from prometheus_client import Counter

from services.matching import webhook_store
from services.matching.settings import MatchingSettings
from services.matching.webhooks import SIGNATURE_HEADER, decrypt_secret, sign, unsafe_url_reason
from shared.events import streams
from shared.runtime import Runtime

log = logging.getLogger("polku.matching.webhooks")


_COUNTERS: dict[int, Counter] = {}


def deliveries_counter(runtime: Runtime) -> Counter:
    """`polku_matching_webhook_attempts_total{outcome}` in this runtime's metrics registry."""
    registry = runtime.metrics.registry
    if id(registry) not in _COUNTERS:
        _COUNTERS[id(registry)] = Counter(
            "polku_matching_webhook_attempts",
            "Webhook delivery attempts by outcome (delivered, retry, dead)",
            ["outcome"],
            registry=registry,
        )
    return _COUNTERS[id(registry)]


def backoff_s(settings: MatchingSettings, attempts: int) -> float:
    """Delay before the next attempt after `attempts` failed ones: base * 2^(attempts-1)."""
    return float(settings.webhook_backoff_s * 2 ** (attempts - 1))


def make_webhook_sender(settings: MatchingSettings) -> Callable[[Runtime], Awaitable[None]]:
    """The background job: send due deliveries until the service stops."""

    async def webhook_sender(runtime: Runtime) -> None:
        async with httpx.AsyncClient(timeout=settings.webhook_timeout_s) as client:
            while True:
                try:
                    sent = await send_due(runtime, settings, client)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("webhook sender: %r", exc)
                    sent = 0
                if not sent:
                    await asyncio.sleep(settings.webhook_interval_s)

    return webhook_sender


async def send_due(runtime: Runtime, settings: MatchingSettings, client: httpx.AsyncClient) -> int:
    """Send every delivery that is due now; returns how many were tried."""
    lease = settings.webhook_timeout_s * 2 + 5
    rows = await webhook_store.claim_due(runtime.db, limit=20, lease_s=lease)
    await asyncio.gather(*(_deliver(runtime, settings, client, row) for row in rows))
    return len(rows)


async def _post(
    runtime: Runtime, settings: MatchingSettings, client: httpx.AsyncClient, row: asyncpg.Record
) -> str | None:
    url = row["webhook_url"]
    if not url:
        return "the organisation has no webhook URL any more"
    refused = await unsafe_url_reason(url, allow_private=settings.allow_private_webhooks)
    if refused:
        return refused
    secret = decrypt_secret(
        runtime.settings.encryption_key, row["webhook_secret"], row["organisation_id"]
    )
    body = row["body"].encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret, body, int(time.time())),
        "Polku-Delivery": str(row["delivery_id"]),
        "Polku-Event": row["event_type"],
        "User-Agent": "polku-matching-webhooks/1",
    }
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    if 200 <= response.status_code < 300:
        return None
    return f"receiver answered HTTP {response.status_code}"


async def _deliver(
    runtime: Runtime, settings: MatchingSettings, client: httpx.AsyncClient, row: asyncpg.Record
) -> None:
    error = await _post(runtime, settings, client, row)
    delivery_id, attempts = row["delivery_id"], row["attempts"]
    if error is None:
        await webhook_store.mark_delivered(runtime.db, delivery_id)
        deliveries_counter(runtime).labels("delivered").inc()
        return
    if attempts < settings.webhook_max_attempts:
        retry = backoff_s(settings, attempts)
        await webhook_store.mark_failed(runtime.db, delivery_id, error=error, retry_in_s=retry)
        deliveries_counter(runtime).labels("retry").inc()
        log.info(
            "webhook %s attempt %d failed (%s); retry in %.1fs", delivery_id, attempts, error, retry
        )
        return
    await webhook_store.mark_failed(runtime.db, delivery_id, error=error, retry_in_s=None)
    deliveries_counter(runtime).labels("dead").inc()
    await _dead_letter(runtime, row, error)


async def _dead_letter(runtime: Runtime, row: asyncpg.Record, error: str) -> None:
    assert runtime.redis is not None
    record = {
        "stream": "webhook",
        "entry_id": str(row["delivery_id"]),
        "consumer": "matching.webhooks",
        "reason": "webhook_failed",
        "error": error[:2000],
        "attempts": str(row["attempts"]),
        "event_type": row["event_type"],
        "event_id": str(row["delivery_id"]),
        "dead_lettered_at": datetime.now(UTC).isoformat(),
        "fields": json.dumps(
            {"organisation_id": str(row["organisation_id"]), "match_id": str(row["match_id"])}
        ),
    }
    await runtime.redis.xadd(streams.DEAD_LETTER, record, maxlen=100_000, approximate=True)  # type: ignore[arg-type]
    runtime.metrics.dead_lettered.labels("matching", "webhook", "webhook_failed").inc()
    log.error(
        "webhook %s dead-lettered after %d attempts: %s", row["delivery_id"], row["attempts"], error
    )

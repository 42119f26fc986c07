"""/metrics parses as Prometheus text with the pipeline families; /readyz follows PostgreSQL."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from messaging_probe import PROBE, SOURCE, commit_registration, effects, migrate_probe, registered
from prometheus_client.parser import text_string_to_metric_families

from shared.events import streams
from shared.runtime import create_service_app
from shared.settings import Settings
from tests.support.polling import eventually
from tests.support.postgres import PrivatePostgres


@contextlib.asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan started, and a client talking to it in-process."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
            yield client


async def scrape(client: httpx.AsyncClient) -> dict[str, list[object]]:
    """Parse /metrics; family name → its samples."""
    r = await client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    return {f.name: f.samples for f in text_string_to_metric_families(r.text)}


async def test_metrics_parse_and_show_the_pipeline_families(probe_settings: Settings) -> None:
    s = probe_settings
    source_app, probe_app = create_service_app(SOURCE, s), create_service_app(PROBE, s)
    async with serving(source_app) as source, serving(probe_app) as probe:
        good = registered()
        await commit_registration(s.database_url, good)
        runtime = probe_app.state.runtime
        await runtime.redis.xadd(streams.INTAKE, {"__data__": "{bad"})
        await eventually(lambda: effects(s.database_url), what="event consumed")
        await eventually(lambda: runtime.redis.xlen(streams.DEAD_LETTER), what="dead letter")
        await runtime.refresh_gauges()
        await source_app.state.runtime.refresh_gauges()
        published = await scrape(source)
        consumed = await scrape(probe)
    assert _labels(published["polku_events_published"]) >= {("type", good.type)}
    assert published.get("polku_outbox_backlog")
    outcomes = {
        dict(sample.labels)["outcome"]  # type: ignore[attr-defined]
        for sample in consumed["polku_events_consumed"]
    }
    assert {"processed", "dead_lettered"} <= outcomes
    buckets = [
        x
        for x in consumed["polku_handler_duration_seconds"]
        if x.name.endswith("_bucket")  # type: ignore[attr-defined]
    ]
    assert buckets, "handler latency histogram has buckets"
    for family in ("polku_consumer_lag", "polku_consumer_pending", "polku_dead_lettered_events"):
        assert consumed[family], f"{family} has samples"
    assert any(name.startswith("faststream_") for name in consumed), "FastStream's own metrics"


def _labels(samples: list[object]) -> set[tuple[str, str]]:
    return {kv for x in samples for kv in x.labels.items()}  # type: ignore[attr-defined]


@pytest.fixture
def private_postgres() -> AsyncIterator[PrivatePostgres]:
    """A PostgreSQL server of this test's own, so the test may stop it."""
    server = PrivatePostgres().start()
    try:
        yield server  # type: ignore[misc]
    finally:
        server.destroy()


async def test_readyz_is_503_while_postgres_is_down_and_work_resumes(
    private_postgres: PrivatePostgres, redis_url: str
) -> None:
    dsn = private_postgres.url
    await migrate_probe(dsn)
    s = Settings(database_url=dsn, redis_url=redis_url, claim_idle_ms=300, claim_interval_ms=100)
    # A 60 s poll: after the restart only a re-LISTEN can bring the next event out quickly.
    s = s.model_copy(
        update={"consumer_block_ms": 100, "redis_check_ms": 200, "outbox_poll_ms": 60_000}
    )
    source_app, probe_app = create_service_app(SOURCE, s), create_service_app(PROBE, s)
    async with serving(source_app), serving(probe_app) as probe:
        assert (await probe.get("/readyz")).status_code == 200
        private_postgres.stop()
        r = await probe.get("/readyz")
        assert r.status_code == 503, r.text
        body = json.loads(r.text)
        assert body["status"] == "not_ready"
        assert body["checks"]["redis"] == "ok" and body["checks"]["postgres"] != "ok"
        private_postgres.start()
        await eventually(lambda: _ready(probe), what="ready again")
        # The relay re-LISTENs and the consumer goes on: an event still flows end to end.
        event = registered()
        await commit_registration(dsn, event)
        got = await eventually(lambda: effects(dsn), within=10, what="event after the restart")
    assert got == {event.payload.participant_id: 1}


async def _ready(client: httpx.AsyncClient) -> bool:
    return (await client.get("/readyz")).status_code == 200

"""Prometheus metrics every service exports, in one registry per service process."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "ServiceMetrics"]


class ServiceMetrics:
    """The pipeline metrics of one service (FastStream's middleware adds its own families)."""

    def __init__(self, service: str, registry: CollectorRegistry | None = None) -> None:
        self.service = service
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.events_consumed = Counter(
            "polku_events_consumed",
            "Events read from streams, by type and outcome",
            ["service", "stream", "type", "outcome"],
            registry=r,
        )
        self.events_published = Counter(
            "polku_events_published",
            "Events relayed from the outbox to Redis",
            ["service", "stream", "type"],
            registry=r,
        )
        self.handler_seconds = Histogram(
            "polku_handler_duration_seconds",
            "Time to apply one batch of events in one transaction",
            ["service", "stream"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=r,
        )
        self.dead_lettered = Counter(
            "polku_dead_lettered_events",
            "Entries sent to the dead-letter stream, by reason",
            ["service", "stream", "reason"],
            registry=r,
        )
        self.outbox_backlog = Gauge(
            "polku_outbox_backlog", "Outbox rows not yet published", ["service"], registry=r
        )
        self.consumer_lag = Gauge(
            "polku_consumer_lag",
            "Entries in the stream not yet delivered to the group",
            ["service", "stream", "group"],
            registry=r,
        )
        self.consumer_pending = Gauge(
            "polku_consumer_pending",
            "Entries delivered to the group and not yet acknowledged",
            ["service", "stream", "group"],
            registry=r,
        )
        self.redis_resets = Counter(
            "polku_redis_resets",
            "Times Redis was found restarted empty (new run_id)",
            ["service"],
            registry=r,
        )
        self.db_statements = Counter(
            "polku_db_statements",
            "SQL statements sent by the pool, by first keyword (POLKU_DB_COUNT_STATEMENTS)",
            ["service", "kind"],
            registry=r,
        )
        self.http_requests = Counter(
            "polku_http_requests",
            "HTTP requests served",
            ["service", "method", "route", "status"],
            registry=r,
        )

    def render(self) -> bytes:
        """The registry in Prometheus text format."""
        return generate_latest(self.registry)

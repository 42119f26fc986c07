"""The web front's Prometheus metrics: how long each page takes on the server, and how often
the services it calls refuse or fail. Served at `/metrics` like every service's."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client import generate_latest as _latest
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

PAGE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0)
"""Seconds; 0.15 is the pages' target (p95 under 150 ms, `bench/web.py`)."""


class WebMetrics:
    """One registry per app (tests build several apps in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.page_seconds = Histogram(
            "polku_web_page_seconds",
            "Time to answer a request for a page, on the server",
            ["route", "method", "status"],
            buckets=PAGE_BUCKETS,
            registry=self.registry,
        )
        self.service_errors = Counter(
            "polku_web_service_errors",
            "Calls to a service that were refused or failed, by service and status",
            ["service", "status"],
            registry=self.registry,
        )

        self.more: list[CollectorRegistry] = []
        """Other registries served beside (the consumer's pipeline metrics)."""

    def latest(self) -> bytes:
        return b"".join(_latest(r) for r in [self.registry, *self.more])


def install_metrics(app: FastAPI) -> WebMetrics:
    """Time every request by its route's template (never its path: ids stay out of labels)."""
    metrics = WebMetrics()
    app.state.metrics = metrics

    @app.middleware("http")
    async def time_pages(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        start = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        template = getattr(route, "path", None) or "unmatched"
        if not template.startswith(("/static", "/metrics", "/healthz", "/readyz")):
            metrics.page_seconds.labels(
                template, request.method, f"{response.status_code // 100}xx"
            ).observe(time.perf_counter() - start)
        return response

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        return Response(metrics.latest(), media_type=CONTENT_TYPE_LATEST)

    return metrics

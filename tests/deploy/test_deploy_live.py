"""The deployment files against the running services: every metric the dashboard and the
alerts read is really exported, the image's health check passes, and KEDA watches every
consumer group the services create."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis
import yaml
from deploy_support import (
    DEPLOY,
    PROMETHEUS_BUILTINS,
    LiveStack,
    exported_names,
    live_stack,
    metric_names,
)

from shared.events import streams
from shared.messaging import entry_body
from shared.settings import SERVICES
from tests.support import free_port, wait_until

live = pytest.fixture(scope="module")(live_stack)


def consumed(url: str) -> float:
    """Events this service has processed, from its own /metrics."""
    text = httpx.get(f"{url}/metrics", timeout=5).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("polku_events_consumed_total{") and 'outcome="processed"' in line
    )


def test_deploy_files_agree_with_the_running_services(live: LiveStack) -> None:
    """One stack, three checks: metric names, the image health check, KEDA's groups."""
    dashboard_and_alerts_read_only_exported_metrics(live)
    image_health_check_passes_against_ready_services(live)
    keda_watches_every_consumer_group(live.redis_url)


def dashboard_and_alerts_read_only_exported_metrics(stack: LiveStack) -> None:
    """Every metric a dashboard panel or an alert reads is on some service's /metrics."""
    before = {s: consumed(stack[s].url) for s in ("caseplan", "matching", "reporting")}
    stack.post_intakes(2, seed=11)
    for service, count in before.items():

        def caught_up(s: str = service, c: float = count) -> bool:
            return consumed(stack[s].url) >= c + 2

        wait_until(caught_up, what=f"{service} consumed")
    exported = set(PROMETHEUS_BUILTINS)
    for service in SERVICES:
        exported |= exported_names(httpx.get(f"{stack[service].url}/metrics").text)
    board = json.loads((DEPLOY / "grafana/dashboards/polku.json").read_text())
    exprs = [t["expr"] for p in board["panels"] for t in p.get("targets", [])]
    rules = yaml.safe_load((DEPLOY / "prometheus/alerts.yml").read_text())
    exprs += [r["expr"] for g in rules["groups"] for r in g["rules"]]
    for expr in exprs:
        unknown = metric_names(expr) - exported
        assert not unknown, f"{expr!r} reads {unknown}, which no service exports"
    assert "faststream_received_messages_total" in exported
    assert "polku_events_consumed_total" in exported


def image_health_check_passes_against_ready_services(stack: LiveStack) -> None:
    """deploy/docker/healthcheck.py exits 0 on a ready service and 1 on a closed port."""
    script = str(DEPLOY / "docker" / "healthcheck.py")
    for service in SERVICES:
        env = {**os.environ, f"POLKU_{service.upper()}_PORT": str(stack[service].port)}
        done = subprocess.run([sys.executable, script, service], env=env, timeout=10)
        assert done.returncode == 0, service
    env = {**os.environ, "POLKU_INTAKE_PORT": str(free_port())}
    refused = subprocess.run(
        [sys.executable, script, "intake"], env=env, timeout=10, capture_output=True, text=True
    )
    assert refused.returncode == 1 and "readyz" in refused.stderr


async def consumer_groups(redis_url: str) -> set[tuple[str, str]]:
    """(stream, group) for every consumer group that exists in Redis."""
    client = aioredis.from_url(redis_url)
    try:
        found = set()
        for stream in (*streams.ALL_EVENT_STREAMS, streams.INTAKE_REQUESTS):
            if await client.exists(stream):
                for group in await client.xinfo_groups(stream):
                    found.add((stream, group["name"].decode()))
        return found
    finally:
        await client.aclose()


def keda_watches_every_consumer_group(redis_url: str) -> None:
    """Each (stream, group) the running services created has a KEDA trigger."""
    groups = asyncio.run(consumer_groups(redis_url))
    assert {g for _, g in groups} >= {"caseplan", "matching", "reporting"}
    scaled = yaml.safe_load_all((DEPLOY / "kubernetes/base/keda-scaledobjects.yaml").read_text())
    watched = {
        (t["metadata"]["stream"], t["metadata"]["consumerGroup"])
        for obj in scaled
        for t in obj["spec"]["triggers"]
    }
    assert groups <= watched, f"no KEDA trigger for {groups - watched}"


@contextmanager
def prometheus_server(stack: LiveStack, tmp_path: Path) -> Iterator[str]:
    """Debian's real Prometheus scraping the four services every second, with our alerts."""
    binary = shutil.which("prometheus")
    assert binary, "prometheus missing: apt-get install prometheus"
    shutil.copy(DEPLOY / "prometheus/alerts.yml", tmp_path / "alerts.yml")
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": ["alerts.yml"],
        "scrape_configs": [
            {
                "job_name": "polku",
                "static_configs": [
                    {"targets": [f"127.0.0.1:{stack[s].port}"], "labels": {"polku_service": s}}
                    for s in SERVICES
                ],
            }
        ],
    }
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    with open(tmp_path / "prometheus.log", "wb") as log:
        proc = subprocess.Popen(
            [
                binary,
                f"--config.file={tmp_path / 'prometheus.yml'}",
                f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(20)


def query(prometheus: str, promql: str) -> list[dict[str, Any]]:
    """An instant query through Prometheus's HTTP API."""
    answer = httpx.get(f"{prometheus}/api/v1/query", params={"query": promql}, timeout=5).json()
    assert answer["status"] == "success", answer
    return answer["data"]["result"]  # type: ignore[no-any-return]


def scalar(prometheus: str, promql: str) -> float:
    result = query(prometheus, promql)
    return float(result[0]["value"][1]) if result else 0.0


def test_real_prometheus_sees_every_service_up_and_counters_rise(
    live: LiveStack, tmp_path: Path
) -> None:
    stack = live
    with prometheus_server(stack, tmp_path) as prometheus:

        def all_up() -> bool:
            up = {r["metric"]["polku_service"]: r["value"][1] for r in query(prometheus, "up")}
            return up == dict.fromkeys(SERVICES, "1")

        wait_until(all_up, timeout=30, what="every service up in Prometheus")
        rules = httpx.get(f"{prometheus}/api/v1/rules").json()["data"]["groups"][0]["rules"]
        assert {r["name"] for r in rules} >= {"PolkuDeadLettersGrowing", "PolkuOutboxBacklog"}
        assert all(r["health"] == "ok" for r in rules), rules

        processed = (
            'sum(polku_events_consumed_total{service="reporting",stream="polku.intake",'
            'type="participant.registered",outcome="processed"})'
        )
        published = 'sum(polku_events_published_total{type="participant.registered"})'
        stack.post_intakes(1, seed=21)
        wait_until(lambda: scalar(prometheus, processed) >= 1, what="first intake in Prometheus")
        before = {q: scalar(prometheus, q) for q in (processed, published)}
        stack.post_intakes(3, seed=22)
        for promql, start in before.items():

            def risen(q: str = promql, s: float = start) -> bool:
                return scalar(prometheus, q) >= s + 3

            wait_until(risen, timeout=30, what=f"{promql} rising by 3 in Prometheus")


async def envelope_of(redis_url: str, participant_id: str) -> dict[str, Any]:
    """The participant.registered envelope intake published for this participant."""
    client = aioredis.from_url(redis_url)
    try:
        entries: Any = await client.xrange(streams.INTAKE)
    finally:
        await client.aclose()
    for _, fields in entries:
        env = json.loads(entry_body(fields))
        if env["type"] == "participant.registered":
            if env["payload"]["participant_id"] == participant_id:
                return env  # type: ignore[no-any-return]
    raise AssertionError(f"no participant.registered for {participant_id}")


def lines_with(log: str, correlation_id: str) -> list[dict[str, Any]]:
    """The JSON log lines that carry this correlation id."""
    found = []
    for line in log.splitlines():
        if correlation_id in line:
            found.append(json.loads(line))
    return found


def test_one_intake_can_be_followed_through_the_logs(live: LiveStack) -> None:
    (answer,) = live.post_intakes(1, seed=41)
    env = wait_until(
        lambda: asyncio.run(envelope_of(live.redis_url, str(answer["participant_id"]))),
        what="the intake's event on polku.intake",
    )
    correlation_id = env["correlation_id"]
    for service in ("caseplan", "matching", "reporting"):

        def handled(s: str = service) -> list[dict[str, Any]]:
            return [
                line
                for line in lines_with(live[s].log(), correlation_id)
                if line["logger"] == "polku.events" and "polku.intake" in line["message"]
            ]

        for line in wait_until(handled, what=f"{service} logging the intake's event"):
            assert line["service"] == service and line["level"] == "info" and line["ts"]
            if "event_id" in line:  # the event was handled alone: the line carries its ids
                assert line["event_id"] == env["event_id"]
                assert line["correlation_id"] == correlation_id
                assert line["message"] == "handled participant.registered from polku.intake"
            else:  # handled in a batch: the line lists the batch's correlation ids
                assert "correlation ids:" in line["message"]
        for line in lines_with(live[service].log(), correlation_id):
            assert line["service"] == service


def test_a_batch_line_lists_every_correlation_id_once(caplog: pytest.LogCaptureFixture) -> None:
    from types import SimpleNamespace
    from uuid import uuid4

    from shared.messaging import _log_handled

    first, second = uuid4(), uuid4()
    batch: Any = [
        SimpleNamespace(type="caseplan.opened", event_id=uuid4(), correlation_id=c)
        for c in (first, second, first)
    ]
    with caplog.at_level("INFO", logger="polku.events"):
        _log_handled("polku.caseplan", batch)
    (record,) = caplog.records
    message = record.getMessage()
    assert message.startswith("handled 3 events from polku.caseplan; correlation ids: ")
    assert message.count(str(first)) == 1 and message.count(str(second)) == 1

"""Prometheus and Grafana files: promtool accepts them, alert rules behave, the dashboard
is well-formed and provisioned."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from typing import Any

import yaml
from deploy_support import DEPLOY, metric_names

PROM = DEPLOY / "prometheus"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "polku.json"


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("promtool")
    assert tool, "promtool missing: apt-get install prometheus (scripts/ensure-system-packages.sh)"
    return subprocess.run([tool, *args], capture_output=True, text=True, cwd=PROM, timeout=60)


def test_promtool_accepts_the_config_and_its_rule_file() -> None:
    result = promtool("check", "config", "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 rule files found" in result.stdout + result.stderr


def test_promtool_accepts_the_rules() -> None:
    result = promtool("check", "rules", "alerts.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 5 rules found" in result.stdout + result.stderr


def test_alerts_fire_when_they_should_and_not_otherwise() -> None:
    result = promtool("test", "rules", "alerts_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_alerts_cover_what_operations_needs() -> None:
    rules = yaml.safe_load((PROM / "alerts.yml").read_text())["groups"][0]["rules"]
    by_name = {r["alert"]: r["expr"] for r in rules}
    dead = by_name["PolkuDeadLettersGrowing"]
    assert "increase(polku_dead_lettered_events_total[10m])" in dead and dead.endswith("> 0")
    assert metric_names(by_name["PolkuConsumerLagHigh"]) == {"polku_consumer_lag"}
    assert metric_names(by_name["PolkuConsumerPendingHigh"]) == {"polku_consumer_pending"}
    assert metric_names(by_name["PolkuOutboxBacklog"]) == {"polku_outbox_backlog"}
    assert by_name["PolkuServiceDown"].startswith("up{") and "== 0" in by_name["PolkuServiceDown"]


def test_scrape_config_names_the_four_services_and_the_web() -> None:
    config = yaml.safe_load((PROM / "prometheus.yml").read_text())
    job = next(j for j in config["scrape_configs"] if j["job_name"] == "polku")
    targets = [t for group in job["static_configs"] for t in group["targets"]]
    assert targets == [
        "intake:8001", "caseplan:8002", "matching:8003", "reporting:8004", "web:8000",
    ]  # fmt: skip


def dashboard_targets() -> list[dict[str, Any]]:
    board = json.loads(DASHBOARD.read_text())
    return [t for p in board["panels"] for t in p.get("targets", [])]


def test_dashboard_is_valid_and_uses_the_provisioned_datasource() -> None:
    board = json.loads(DASHBOARD.read_text())
    assert board["uid"] and board["title"] and board["schemaVersion"] >= 36
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids))
    datasource = yaml.safe_load(
        (DEPLOY / "grafana/provisioning/datasources/prometheus.yml").read_text()
    )["datasources"][0]
    assert datasource["url"] == "http://prometheus:9090"
    for panel in board["panels"]:
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == datasource["uid"], panel["title"]
            assert panel["targets"] and panel.get("description"), panel["title"]


def test_dashboard_shows_every_pipeline_metric() -> None:
    used = set().union(*(metric_names(t["expr"]) for t in dashboard_targets()))
    wanted = {
        "polku_events_consumed_total",
        "polku_events_published_total",
        "polku_handler_duration_seconds_bucket",
        "polku_outbox_backlog",
        "polku_consumer_lag",
        "polku_consumer_pending",
        "polku_dead_lettered_events_total",
        "polku_http_requests_total",
        "faststream_received_messages_total",
        "faststream_received_processed_messages_duration_seconds_bucket",
    }
    assert wanted <= used, wanted - used


def test_dashboard_provider_points_where_compose_mounts_the_dashboards() -> None:
    provider = yaml.safe_load((DEPLOY / "grafana/provisioning/dashboards/polku.yml").read_text())
    path = provider["providers"][0]["options"]["path"]
    compose = yaml.safe_load((DEPLOY.parent / "docker-compose.yml").read_text())
    assert f"./deploy/grafana/dashboards:{path}:ro" in compose["services"]["grafana"]["volumes"]


def test_dashboard_file_is_what_its_generator_writes() -> None:
    done = subprocess.run(
        [sys.executable, str(DEPLOY / "scripts" / "grafana_dashboard.py"), "--check"], timeout=30
    )
    assert done.returncode == 0, "run: python deploy/scripts/grafana_dashboard.py"


def test_dashboard_shows_the_networks_domain_gauges() -> None:
    used = set().union(*(metric_names(t["expr"]) for t in dashboard_targets()))
    assert {
        "polku_active_cases",
        "polku_waiting_list",
        "polku_open_seats",
        "polku_employed_on_leaving",
    } <= used

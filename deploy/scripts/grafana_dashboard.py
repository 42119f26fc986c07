"""Write deploy/grafana/dashboards/polku.json: `python deploy/scripts/grafana_dashboard.py`.

The dashboard is generated so that panels stay uniform; tests/deploy checks that the committed
JSON equals this script's output (`--check`) and that every metric it reads is exported by a
running service.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "grafana" / "dashboards" / "polku.json"
DATASOURCE = {"type": "prometheus", "uid": "polku-prometheus"}
RATE = "$__rate_interval"
STAT = {"colorMode": "value", "graphMode": "area", "reduceOptions": {"calcs": ["lastNotNull"]}}
SERIES = {
    "legend": {"displayMode": "table", "placement": "bottom", "calcs": ["lastNotNull", "max"]},
    "tooltip": {"mode": "multi"},
}


class Board:
    """Panels laid out left to right, top to bottom, on Grafana's 24-column grid."""

    def __init__(self) -> None:
        self.panels: list[dict[str, Any]] = []
        self.x = self.y = self.row_height = 0

    def row(self, title: str) -> None:
        """Start a new titled row."""
        self._newline()
        self._add({"type": "row", "title": title, "collapsed": False, "panels": []}, 24, 1)
        self._newline()

    def panel(
        self, title: str, description: str, targets: list[tuple[str, str]], **kw: Any
    ) -> None:
        """A time series (or `kind="stat"`) panel of PromQL (expression, legend) pairs."""
        kind, width = kw.pop("kind", "timeseries"), kw.pop("width", 12)
        panel = {
            "type": kind,
            "title": title,
            "description": description,
            "datasource": DATASOURCE,
            "fieldConfig": {"defaults": {"unit": kw.pop("unit", "short")}, "overrides": []},
            "options": STAT if kind == "stat" else SERIES,
            "targets": [
                {
                    "refId": chr(65 + i),
                    "datasource": DATASOURCE,
                    "expr": expr,
                    "legendFormat": legend,
                }
                for i, (expr, legend) in enumerate(targets)
            ],
        }
        if self.x + width > 24:
            self._newline()
        self._add(panel, width, 5 if kind == "stat" else 8)

    def _add(self, panel: dict[str, Any], width: int, height: int) -> None:
        panel = {"id": len(self.panels) + 1, **panel}
        panel["gridPos"] = {"h": height, "w": width, "x": self.x, "y": self.y}
        self.panels.append(panel)
        self.x += width
        self.row_height = max(self.row_height, height)

    def _newline(self) -> None:
        self.y += self.row_height
        self.x = self.row_height = 0


def health(board: Board) -> None:
    board.row("Health")
    board.panel(
        "Services up",
        "1 when Prometheus can scrape the service's /metrics.",
        [('up{job="polku"}', "{{polku_service}}")],
        kind="stat",
        width=8,
    )
    board.panel(
        "Dead-lettered in the last hour",
        "Entries sent to polku.dead-letter; inspect with `polku dlq list`.",
        [("sum(increase(polku_dead_lettered_events_total[1h])) or vector(0)", "dead-lettered")],
        kind="stat",
        width=8,
    )
    board.panel(
        "Outbox backlog (all services)",
        "Outbox rows committed but not yet published.",
        [("sum(polku_outbox_backlog)", "unpublished rows")],
        kind="stat",
        width=8,
    )


def network(board: Board) -> None:
    board.row("The network (reporting's domain gauges)")
    for metric, title, description in [
        ("polku_active_cases", "Active cases", "Case plans open now."),
        ("polku_waiting_list", "Waiting list", "Participants waiting for a support worker."),
        ("polku_open_seats", "Open seats", "Seats of open openings not yet filled."),
        ("polku_employed_on_leaving", "Employed on leaving", "In work when they left (all time)."),
    ]:
        board.panel(title, description, [(f"max({metric})", title.lower())], kind="stat", width=6)


def event_flow(board: Board) -> None:
    board.row("Event flow")
    board.panel(
        "Events consumed per second",
        "Events read from streams, by service and outcome (processed, duplicate, ...).",
        [
            (
                f"sum by (service, outcome) (rate(polku_events_consumed_total[{RATE}]))",
                "{{service}} {{outcome}}",
            )
        ],
        unit="ops",
    )
    board.panel(
        "Events published per second",
        "Events relayed from each outbox, by type.",
        [
            (
                f"sum by (service, type) (rate(polku_events_published_total[{RATE}]))",
                "{{service}} {{type}}",
            )
        ],
        unit="ops",
    )
    latency = f"sum by (le, service) (rate(polku_handler_duration_seconds_bucket[{RATE}]))"
    board.panel(
        "Handler latency (one batch, one transaction)",
        "p50 and p99 of the time to apply one batch of events.",
        [
            (f"histogram_quantile(0.99, {latency})", "p99 {{service}}"),
            (f"histogram_quantile(0.5, {latency})", "p50 {{service}}"),
        ],
        unit="s",
    )
    board.panel(
        "Dead-lettered per reason",
        "Entries dead-lettered, by service and reason.",
        [
            (
                f"sum by (service, reason) (increase(polku_dead_lettered_events_total[{RATE}]))",
                "{{service}} {{reason}}",
            )
        ],
    )


def consumer_groups(board: Board) -> None:
    board.row("Consumer groups")
    board.panel(
        "Consumer lag",
        "Entries not yet delivered to the group (needs Redis 7).",
        [("max by (service, stream) (polku_consumer_lag)", "{{service}} ← {{stream}}")],
    )
    board.panel(
        "Consumer pending",
        "Delivered to the group, not yet acknowledged (KEDA's signal).",
        [("max by (service, stream) (polku_consumer_pending)", "{{service}} ← {{stream}}")],
    )
    board.panel(
        "Outbox backlog",
        "Unpublished outbox rows of each service.",
        [("max by (service) (polku_outbox_backlog)", "{{service}}")],
    )
    board.panel(
        "Redis restarts seen",
        "Times a service found Redis restarted empty.",
        [("sum by (service) (increase(polku_redis_resets_total[1h]))", "{{service}}")],
    )


def faststream(board: Board) -> None:
    board.row("FastStream broker")
    board.panel(
        "Batches received per second",
        "From FastStream's Prometheus middleware.",
        [
            (
                f"sum by (app_name, handler) (rate(faststream_received_messages_total[{RATE}]))",
                "{{app_name}} ← {{handler}}",
            )
        ],
        unit="ops",
    )
    duration = "faststream_received_processed_messages_duration_seconds_bucket"
    board.panel(
        "Processing time p99",
        "FastStream's own measure of one received batch.",
        [
            (
                f"histogram_quantile(0.99, sum by (le, app_name) (rate({duration}[{RATE}])))",
                "{{app_name}}",
            )
        ],
        unit="s",
    )
    board.panel(
        "Processed by status",
        "Received batches by final status (acked, nacked, ...).",
        [
            (
                f"sum by (app_name, status) (rate(faststream_received_processed_messages_total[{RATE}]))",
                "{{app_name}} {{status}}",
            )
        ],
        unit="ops",
    )
    board.panel(
        "In process",
        "Batches being handled right now.",
        [("sum by (app_name) (faststream_received_messages_in_process)", "{{app_name}}")],
    )


def http(board: Board) -> None:
    board.row("HTTP")
    board.panel(
        "HTTP requests per second",
        "Requests served, by service and status.",
        [
            (
                f"sum by (service, status) (rate(polku_http_requests_total[{RATE}]))",
                "{{service}} {{status}}",
            )
        ],
        unit="reqps",
    )
    board.panel(
        "HTTP errors per second",
        "Responses with status 5xx.",
        [
            (
                f'sum by (service, route) (rate(polku_http_requests_total{{status=~"5.."}}[{RATE}]))',
                "{{service}} {{route}}",
            )
        ],
        unit="reqps",
    )


def dashboard() -> dict[str, Any]:
    """The whole dashboard as Grafana JSON."""
    board = Board()
    for section in (health, network, event_flow, consumer_groups, faststream, http):
        section(board)
    return {
        "uid": "polku-pipeline",
        "title": "Polku pipeline",
        "tags": ["polku"],
        "description": "The network's figures, event flow, consumer groups, outbox and HTTP.",
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "editable": False,
        "refresh": "10s",
        "time": {"from": "now-1h", "to": "now"},
        "templating": {"list": []},
        "annotations": {"list": []},
        "panels": board.panels,
    }


def render() -> str:
    """The dashboard file's text."""
    return json.dumps(dashboard(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(0 if OUT.read_text() == render() else 1)
    OUT.write_text(render())

"""Domain gauges beside the pipeline metrics: active cases, waiting list, open seats, employed."""

from __future__ import annotations

import asyncio
import logging

from prometheus_client import Gauge

from services.reporting import service
from services.reporting.domain.filters import ReportFilter
from services.reporting.settings import ReportingSettings
from shared.outage import OutageLog
from shared.runtime import Runtime

log = logging.getLogger("polku.reporting.gauges")

GAUGES = {
    "active_cases": ("polku_active_cases", "Case plans open now"),
    "waiting_list": ("polku_waiting_list", "Participants waiting for a support worker"),
    "open_seats": ("polku_open_seats", "Seats of open openings not filled by a placement"),
    "employed_on_leaving": (
        "polku_employed_on_leaving",
        "Participants in employment upon leaving (all time)",
    ),
}
"""Key figure -> (metric name, help)."""


def make_gauges(runtime: Runtime) -> dict[str, Gauge]:
    """The domain gauges, on the service's own registry."""
    return {
        figure: Gauge(name, doc, registry=runtime.metrics.registry)
        for figure, (name, doc) in GAUGES.items()
    }


async def refresh_once(
    runtime: Runtime, gauges: dict[str, Gauge], reporting: ReportingSettings
) -> None:
    """Set every domain gauge from the figure store as the aggregator keeps it (seconds
    behind at most: forcing it to catch up would recompute a burst's participants twice)."""
    figures = await service.key_figures(runtime.db, ReportFilter(), reporting, fresh=False)
    for figure, gauge in gauges.items():
        gauge.set(figures[figure])


async def refresh_domain_gauges(runtime: Runtime, reporting: ReportingSettings) -> None:
    """Background job: refresh the domain gauges every few seconds."""
    gauges = make_gauges(runtime)
    reminder_s = runtime.settings.outage_reminder_s
    outage = OutageLog(log, "domain gauges' database", reminder_s=reminder_s)
    while True:
        try:
            await refresh_once(runtime, gauges, reporting)
            outage.recovered()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            outage.failed(exc)
        await asyncio.sleep(reporting.gauge_refresh_seconds)

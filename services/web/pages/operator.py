"""The operator's dashboard: the network's key figures and pipeline health, signed in."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.web.i18n import N_
from services.web.pages.common import page, services_of
from services.web.sessions import signed_in

router = APIRouter()
Operator = Annotated[asyncpg.Record, signed_in("operator", "admin")]

FIGURES: tuple[tuple[str, str], ...] = (
    ("participants_registered", N_("Participants registered")),
    ("active_cases", N_("Active cases")),
    ("waiting_list", N_("Waiting list")),
    ("placements_started", N_("Placements started")),
    ("placements_ended_by_hire", N_("Ended by hire")),
    ("employed_on_leaving", N_("Employed on leaving")),
    ("employed_six_months_after", N_("Employed 6 months after")),
    ("open_seats", N_("Open seats")),
    ("average_days_to_first_placement", N_("Days to first placement")),
    ("average_days_to_employment", N_("Days to employment")),
)


def _backlog(pipeline: dict[str, Any]) -> list[tuple[str, Any]]:
    return sorted((pipeline.get("outbox_backlog") or {}).items())


@router.get("/dashboard")
async def dashboard(request: Request, person: Operator) -> Response:
    """Today's figures (htmx refreshes the figures every 30 seconds)."""
    services = services_of(request)
    summary, pipeline = await asyncio.gather(  # at once: the page waits for the slower only
        services.call(person, "reporting", "GET", "/v1/reports/summary"),
        services.call(person, "reporting", "GET", "/v1/pipeline"),
    )
    template = "dashboard_figures.html" if request.headers.get("hx-request") else "dashboard.html"
    return page(
        request,
        template,
        figures=[(key, label, summary.get(key)) for key, label in FIGURES],
        streams=pipeline.get("streams", []),
        dead_letters=pipeline.get("dead_letters"),
        backlog=_backlog(pipeline),
    )

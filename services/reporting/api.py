"""Reporting's HTTP API: the network's figures and ESF indicators, JSON or CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, BeforeValidator

from services.reporting import service
from services.reporting.domain import declines
from services.reporting.domain.filters import InvalidFilter, ReportFilter, build_filter
from services.reporting.domain.privacy import suppress_summary
from services.reporting.errors import ERROR_RESPONSES
from services.reporting.pipeline import pipeline_health
from services.reporting.repository import queries
from services.reporting.settings import ReportingSettings
from shared.auth import Allow
from shared.events.vocabulary import DeclineCode, RiskGroup
from shared.runtime import PoolDep, RuntimeDep

router = APIRouter(prefix="/v1", tags=["reporting"], dependencies=[Allow("operator", "admin")])
"""Figures and pipeline health: operators and admins (no personal data is served here)."""


async def get_reporting_settings(request: Request) -> ReportingSettings:
    """FastAPI dependency: reporting's own settings."""
    return request.app.state.reporting_settings  # type: ignore[no-any-return]


ReportingDep = Annotated[ReportingSettings, Depends(get_reporting_settings)]


def _invalid(field: str, reason: str) -> HTTPException:
    return HTTPException(422, detail=[{"field": field, "reason": reason}])


Format = Literal["json", "csv"]
Audience = Literal["internal", "external"]
AudienceQuery = Annotated[
    Audience, Query(description="external: groups under 5 people shown as '<5'")
]
Place = Annotated[
    str | None,
    Query(min_length=1, pattern=r"^[^\x00]+$", description="the participant's municipality"),
]


def _iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD (pydantic alone would take '0' as a Unix time)."""
    if value is not None and not (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        raise ValueError("not a date: use YYYY-MM-DD")
    return value


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
Day = Annotated[date | None, BeforeValidator(_iso_date)]


async def report_filter(
    start: Annotated[Day, Query(alias="from", description="first day of the period")] = None,
    end: Annotated[Day, Query(alias="to", description="last day of the period")] = None,
    municipality: Place = None,
    organisation: Annotated[UUID | None, Query(description="organisation id")] = None,
    risk_group: RiskGroup | None = None,
) -> ReportFilter:
    """FastAPI dependency: the filters every figure takes, validated."""
    try:
        return build_filter(
            start=start,
            end=end,
            municipality=municipality,
            organisation_id=organisation,
            risk_group=None if risk_group is None else risk_group.value,
        )
    except InvalidFilter as exc:
        raise _invalid(exc.field, exc.reason) from None


FilterDep = Annotated[ReportFilter, Depends(report_filter)]


ReportName = StrEnum("ReportName", {n.replace("-", "_"): n for n in sorted(service.REPORTS)})  # type: ignore[misc]
"""The name of every report, for CSV exports."""
TableName = StrEnum(  # type: ignore[misc]
    "TableName", {n.replace("-", "_"): n for n in sorted(service.REPORTS) if n != "summary"}
)
"""The reports served as JSON tables (the summary has its own route)."""


class ReportTable(BaseModel):
    """One named report: its rows of figures."""

    report: str
    audience: Audience
    rows: list[dict[str, Any]]


CSV_OR_JSON: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
    **ERROR_RESPONSES,
}


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


async def _respond(
    pool: Any, name: str, f: ReportFilter, settings: ReportingSettings, fmt: str, audience: str
) -> Response:
    rows = await service.build_report(pool, name, f, settings)
    if audience == "external":
        rows = service.external(name, rows, settings.small_count_threshold)
    if fmt == "csv":
        headers = {"Content-Disposition": f'attachment; filename="polku-{name}.csv"'}
        return Response(_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)
    return JSONResponse({"report": name, "audience": audience, "rows": rows})


@router.get("/reports/summary", response_model=dict[str, Any], responses=CSV_OR_JSON)
async def summary(
    pool: PoolDep, f: FilterDep, settings: ReportingDep, format: Format = "json",
    audience: AudienceQuery = "internal",
) -> Response:  # fmt: skip
    """The headline figures: participants registered, active cases, waiting list, outcomes."""
    if format != "json":
        return await _respond(pool, "summary", f, settings, format, audience)
    figures = await service.key_figures(pool, f, settings)
    if audience == "external":
        figures = suppress_summary(figures, settings.small_count_threshold)
    return JSONResponse(figures)


@router.get(
    "/reports/{name}.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}, **ERROR_RESPONSES},
)  # fmt: skip
async def report_csv(
    name: ReportName, pool: PoolDep, f: FilterDep, settings: ReportingDep,
    audience: AudienceQuery = "internal",
) -> Response:  # fmt: skip
    """Any report as CSV (audience=external suppresses groups under 5 as '<5')."""
    return await _respond(pool, name.value, f, settings, "csv", audience)


@router.get("/reports/{name}", response_model=ReportTable, responses=CSV_OR_JSON)
async def report(
    name: TableName, pool: PoolDep, f: FilterDep, settings: ReportingDep, format: Format = "json",
    audience: AudienceQuery = "internal",
) -> Response:  # fmt: skip
    """One named report: indicators, activities, placements, exits, caseloads, openings, ...

    Output ESF indicators count the participants who entered in the period, result indicators
    those who left in it; openings are not filtered by risk group (they are not people).
    """
    return await _respond(pool, name.value, f, settings, format, audience)


@router.get("/reports")
async def report_names() -> dict[str, list[str]]:
    """The names of every report."""
    return {"reports": sorted(service.REPORTS)}


@router.get("/dashboard", responses=ERROR_RESPONSES)
async def dashboard_data(pool: PoolDep, f: FilterDep, settings: ReportingDep) -> dict[str, Any]:
    """Everything the dashboard shows except pipeline health, from one snapshot."""
    return await service.dashboard_figures(pool, f, settings)


@router.get("/pipeline")
async def pipeline(runtime: RuntimeDep, settings: ReportingDep) -> dict[str, Any]:
    """Consumer lag and pending per stream and group, dead letters, outbox backlogs."""
    assert runtime.redis is not None
    return await pipeline_health(runtime.redis, runtime.db, runtime.settings, settings)


class DeclineRow(BaseModel):
    """How many matches organisations declined for one reason."""

    reason: DeclineCode
    declines: int


@router.get("/declines-by-reason", responses=ERROR_RESPONSES)
async def declines_by_reason(
    pool: PoolDep,
    start: Annotated[Day, Query(alias="from", description="first day of the period")] = None,
    end: Annotated[Day, Query(alias="to", description="last day of the period")] = None,
) -> list[DeclineRow]:
    """Matches declined in the period by the organisation's reason code, every code of the
    list in its order (zeros included); a decline from before the codes counts as `other`.
    Counts of matches, not of people: nothing is suppressed."""
    if start and end and start > end:
        raise _invalid("to", "the end of the period is before its start")
    async with pool.acquire() as conn:
        counts = await queries.declines_by_code(conn, start, end)
    return [DeclineRow.model_validate(r) for r in declines.declines_by_reason(counts)]

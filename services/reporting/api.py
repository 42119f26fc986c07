"""Reporting's HTTP API: the network's figures and ESF indicators, JSON or CSV."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from services.reporting import service
from services.reporting.domain.filters import InvalidFilter, ReportFilter, parse_filter
from services.reporting.domain.privacy import suppress_summary
from services.reporting.pipeline import pipeline_health
from services.reporting.settings import ReportingSettings
from shared.runtime import PoolDep, RuntimeDep

router = APIRouter(prefix="/v1", tags=["reporting"])


def get_reporting_settings(request: Request) -> ReportingSettings:
    """FastAPI dependency: reporting's own settings."""
    return request.app.state.reporting_settings  # type: ignore[no-any-return]


ReportingDep = Annotated[ReportingSettings, Depends(get_reporting_settings)]


def _invalid(field: str, reason: str) -> HTTPException:
    return HTTPException(422, detail=[{"field": field, "reason": reason}])


def report_filter(
    start: Annotated[str | None, Query(alias="from", description="first day, YYYY-MM-DD")] = None,
    end: Annotated[str | None, Query(alias="to", description="last day, YYYY-MM-DD")] = None,
    municipality: str | None = None,
    organisation: Annotated[str | None, Query(description="organisation id")] = None,
    risk_group: str | None = None,
) -> ReportFilter:
    """FastAPI dependency: the filters every figure takes, validated."""
    try:
        return parse_filter(
            start=start,
            end=end,
            municipality=municipality,
            organisation=organisation,
            risk_group=risk_group,
        )
    except InvalidFilter as exc:
        raise _invalid(exc.field, exc.reason) from None


FilterDep = Annotated[ReportFilter, Depends(report_filter)]


def _check_choice(field: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise _invalid(field, f"must be one of {', '.join(allowed)}")


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
    if name not in service.REPORTS:
        raise HTTPException(
            404, detail={"reason": "unknown_report", "message": f"no report named {name!r}"}
        )
    _check_choice("format", fmt, ("json", "csv"))
    _check_choice("audience", audience, ("internal", "external"))
    rows = await service.build_report(pool, name, f, settings)
    if audience == "external":
        rows = service.external(name, rows, settings.small_count_threshold)
    if fmt == "csv":
        headers = {"Content-Disposition": f'attachment; filename="polku-{name}.csv"'}
        return Response(_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)
    return JSONResponse({"report": name, "audience": audience, "rows": rows})


@router.get("/reports/summary")
async def summary(
    pool: PoolDep, f: FilterDep, settings: ReportingDep, format: str = "json",
    audience: str = "internal",
) -> Response:  # fmt: skip
    """The headline figures: participants registered, active cases, waiting list, outcomes."""
    if format != "json":
        return await _respond(pool, "summary", f, settings, format, audience)
    _check_choice("audience", audience, ("internal", "external"))
    figures = await service.key_figures(pool, f, settings)
    if audience == "external":
        figures = suppress_summary(figures, settings.small_count_threshold)
    return JSONResponse(figures)


@router.get("/reports/{name}.csv")
async def report_csv(
    name: str, pool: PoolDep, f: FilterDep, settings: ReportingDep, audience: str = "internal"
) -> Response:
    """Any report as CSV (audience=external suppresses groups under 5 as '<5')."""
    return await _respond(pool, name, f, settings, "csv", audience)


@router.get("/reports/{name}")
async def report(
    name: str, pool: PoolDep, f: FilterDep, settings: ReportingDep, format: str = "json",
    audience: str = "internal",
) -> Response:  # fmt: skip
    """One named report: indicators, activities, placements, exits, caseloads, openings, ..."""
    return await _respond(pool, name, f, settings, format, audience)


@router.get("/reports")
async def report_names() -> dict[str, list[str]]:
    """The names of every report."""
    return {"reports": sorted(service.REPORTS)}


@router.get("/dashboard")
async def dashboard_data(pool: PoolDep, f: FilterDep, settings: ReportingDep) -> dict[str, Any]:
    """Everything the dashboard shows except pipeline health, from one snapshot."""
    return await service.dashboard_figures(pool, f, settings)


@router.get("/pipeline")
async def pipeline(runtime: RuntimeDep, settings: ReportingDep) -> dict[str, Any]:
    """Consumer lag and pending per stream and group, dead letters, outbox backlogs."""
    assert runtime.redis is not None
    return await pipeline_health(runtime.redis, runtime.db, runtime.settings, settings)

"""Reporting's HTTP API: the network's figures and ESF indicators, JSON, CSV or XLSX; and the
ESF participant-level file."""

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
from pydantic import BeforeValidator, StringConstraints

from services.reporting import service
from services.reporting.domain import declines, picture
from services.reporting.domain import participant_file as esf_file
from services.reporting.domain.filters import InvalidFilter, ReportFilter, build_filter
from services.reporting.domain.privacy import suppress_summary
from services.reporting.domain.scope import READERS, OutOfScope, scoped
from services.reporting.errors import ERROR_RESPONSES
from services.reporting.pipeline import pipeline_health
from services.reporting.repository import queries
from services.reporting.schemas import (
    Audience,
    DeclineRow,
    ParticipantFile,
    ReportTable,
    WebDashboard,
)
from services.reporting.settings import ReportingSettings
from shared import audit, spreadsheet
from shared.auth import Allow, Principal
from shared.events.vocabulary import RiskGroup
from shared.openapi_errors import refusals
from shared.runtime import PoolDep, RuntimeDep

router = APIRouter(prefix="/v1", tags=["reporting"], dependencies=[Allow("operator", "admin")])
"""The dashboard's data and pipeline health: operators and admins (no personal data)."""
figures_router = APIRouter(prefix="/v1", tags=["reporting"])
"""Figures: the network's for operators and admins, a municipality's own participants', a
support organisation's own cases' (`domain/scope.py`)."""
Reader = Annotated[Principal, Allow(*READERS)]
SCOPE_REFUSALS = refusals({403: ["other_municipality", "other_organisation", "no_municipality"]})


async def get_reporting_settings(request: Request) -> ReportingSettings:
    """FastAPI dependency: reporting's own settings."""
    return request.app.state.reporting_settings  # type: ignore[no-any-return]


ReportingDep = Annotated[ReportingSettings, Depends(get_reporting_settings)]


def _invalid(field: str, reason: str) -> HTTPException:
    """422 in the shape of every invalid field (`shared.http_errors`): a rule broke, not a type."""
    return HTTPException(422, detail=[{"field": field, "reason": reason, "type": "value_error"}])


Format = Literal["json", "csv", "xlsx"]
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


async def scoped_filter(
    f: Annotated[ReportFilter, Depends(report_filter)], principal: Reader
) -> ReportFilter:
    """FastAPI dependency: the filters narrowed to the caller's own figures (403 for others')."""
    try:
        return scoped(
            f,
            role=principal.role,
            municipality=principal.municipality,
            organisation_id=principal.organisation_id,
        )
    except OutOfScope as exc:
        raise HTTPException(403, detail={"reason": exc.reason, "message": exc.message}) from None


FilterDep = Annotated[ReportFilter, Depends(scoped_filter)]
NetworkFilterDep = Annotated[ReportFilter, Depends(report_filter)]
"""The filters as given (operators' and admins' routes)."""


ReportName = StrEnum("ReportName", {n.replace("-", "_"): n for n in sorted(service.REPORTS)})  # type: ignore[misc]
"""The name of every report, for CSV exports."""
TableName = StrEnum(  # type: ignore[misc]
    "TableName", {n.replace("-", "_"): n for n in sorted(service.REPORTS) if n != "summary"}
)
"""The reports served as JSON tables (the summary has its own route)."""


XLSX_CONTENT = {spreadsheet.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}}
CSV_OR_JSON: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}, **XLSX_CONTENT}},
    **ERROR_RESPONSES,
    **SCOPE_REFUSALS,
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
    if fmt == "json":
        return JSONResponse({"report": name, "audience": audience, "rows": rows})
    return _download(f"polku-{name}", rows, fmt, list(rows[0]) if rows else [])


def _download(name: str, rows: list[dict[str, Any]], fmt: str, columns: list[str]) -> Response:
    """Rows as a CSV or a one-sheet workbook to save (the sheet named after the file)."""
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "csv":
        text = _csv(rows) if rows or not columns else spreadsheet.csv_text(columns, [])
        return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
    cells = [[row[c] for c in columns] for row in rows]
    book = spreadsheet.xlsx_bytes(columns, cells, title=name.removeprefix("polku-"))
    return Response(book, media_type=spreadsheet.XLSX_TYPE, headers=headers)


@figures_router.get("/reports/summary", response_model=dict[str, Any], responses=CSV_OR_JSON)
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


@figures_router.get(
    "/reports/{name}.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}, **ERROR_RESPONSES,
               **SCOPE_REFUSALS},
)  # fmt: skip
async def report_csv(
    name: ReportName, pool: PoolDep, f: FilterDep, settings: ReportingDep,
    audience: AudienceQuery = "internal",
) -> Response:  # fmt: skip
    """Any report as CSV (audience=external suppresses groups under 5 as '<5')."""
    return await _respond(pool, name.value, f, settings, "csv", audience)


@figures_router.get(
    "/reports/{name}.xlsx",
    response_class=Response,
    responses={200: {"content": XLSX_CONTENT}, **ERROR_RESPONSES, **SCOPE_REFUSALS},
)  # fmt: skip
async def report_xlsx(
    name: ReportName, pool: PoolDep, f: FilterDep, settings: ReportingDep,
    audience: AudienceQuery = "internal",
) -> Response:  # fmt: skip
    """Any report as a workbook of one sheet (the columns and rows of its JSON table)."""
    return await _respond(pool, name.value, f, settings, "xlsx", audience)


@router.get("/esf/participants", response_model=ParticipantFile, responses=CSV_OR_JSON)
async def participant_level_file(
    pool: PoolDep, f: FilterDep, settings: ReportingDep,
    principal: Annotated[Principal, Allow("operator", "admin")], format: Format = "json",
) -> Response:  # fmt: skip
    """The ESF participant-level file: a row per (pseudonymous) participant taking part in the
    period (entered by its end, not left before its start) with the common indicators' fields:
    sex, age band and labour-market status at entry, education, the disadvantage flags
    ('not_reported' when refused), entry and leaving dates, results on leaving and six months
    after. Every participant in it is written to the audit log."""
    rows = await service.participant_file(pool, f, settings)
    async with pool.acquire() as conn:
        await audit.record(conn, principal, "esf.participant_file",
                           [UUID(r["participant_id"]) for r in rows], list(esf_file.COLUMNS))  # fmt: skip
    if format == "json":
        body = {"columns": list(esf_file.COLUMNS), "rows": [esf_file.as_json(r) for r in rows]}
        return JSONResponse(body)
    return _download("polku-esf-participants", rows, format, list(esf_file.COLUMNS))


@figures_router.get("/reports/{name}", response_model=ReportTable, responses=CSV_OR_JSON)
async def report(
    name: TableName, pool: PoolDep, f: FilterDep, settings: ReportingDep, format: Format = "json",
    audience: AudienceQuery = "internal",
) -> Response:  # fmt: skip
    """One named report: indicators, activities, placements, exits, caseloads, openings, ...

    Output ESF indicators count the participants who entered in the period, result indicators
    those who left in it; openings are not filtered by risk group (they are not people).
    """
    return await _respond(pool, name.value, f, settings, format, audience)


@figures_router.get("/reports", dependencies=[Allow(*READERS)])
async def report_names() -> dict[str, list[str]]:
    """The names of every report."""
    return {"reports": sorted(service.REPORTS)}


@router.get("/dashboard", responses=ERROR_RESPONSES)
async def dashboard_data(
    pool: PoolDep, f: NetworkFilterDep, settings: ReportingDep
) -> dict[str, Any]:
    """Everything the dashboard shows except pipeline health, from one snapshot."""
    return await service.dashboard_figures(pool, f, settings)


Places = Annotated[
    list[Annotated[str, StringConstraints(min_length=1, pattern=r"^[^\x00]+$")]],
    Query(
        alias="municipality",
        max_length=picture.MAX_MUNICIPALITIES,
        description="a municipality, or several (a sub-region's): their figures added up;"
        " none: the whole network",
        openapi_examples={
            "network": {"summary": "the whole network", "value": []},
            "municipality": {"summary": "one municipality", "value": ["Rapla vald"]},
            "sub-region": {"summary": "a sub-region", "value": ["Rapla vald", "Kehtna vald"]},
        },
    ),
]
WEB_DASHBOARD_EXAMPLE = {
    "audience": "internal",
    "municipalities": ["Rapla vald"],
    "summary": {"participants_registered": 120, "active_cases": 80, "as_of": "2026-12-04"},
    "places": [{"municipality": "Rapla vald", "participants": 120, "open_seats": 6,
                "placements": 9}],
    "unemployment_structure": [{"municipality": "Rapla vald", "age_band": "25-29",
                                "months_unemployed": "12-23", "isced_level": "3",
                                "participants": 14}],
    "intermediate_labour_market": [{"organisation_kind": "association", "openings": 3,
                                    "seats": 15, "placements": 9, "open_seats": 6,
                                    "utilisation": 0.6}],
    "timeseries": [{"month": "2026-11", "registrations": 40, "placements_started": 7,
                    "employed_on_leaving": 3}],
    "caseloads": [{"support_worker_id": "0190a6f2-9c1e-7c52-8d07-3f5a2b1c4d5e", "cases": 31,
                   "capacity": 40, "utilisation": 0.775}],
}  # fmt: skip


@router.get(
    "/web-dashboard",
    response_model=WebDashboard,
    responses={200: {"content": {"application/json": {"example": WEB_DASHBOARD_EXAMPLE}}},
               **ERROR_RESPONSES},
)  # fmt: skip
async def web_dashboard(
    pool: PoolDep, settings: ReportingDep, municipalities: Places = [],  # noqa: B006
    audience: AudienceQuery = "internal",
) -> Response:  # fmt: skip
    """The web front's operator dashboard in one call, from one consistent view of the figure
    store: the network's key figures (as `/v1/reports/summary`), and `places`,
    `unemployment-structure`, `intermediate-labour-market`, `timeseries` and `caseloads` of
    the network, of a municipality, or of several (a sub-region: the network's rows of those
    municipalities; the others each one's report added up), every row as the report gives it.
    audience=external: groups under 5 people shown as '<5', as in the reports."""
    body = await service.web_dashboard(pool, list(municipalities), settings, audience)
    return JSONResponse(body)  # as built: thousands of rows, no second pass through the model


@router.get("/pipeline")
async def pipeline(runtime: RuntimeDep, settings: ReportingDep) -> dict[str, Any]:
    """Consumer lag and pending per stream and group, dead letters, outbox backlogs."""
    assert runtime.redis is not None
    return await pipeline_health(runtime.redis, runtime.db, runtime.settings, settings)


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

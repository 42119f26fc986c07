"""The operator's dashboard: the network's key figures and pipeline health, the map of the
region, the structure of unemployment, the intermediate labour market, the months and the
caseloads, each chart with its table and the table's CSV and XLSX, signed in."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal
from urllib.parse import urlencode
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.web import charts, region, repository
from services.web import operator_views as views
from services.web.backend import Services
from services.web.i18n import N_
from services.web.pages.common import error_page, page, pool_of, services_of
from services.web.sessions import signed_in
from shared import spreadsheet

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
MONTHLY = (N_("Registrations"), N_("Placements started"), N_("Employed on leaving"))
MONTHLY_KEYS = ("registrations", "placements_started", "employed_on_leaving")
USE = (N_("Seats"), N_("Placements going on"), N_("Open seats"))
USE_KEYS = ("seats", "placements", "open_seats")
DOWNLOADS = frozenset({"places", "unemployment-structure", "intermediate-labour-market",
                       "timeseries"})  # fmt: skip
Place = Annotated[str, Query(max_length=100)]


def _backlog(pipeline: dict[str, Any]) -> list[tuple[str, Any]]:
    return sorted((pipeline.get("outbox_backlog") or {}).items())


async def _picture(
    services: Services, person: asyncpg.Record, names: list[str], pick: bool
) -> dict[str, Any]:  # fmt: skip
    """Reporting's key figures and tables of the chosen municipalities (`pick`: a
    municipality or sub-region; else the network), in one call."""
    params = [("municipality", m) for m in names] if pick else []
    return await services.call(  # type: ignore[no-any-return]
        person, "reporting", "GET", "/v1/web-dashboard", params=params
    )


def _figures(summary: dict[str, Any], pipeline: dict[str, Any]) -> dict[str, Any]:
    return {
        "figures": [(key, label, summary.get(key)) for key, label in FIGURES],
        "streams": pipeline.get("streams", []),
        "dead_letters": pipeline.get("dead_letters"),
        "backlog": _backlog(pipeline),
    }


def _drawn(
    places: tuple[region.Place, ...], names: list[str], placed: list[dict[str, Any]],
    structure: list[dict[str, Any]], use: list[dict[str, Any]], months: list[dict[str, Any]],
    loads: list[dict[str, Any]], workers: dict[str, str],
) -> dict[str, Any]:  # fmt: skip
    markers, lines = views.map_view(placed, places, names)
    dims = {d: views.totals_by(structure, d) for d in
            ("municipality", "age_band", "months_unemployed", "isced_level")}  # fmt: skip
    return {
        "map": {"markers": markers, "lines": lines, "width": views.MAP_WIDTH,
                "height": views.MAP_HEIGHT, "rows": placed},
        "structure": structure,
        "structure_rows": lambda not_known: views.structure_rows(structure, not_known),
        "structure_charts": {
            d: charts.horizontal_bars([v for v, _ in sums], [[n] for _, n in sums])
            for d, sums in dims.items()
        },
        "dims": dims,
        "use": use,
        "use_chart": charts.horizontal_bars([r["organisation_kind"] for r in use],
                                            [[r[k] for k in USE_KEYS] for r in use]),
        "months": months,
        "months_chart": charts.grouped_bars([r["month"] for r in months],
                                            [[r[k] for k in MONTHLY_KEYS] for r in months]),
        "loads": loads,
        "loads_chart": charts.caseload_bars(
            [(views.worker_label(r["support_worker_id"], workers), r["cases"], r["capacity"])
             for r in loads]
        ),
    }  # fmt: skip


@router.get("/dashboard")
async def dashboard(
    request: Request, person: Operator, municipality: Place = "", sub_region: Place = ""
) -> Response:
    """Today's figures (htmx refreshes the figures every 30 seconds) and the picture of the
    region, of one municipality or of one sub-region."""
    services = services_of(request)
    places = region.load_places()
    municipality = municipality if municipality in region.centres(places) else ""
    sub_region = sub_region if sub_region in region.sub_regions(places) else ""
    names = views.chosen(places, municipality, sub_region)
    picked = bool(municipality or sub_region)
    if request.headers.get("hx-request"):  # the figures only: the network's, not the picture
        summary, pipeline = await asyncio.gather(
            services.call(person, "reporting", "GET", "/v1/reports/summary"),
            services.call(person, "reporting", "GET", "/v1/pipeline"),
        )
        return page(request, "dashboard_figures.html", **_figures(summary, pipeline))
    got, pipeline = await asyncio.gather(  # at once: the page waits for the slower only
        _picture(services, person, names, picked),
        services.call(person, "reporting", "GET", "/v1/pipeline"),
    )
    figures = _figures(got["summary"], pipeline)
    loads = got["caseloads"]
    async with pool_of(request).acquire() as conn:
        ids = [UUID(r["support_worker_id"]) for r in loads]
        workers = await repository.worker_names(conn, ids)
    picture = _drawn(places, names, got["places"], got["unemployment_structure"],
                     got["intermediate_labour_market"], got["timeseries"], loads, workers)  # fmt: skip
    return page(
        request, "dashboard.html", **figures, **picture, municipality=municipality,
        sub_region=sub_region, municipalities=sorted(region.centres(places)),
        sub_regions=sorted(region.sub_regions(places)), monthly=MONTHLY, use_series=USE,
        series=charts.SERIES_CLASSES, loads_size=(charts.CASELOAD_WIDTH, charts.CASELOAD_LEFT),
    )  # fmt: skip


@router.get("/dashboard/reports/{name}.{fmt}")
async def download(
    request: Request, person: Operator, name: str, fmt: Literal["csv", "xlsx"],
    municipality: Place = "", audience: Literal["internal", "external"] = "internal",
) -> Response:  # fmt: skip
    """A table of the dashboard as reporting serves it, CSV or XLSX (audience=external: groups
    under 5 people as '<5', for sharing outside the network); the caseloads with each
    worker's name as the page shows it (internal only), and the pipeline's streams."""
    if name not in DOWNLOADS and name not in MADE_HERE:
        return error_page(request, "not_found", 404)
    params: dict[str, str] = {"audience": audience}
    if municipality in region.centres(region.load_places()):
        params["municipality"] = municipality
    if name in MADE_HERE:
        return await _made_here(request, person, name, fmt, params)
    path = f"/v1/reports/{name}.{fmt}?{urlencode(params)}"
    got = await services_of(request).download(person, "reporting", path)
    headers = {"Content-Disposition": got.headers.get("content-disposition", "attachment")}
    return Response(got.content, media_type=got.headers["content-type"], headers=headers)


MADE_HERE = frozenset({"caseloads", "pipeline"})
"""Tables the web front writes itself: what it adds (workers' names) or reporting serves
only as JSON (the pipeline's streams)."""


async def _made_here(
    request: Request, person: asyncpg.Record, name: str, fmt: str, params: dict[str, str]
) -> Response:
    services = services_of(request)
    if name == "pipeline":
        columns, cells = views.pipeline_download(
            await services.call(person, "reporting", "GET", "/v1/pipeline")
        )
    else:
        answer = await services.call(
            person, "reporting", "GET", "/v1/reports/caseloads", params=params
        )
        names: dict[str, str] = {}
        if params["audience"] == "internal":
            ids = []
            for r in answer["rows"]:
                try:
                    ids.append(UUID(str(r["support_worker_id"])))
                except ValueError:
                    continue
            async with pool_of(request).acquire() as conn:
                names = await repository.worker_names(conn, ids)
        columns, cells = views.caseload_download(answer["rows"], names)
    headers = {"Content-Disposition": f'attachment; filename="polku-{name}.{fmt}"'}
    if fmt == "csv":
        text = spreadsheet.csv_text(columns, cells)
        return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
    book = spreadsheet.xlsx_bytes(columns, cells, title=name)
    return Response(book, media_type=spreadsheet.XLSX_TYPE, headers=headers)

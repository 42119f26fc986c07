"""A workshop's (or employer's) placements: the ones at the organisation and, for a central
workshop, at its satellites; a week's grid of hours and attendance for all of them in one
form; the end of a placement with its outcome."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from services.web.backend import ServiceError
from services.web.pages.common import page, services_of
from services.web.sessions import signed_in
from services.web.worker_forms import refused_cells, week_of
from services.web.workshop_forms import PLACEMENT_OUTCOMES, cell, end_body, parse_grid

router = APIRouter()
Staff = Annotated[asyncpg.Record, signed_in("workshop", "employer")]
DONE = ("saved", "ended")


def _org(person: asyncpg.Record) -> str:
    return str(person["organisation_id"])


async def _placements(
    request: Request, person: asyncpg.Record, monday: date, status: str
) -> list[dict[str, Any]]:
    params = {"status": status, "week": monday.isoformat(), "limit": 200}
    found = await services_of(request).call(
        person, "caseplan", "GET", f"/v1/organisations/{_org(person)}/placements", params=params
    )
    return list(found["items"])


async def _first_names(
    request: Request, person: asyncpg.Record, lines: list[dict[str, Any]]
) -> dict[str, str]:
    """Participant id -> given name, read from intake with each started placement's receipt
    (intake answers only for those who agreed to employer contact; none when it is down)."""
    asks = [{"participant_id": p["participant_id"], "placement_receipt": p["placement_receipt"]}
            for p in lines if p.get("placement_receipt")]  # fmt: skip
    if not asks:
        return {}
    try:
        found = await services_of(request).call(
            person, "intake", "POST", "/v1/participants/names", json={"participants": asks}
        )
    except ServiceError:
        return {}
    return {n["participant_id"]: n["given_name"] for n in found}


async def _page(
    request: Request, person: asyncpg.Record, monday: date, status: int = 200, **extra: Any
) -> Response:
    active = await _placements(request, person, monday, "active")
    ended = await _placements(request, person, monday, "ended")
    names = await _first_names(request, person, active + ended)
    done = request.query_params.get("done")
    context: dict[str, Any] = {"errors": {}, "values": {}, "end_errors": {},
                               "done": done if done in DONE else None}  # fmt: skip
    context.update(extra)
    return page(
        request, "placements.html", status, own=[p for p in active if p["own"]],
        satellites=[p for p in active if not p["own"]], ended=ended, names=names,
        week=week_of(monday), previous=monday - timedelta(days=7), next=monday + timedelta(days=7),
        this_week=week_of(date.today())[0], outcomes=PLACEMENT_OUTCOMES, cell=cell, **context,
    )  # fmt: skip


def _monday(text: str | None) -> date:
    try:
        return week_of(date.fromisoformat(text or ""))[0]
    except ValueError:
        return week_of(date.today())[0]


@router.get("/placements")
async def placements(request: Request, person: Staff, week: str | None = None) -> Response:
    """My placements: the week's grid of my own, my satellite workshops' to read, the ended."""
    return await _page(request, person, _monday(week))


def _back(monday: date, done: str) -> RedirectResponse:
    return RedirectResponse(f"/placements?week={monday.isoformat()}&done={done}", status_code=303)


@router.post("/placements/week")
async def save_week(request: Request, person: Staff) -> Response:
    """The week's hours of every placement as one timesheet (whole or nothing: each refused
    row's reason beside its cell), then the attendance that changed."""
    form = dict((await request.form()).multi_items())
    monday = _monday(str(form.get("monday") or ""))
    days = week_of(monday)
    lines = await _placements(request, person, monday, "active")
    grid = parse_grid(form, lines, days, date.today())
    if grid.errors:
        return await _page(request, person, monday, 422, errors=grid.errors, values=form)
    services = services_of(request)
    if grid.rows:
        try:
            await services.call(person, "caseplan", "POST", "/v1/placement-timesheets",
                                json={"organisation_id": _org(person), "rows": grid.rows})  # fmt: skip
        except ServiceError as exc:
            if exc.status not in (403, 404, 409, 422):
                raise
            errors = refused_cells(exc.rows, grid.cells, exc.reason)
            return await _page(request, person, monday, 422, errors=errors, values=form)
    refused: dict[str, str] = {}
    for placement_id, day, present, where in grid.attendance:
        body = {"organisation_id": _org(person), "attended_on": day.isoformat(),
                "present": present}  # fmt: skip
        try:
            await services.call(
                person, "caseplan", "POST", f"/v1/placements/{placement_id}/attendance", json=body
            )
        except ServiceError as exc:
            if exc.status not in (403, 404, 409, 422):
                raise
            refused[where] = exc.reason
    if refused:  # the hours are saved; the refused attendance stays in the form
        kept = {k: v for k, v in form.items() if k in refused}
        return await _page(request, person, monday, 422, errors=refused, values=kept,
                           done="saved")  # fmt: skip
    return _back(monday, "saved")


@router.post("/placements/{placement_id}/end")
async def end_placement(request: Request, person: Staff, placement_id: UUID) -> Response:
    """End a placement with its outcome (and whether the participant is ready again)."""
    form = dict((await request.form()).multi_items())
    monday = _monday(str(form.get("monday") or ""))
    body, error = end_body(form, _org(person))
    key = str(placement_id)
    if error is None:
        try:
            await services_of(request).call(
                person, "caseplan", "POST", f"/v1/placements/{placement_id}/end", json=body
            )
            return _back(monday, "ended")
        except ServiceError as exc:
            if exc.status not in (403, 404, 409, 422):
                raise
            error = exc.reason if exc.reason != "invalid_fields" else "value_error"
    return await _page(request, person, monday, 422, end_errors={key: error},
                       values={f"end-{key}-{k}": v for k, v in form.items()})  # fmt: skip

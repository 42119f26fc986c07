"""A workshop's (or employer's) placements: the ones at the organisation and, for a central
workshop, at its satellites, the going-on and the ended each 50 a page; a week's grid of hours
and attendance for the own placements of the page shown, in one form; the end of a placement
with its outcome."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from services.web.backend import ServiceError
from services.web.pages.common import PAGE, cursor, one_page, page, services_of
from services.web.sessions import signed_in
from services.web.worker_forms import refused_cells, week_of
from services.web.workshop_forms import PLACEMENT_OUTCOMES, cell, end_body, parse_grid

router = APIRouter()
Staff = Annotated[asyncpg.Record, signed_in("workshop", "employer")]
DONE = ("saved", "ended")


def _org(person: asyncpg.Record) -> str:
    return str(person["organisation_id"])


CURSORS = {"active": "before", "ended": "ended_before"}
"""The query names of where each list's page starts."""
MOST = 200
"""The most placements one call asks caseplan for."""


async def _placements(
    request: Request,
    person: asyncpg.Record,
    monday: date,
    status: str,
    before: UUID | None = None,
    limit: int = PAGE + 1,
) -> dict[str, Any]:
    params: dict[str, Any] = {"status": status, "week": monday.isoformat(), "limit": limit} | (
        {"before": str(before)} if before else {}
    )
    found: dict[str, Any] = await services_of(request).call(
        person, "caseplan", "GET", f"/v1/organisations/{_org(person)}/placements", params=params
    )
    return found


async def _active_among(
    request: Request, person: asyncpg.Record, monday: date, wanted: set[str]
) -> list[dict[str, Any]]:
    """The active placements with these ids (the ones a form was shown for, whichever page it
    was), read a page of caseplan's at a time until all are found or none is left."""
    lines: list[dict[str, Any]] = []
    before: UUID | None = None
    while wanted:
        found = await _placements(request, person, monday, "active", before, MOST)
        for p in found["items"]:
            if str(p["placement_id"]) in wanted:
                lines.append(p)
                wanted.discard(str(p["placement_id"]))
        if not found["next_before"]:
            break
        before = UUID(str(found["next_before"]))
    return lines


def _here(request: Request) -> dict[str, str]:
    """Where each list's page starts, as the query keeps it."""
    return {name: str(v) for name in CURSORS.values() if (v := cursor(request, name))}


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
    here = _here(request)
    active, next_active = one_page(
        (await _placements(request, person, monday, "active", cursor(request, "before")))["items"],
        "placement_id",
    )
    ended, next_ended = one_page((await _placements(
        request, person, monday, "ended", cursor(request, "ended_before")))["items"],
        "placement_id")  # fmt: skip
    names = await _first_names(request, person, active + ended)
    done = request.query_params.get("done")
    context: dict[str, Any] = {"errors": {}, "values": {}, "end_errors": {},
                               "done": done if done in DONE else None}  # fmt: skip
    context.update(extra)
    week = {"week": monday.isoformat()}
    return page(
        request, "placements.html", status, own=[p for p in active if p["own"]],
        satellites=[p for p in active if not p["own"]], ended=ended, names=names,
        week=week_of(monday), previous=monday - timedelta(days=7), next=monday + timedelta(days=7),
        this_week=week_of(date.today())[0], outcomes=PLACEMENT_OUTCOMES, cell=cell,
        here=urlencode(here), paged=bool(here) or next_active is not None,
        next_active=urlencode(week | here | {"before": next_active}) if next_active else None,
        next_ended=urlencode(week | here | {"ended_before": next_ended}) if next_ended else None,
        first_page=urlencode(week) if here else None, **context,
    )  # fmt: skip


def _monday(text: str | None) -> date:
    try:
        return week_of(date.fromisoformat(text or ""))[0]
    except ValueError:
        return week_of(date.today())[0]


@router.get("/placements")
async def placements(request: Request, person: Staff, week: str | None = None) -> Response:
    """My placements: the week's grid of my own, my satellite workshops' to read, the ended;
    the going-on and the ended each 50 a page (`before`, `ended_before`: where its page
    starts), the week kept while paging."""
    return await _page(request, person, _monday(week))


def _back(request: Request, monday: date, done: str) -> RedirectResponse:
    """Back to the week and the pages the form came from, saying it was done."""
    query = urlencode({"week": monday.isoformat()} | _here(request) | {"done": done})
    return RedirectResponse(f"/placements?{query}", status_code=303)


@router.post("/placements/week")
async def save_week(request: Request, person: Staff) -> Response:
    """The week's hours of the placements the form shows (the page's) as one timesheet (whole
    or nothing: each refused row's reason beside its cell), then the attendance that changed."""
    form = dict((await request.form()).multi_items())
    monday = _monday(str(form.get("monday") or ""))
    days = week_of(monday)
    shown = {str(v) for k, v in form.items() if k.startswith("placement-")}
    lines = await _active_among(request, person, monday, shown)
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
    return _back(request, monday, "saved")


@router.post("/placements/{placement_id}/end")
async def end_placement(request: Request, person: Staff, placement_id: UUID) -> Response:
    """End a placement with its outcome (and whether the participant is ready again)."""
    form = dict((await request.form()).multi_items())
    monday = _monday(str(form.get("monday") or ""))
    key = str(placement_id)
    found = await _active_among(request, person, monday, {key})
    starts = date.fromisoformat(str(found[0]["starts_on"])) if found else None
    body, errors = end_body(form, _org(person), starts, date.today())
    if not errors:
        try:
            await services_of(request).call(
                person, "caseplan", "POST", f"/v1/placements/{placement_id}/end", json=body
            )
            return _back(request, monday, "ended")
        except ServiceError as exc:
            if exc.status not in (403, 404, 409, 422):
                raise
            reason = exc.reason if exc.reason != "invalid_fields" else "value_error"
            errors = {"ended_on" if reason == "ends_before_start" else "form": reason}
    return await _page(request, person, monday, 422, end_errors={key: errors},
                       values={f"end-{key}-{k}": v for k, v in form.items()})  # fmt: skip

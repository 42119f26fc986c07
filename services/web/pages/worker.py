"""The support worker: the waiting list, a case plan, a week of hours, ready, exit."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from services.web.backend import ServiceError
from services.web.pages.common import page, services_of
from services.web.sessions import signed_in
from services.web.worker_forms import (
    EXIT_OUTCOMES,
    FOLLOW_UP_OUTCOMES,
    OPENING_KINDS,
    chosen_kinds,
    parse_week,
    refused_cells,
    week_of,
)
from services.web.worker_words import CONSTRAINTS, DECLINE_CODES, NEXT_STEPS, STANDINGS

router = APIRouter()
Worker = Annotated[asyncpg.Record, signed_in("support_worker", "admin")]


CASE_STATUSES = ("open", "closed")


CURSOR = re.compile(r"^[0-9a-fA-F.-]{1,60}$")
"""What a page cursor of caseplan's lists looks like (caseplan checks it in full)."""
LIST_CURSORS = ("wafter", "wbefore", "fafter", "fbefore")
"""The waiting list's and the follow-ups' cursors in the page's address."""


@router.get("/cases")
async def cases(
    request: Request, person: Worker, status: str = "open", after: UUID | None = None
) -> Response:
    """My organisation's cases by name with their next steps, the waiting list where the
    organisation works (by name, a page at a time), and follow-ups due (a page at a time)."""
    services = services_of(request)
    status = status if status in CASE_STATUSES else "open"
    params: dict[str, Any] = {"status": status, "limit": 50} | (
        {"after": str(after)} if after else {}
    )
    here = {k: v for k in LIST_CURSORS if CURSOR.match(v := request.query_params.get(k, ""))}
    held = await services.call(person, "caseplan", "GET", "/v1/case-plans", params=params)
    waiting = await services.call(
        person, "caseplan", "GET", "/v1/waiting-list", params=_page_of(here, "w")
    )
    due = await services.call(
        person, "caseplan", "GET", "/v1/follow-ups/due", params=_page_of(here, "f")
    )
    names = await _names(request, person, held["items"] + waiting["items"] + due["items"])
    keep = {"status": status} | ({"after": str(after)} if after else {}) | here
    links = {
        "waiting_next": _link(keep, "w", "after", waiting["next_after"]),
        "waiting_prev": _link(keep, "w", "before", waiting["prev_before"]),
        "due_next": _link(keep, "f", "after", due["next_after"]),
        "due_prev": _link(keep, "f", "before", due["prev_before"]),
    }
    return page(request, "cases.html", held=held, names=names, shown=status,
                waiting=waiting["items"], due=due["items"], links=links,
                next_steps=NEXT_STEPS)  # fmt: skip


def _page_of(here: dict[str, str], prefix: str) -> dict[str, Any]:
    """Caseplan's page parameters of one list from the page's address (`w`: waiting, `f`:
    follow-ups): after a cursor, or before one, 50 a page."""
    out: dict[str, Any] = {"limit": 50}
    if f"{prefix}after" in here:
        return out | {"after": here[f"{prefix}after"]}
    if f"{prefix}before" in here:
        return out | {"before": here[f"{prefix}before"]}
    return out


def _link(keep: dict[str, str], prefix: str, way: str, cursor: str | None) -> str | None:
    """The address of this page with one list moved on (or back) to `cursor`; the other
    lists stay where they are."""
    if cursor is None:
        return None
    moved = {k: v for k, v in keep.items() if not k.startswith(prefix)}
    return "/cases?" + urlencode(moved | {f"{prefix}{way}": cursor})


async def _names(
    request: Request, person: asyncpg.Record, lines: list[dict[str, Any]]
) -> dict[str, str]:
    """Participant id -> name, read from intake with each line's receipt: a case's case
    receipt, a waiting person's waiting receipt (none when intake refuses or is down: the
    page names people by their id then)."""
    asks: dict[str, dict[str, Any]] = {}
    for line in lines:
        ask = asks.setdefault(line["participant_id"], {"participant_id": line["participant_id"]})
        for receipt in ("case_receipt", "waiting_receipt"):
            if line.get(receipt):
                ask[receipt] = line[receipt]
    if not asks:
        return {}
    try:
        found = await services_of(request).call(
            person, "intake", "POST", "/v1/participants/names",
            json={"participants": list(asks.values())[:200]},
        )  # fmt: skip
    except ServiceError:
        return {}
    return {n["participant_id"]: f"{n['given_name']} {n['family_name']}" for n in found}


@router.get("/cases/")
async def open_case(request: Request, person: Worker, participant_id: str = "") -> Response:
    """Go to a case by its participant id (until caseplan can list a worker's cases)."""
    try:
        return RedirectResponse(f"/cases/{UUID(participant_id.strip())}", status_code=303)
    except ValueError:
        return page(request, "error.html", 404, code="case_plan_not_found")


async def _plan_page(
    request: Request, person: asyncpg.Record, participant_id: UUID, status: int = 200, **extra: Any
) -> Response:
    plan = await services_of(request).call(
        person, "caseplan", "GET", f"/v1/participants/{participant_id}/case-plan"
    )
    matched = await _proposals(request, person, participant_id)
    week = extra.pop("week", None) or week_of(date.today())
    context: dict[str, Any] = {"errors": {}, "done": request.query_params.get("done"),
                               "error": None, "values": {}}  # fmt: skip
    context.update(extra)
    return page(
        request, "case_plan.html", status, plan=plan, week=week, kinds=OPENING_KINDS,
        outcomes=EXIT_OUTCOMES, follow_ups=FOLLOW_UP_OUTCOMES, matched=matched,
        declines=DECLINE_CODES, constraints=CONSTRAINTS, standings=STANDINGS, **context,
    )  # fmt: skip


async def _proposals(request: Request, person: asyncpg.Record, participant_id: UUID) -> Any:
    """Matching's proposals of the case and why there is none; `{"outside": True}` when
    matching does not know the participant as this organisation's case (not yet ready, or
    no consent to matching), None when it is down."""
    path = f"/v1/participants/{participant_id}/proposals"
    try:
        return await services_of(request).call(person, "matching", "GET", path)
    except ServiceError as exc:
        return {"outside": True} if exc.status == 404 else None


@router.get("/cases/{participant_id}")
async def case_plan(request: Request, person: Worker, participant_id: UUID) -> Response:
    """The case plan: goals, activities and their hours, placements, what is next."""
    return await _plan_page(request, person, participant_id)


def _back(participant_id: UUID, done: str) -> RedirectResponse:
    return RedirectResponse(f"/cases/{participant_id}?done={done}", status_code=303)


@router.post("/cases/{participant_id}/goals")
async def add_goal(
    request: Request, person: Worker, participant_id: UUID,
    title: Annotated[str, Form(max_length=300)] = "",
) -> Response:  # fmt: skip
    """Set a goal."""
    if not title.strip():
        return await _plan_page(request, person, participant_id, 422, error="missing")
    plan = await services_of(request).call(
        person, "caseplan", "GET", f"/v1/participants/{participant_id}/case-plan"
    )
    path = f"/v1/case-plans/{plan['case_plan_id']}/goals"
    await services_of(request).call(person, "caseplan", "POST", path, json={"title": title.strip()})
    return _back(participant_id, "goal")


@router.post("/cases/{participant_id}/activities")
async def add_activity(
    request: Request, person: Worker, participant_id: UUID,
    activity_type: Annotated[str, Form(max_length=40)],
) -> Response:  # fmt: skip
    """Add an activity in progress (work practice, training, ...)."""
    plan = await services_of(request).call(
        person, "caseplan", "GET", f"/v1/participants/{participant_id}/case-plan"
    )
    body = {
        "activity_type": activity_type,
        "status": "in_progress",
        "starts_on": date.today().isoformat(),
    }
    await services_of(request).call(
        person, "caseplan", "POST", f"/v1/case-plans/{plan['case_plan_id']}/activities", json=body
    )
    return _back(participant_id, "activity")


@router.post("/cases/{participant_id}/activities/{activity_id}/week")
async def log_week(
    request: Request, person: Worker, participant_id: UUID, activity_id: UUID,
    monday: Annotated[date, Form()],
) -> Response:  # fmt: skip
    """A week's hours in one form, sent as one atomic timesheet: a refused week stores
    nothing, and each refused day's error shows beside its cell."""
    days = week_of(monday)
    form = dict((await request.form()).multi_items())
    hours, errors = parse_week(form, days)
    if errors:
        return await _plan_page(request, person, participant_id, 422, errors=errors, values=form,
                                week=days)  # fmt: skip
    if not hours:
        return _back(participant_id, "hours")
    plan = await services_of(request).call(
        person, "caseplan", "GET", f"/v1/participants/{participant_id}/case-plan"
    )
    rows = [{"case_plan_id": plan["case_plan_id"], "activity_id": str(activity_id),
             "worked_on": day.isoformat(), "hours": str(value)} for day, value in hours]  # fmt: skip
    try:
        await services_of(request).call(
            person, "caseplan", "POST", "/v1/timesheets", json={"rows": rows}
        )
    except ServiceError as exc:
        if exc.status not in (409, 422):
            raise
        cells = [f"h-{day.isoformat()}" for day, _ in hours]
        return await _plan_page(request, person, participant_id, 422,
                                errors=refused_cells(exc.rows, cells, exc.reason), values=form,
                                week=days)  # fmt: skip
    return _back(participant_id, "hours")


@router.post("/cases/{participant_id}/ready")
async def mark_ready(request: Request, person: Worker, participant_id: UUID) -> Response:
    """Mark the person ready for matching, for the kinds of placement ticked."""
    kinds = chosen_kinds((await request.form()).getlist("kinds"))  # type: ignore[arg-type]
    if not kinds:
        return await _plan_page(request, person, participant_id, 422, error="choose_kinds")
    await services_of(request).call(
        person, "caseplan", "POST", f"/v1/participants/{participant_id}/ready-for-matching",
        json={"opening_kinds": kinds},
    )  # fmt: skip
    return _back(participant_id, "ready")


@router.post("/cases/{participant_id}/exit")
async def record_exit(
    request: Request, person: Worker, participant_id: UUID,
    outcome: Annotated[str, Form(max_length=40)],
) -> Response:  # fmt: skip
    """Record the exit: the case closes and the follow-up falls due six months later."""
    if outcome not in EXIT_OUTCOMES:
        return await _plan_page(request, person, participant_id, 422, error="enum")
    await services_of(request).call(
        person, "caseplan", "POST", f"/v1/participants/{participant_id}/exit",
        json={"outcome": outcome},
    )  # fmt: skip
    return _back(participant_id, "exited")


@router.post("/cases/{participant_id}/follow-up")
async def record_follow_up(
    request: Request, person: Worker, participant_id: UUID,
    outcome: Annotated[str, Form(max_length=40)],
) -> Response:  # fmt: skip
    """Record the situation six months after leaving (or that the person was not reached)."""
    if outcome not in FOLLOW_UP_OUTCOMES:
        return await _plan_page(request, person, participant_id, 422, error="enum")
    try:
        await services_of(request).call(
            person, "caseplan", "POST", f"/v1/participants/{participant_id}/follow-up",
            json={"outcome": outcome},
        )  # fmt: skip
    except ServiceError as exc:
        if exc.status not in (409, 422):
            raise
        return await _plan_page(request, person, participant_id, exc.status, error=exc.reason)
    return _back(participant_id, "followed_up")

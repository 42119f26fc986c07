"""An employer's or workshop's people: the inbox of proposals (accept, or decline with a coded
reason), the organisation's openings (list, post, edit, pause) and its webhook."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from services.web import region
from services.web.backend import ServiceError
from services.web.employer_forms import (
    BLANK_STOPS,
    DECLINE_CODES,
    decline_body,
    opening_fields,
    opening_values,
    place_choices,
    schedule_fields,
    schedule_rows,
    schedule_values,
    stop_rows,
)
from services.web.pages.common import PAGE, cursor, one_page, page, services_of
from services.web.sessions import signed_in
from services.web.worker_forms import OPENING_KINDS
from services.web.worker_words import DECLINE_CODES as DECLINE_WORDS

router = APIRouter()
Employer = Annotated[asyncpg.Record, signed_in("employer", "workshop")]
DONE = ("accepted", "declined", "posted", "saved", "webhook_set", "webhook_off")


def _org(person: asyncpg.Record) -> str:
    return str(person["organisation_id"])


REASON_FIELD = {"seats_below_accepted": "seats"}
"""Matching's refusals that belong beside one field."""


def _errors_of(exc: ServiceError) -> dict[str, dict[str, str]]:
    """Matching's field errors under the form's names (a whole-body rule under its reason)."""
    if exc.reason in REASON_FIELD:
        return {REASON_FIELD[exc.reason]: {"field": REASON_FIELD[exc.reason], "type": exc.reason}}
    found: dict[str, dict[str, str]] = {}
    for error in exc.fields:
        name = error["field"].removeprefix("body.") or "form"
        found.setdefault(name, error)
    return found or {"form": {"field": "form", "type": exc.reason}}


# -- the inbox -------------------------------------------------------------------------------
ANSWERED = ["accepted", "declined", "expired", "withdrawn"]


async def _one_page(
    request: Request, person: asyncpg.Record, statuses: list[str], after: UUID | None
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the organisation's matches of these statuses from after `after`, and the
    cursor of the next page (None: this is the last)."""
    params: dict[str, Any] = {"status": statuses, "limit": PAGE + 1} | (
        {"after": str(after)} if after else {}
    )
    found = await services_of(request).call(
        person, "matching", "GET", f"/v1/organisations/{_org(person)}/matches", params=params
    )
    return one_page(found, "match_id")


async def _inbox(
    request: Request, person: asyncpg.Record, status: int = 200, **extra: Any
) -> Response:
    after, answered_after = cursor(request, "after"), cursor(request, "answered_after")
    (live, next_live), (decided, next_decided) = await asyncio.gather(
        _one_page(request, person, ["proposed"], after),
        _one_page(request, person, ANSWERED, answered_after),
    )
    first_names = await _first_names(request, person, decided)
    done = request.query_params.get("done")
    here = {k: str(v) for k, v in (("after", after), ("answered_after", answered_after)) if v}
    context: dict[str, Any] = {"errors": {}, "failed": None, "values": {},
                               "done": done if done in DONE else None}  # fmt: skip
    context.update(extra)
    return page(request, "inbox.html", status, live=live, decided=decided, codes=DECLINE_CODES,
                declines=DECLINE_WORDS, first_names=first_names, here=urlencode(here),
                next_live=urlencode(here | {"after": next_live}) if next_live else None,
                next_decided=(urlencode(here | {"answered_after": next_decided})
                              if next_decided else None),
                first_page=bool(here), **context)  # fmt: skip


async def _first_names(
    request: Request, person: asyncpg.Record, decided: list[dict[str, Any]]
) -> dict[str, str]:
    """Match id -> the given name of each participant the organisation accepted, read from
    intake with matching's placement receipt (intake answers only those who agreed to employer
    contact; none when intake refuses or is down)."""
    placed = {m["participant_id"]: m["match_id"] for m in decided if m.get("placement_receipt")}
    if not placed:
        return {}
    asks = [{"participant_id": m["participant_id"], "placement_receipt": m["placement_receipt"]}
            for m in decided if m.get("placement_receipt")]  # fmt: skip
    try:
        found = await services_of(request).call(
            person, "intake", "POST", "/v1/participants/names", json={"participants": asks}
        )
    except ServiceError:
        return {}
    return {
        placed[n["participant_id"]]: n["given_name"] for n in found if n["participant_id"] in placed
    }


@router.get("/proposals")
async def inbox(request: Request, person: Employer) -> Response:
    """The proposals for the organisation's openings: the live ones to answer, then the
    answered ones with their outcome, best first, each list 50 a page (`after`,
    `answered_after`: where its page starts)."""
    return await _inbox(request, person)


def _answered(request: Request, match_id: UUID, done: str) -> RedirectResponse:
    """Back to the page of the inbox the answer came from, saying it was done."""
    here = {k: str(v) for k in ("after", "answered_after") if (v := cursor(request, k))}
    query = urlencode(here | {"done": done})
    return RedirectResponse(f"/proposals?{query}#m-{match_id}", status_code=303)


@router.post("/proposals/{match_id}/accept")
async def accept(request: Request, person: Employer, match_id: UUID) -> Response:
    """Accept a proposal: a placement starts, and the participant's support worker is told."""
    try:
        await services_of(request).call(
            person, "matching", "POST", f"/v1/matches/{match_id}/accept", json={}
        )
    except ServiceError as exc:
        if exc.status != 409:
            raise
        return await _inbox(request, person, 409, failed={"match_id": str(match_id),
                                                           "reason": exc.reason})  # fmt: skip
    return _answered(request, match_id, "accepted")


@router.post("/proposals/{match_id}/decline")
async def decline(request: Request, person: Employer, match_id: UUID) -> Response:
    """Decline with a coded reason (words required with `other`); errors beside the fields."""
    values = dict((await request.form()).multi_items())
    body, errors = decline_body(values)
    if not errors:
        try:
            await services_of(request).call(
                person, "matching", "POST", f"/v1/matches/{match_id}/decline", json=body
            )
            return _answered(request, match_id, "declined")
        except ServiceError as exc:
            if exc.status == 409:
                return await _inbox(request, person, 409, failed={"match_id": str(match_id),
                                                                   "reason": exc.reason})  # fmt: skip
            if exc.status != 422:
                raise
            errors = _errors_of(exc)
    return await _inbox(request, person, 422, errors={str(match_id): errors},
                        values={str(match_id): values})  # fmt: skip


# -- openings --------------------------------------------------------------------------------
@router.get("/openings")
async def openings(request: Request, person: Employer, after: UUID | None = None) -> Response:
    """The organisation's openings with their seats and how many are taken, 50 a page."""
    params: dict[str, Any] = {"organisation_id": _org(person), "limit": 50} | (
        {"after": str(after)} if after else {}
    )
    listed = await services_of(request).call(
        person, "matching", "GET", "/v1/openings", params=params
    )
    done = request.query_params.get("done")
    return page(request, "openings.html", listed=listed, done=done if done in DONE else None)


def _form(
    request: Request,
    values: dict[str, Any],
    errors: dict[str, dict[str, str]],
    opening: dict[str, Any] | None = None,
    *,
    more: bool = False,
) -> Response:
    """The opening form; `more`: one more empty row of the schedule than the form sent."""
    sent_blank = len(stop_rows(values)) - len(schedule_rows(values, 0))
    blank = sent_blank + 1 if more else BLANK_STOPS
    places = region.load_places()
    return page(request, "opening_form.html", 422 if errors else 200, values=values,
                errors=errors, opening=opening, kinds=OPENING_KINDS,
                stops=schedule_rows(values, blank), places=place_choices(values, places))  # fmt: skip


def _fields(values: dict[str, Any], *, creating: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """The form's fields and its schedule as matching's body, and the errors of both."""
    body, errors = opening_fields(values, creating=creating)
    body["schedule"], stop_errors = schedule_fields(values, region.load_places())
    return body, errors | stop_errors


@router.get("/openings/new")
async def new_opening(request: Request, person: Employer) -> Response:
    """An empty opening form."""
    values = {"seats": "1", "hours_per_week_min": "0", "hours_per_week_max": "40"}
    return _form(request, values, {})


@router.post("/openings/new")
async def post_opening(request: Request, person: Employer) -> Response:
    """Post an opening at the organisation's place (or done remotely)."""
    values = dict((await request.form()).multi_items())
    if values.get("more_stops"):
        return _form(request, values, {}, more=True)
    body, errors = _fields(values, creating=True)
    if not body.get("remote"):
        org = await services_of(request).call(
            person, "matching", "GET", f"/v1/organisations/{_org(person)}"
        )
        if org.get("location") is None:
            errors.setdefault("remote", {"field": "remote", "type": "location_required"})
        body["location"] = org.get("location")
    if errors:
        return _form(request, values, errors)
    body["organisation_id"] = _org(person)
    try:
        await services_of(request).call(person, "matching", "POST", "/v1/openings", json=body)
    except ServiceError as exc:
        if exc.status != 422:
            raise
        return _form(request, values, _errors_of(exc))
    return RedirectResponse("/openings?done=posted", status_code=303)


@router.get("/openings/{opening_id}")
async def opening(request: Request, person: Employer, opening_id: UUID) -> Response:
    """An opening's form with its fields as they are."""
    found = await services_of(request).call(person, "matching", "GET", f"/v1/openings/{opening_id}")
    values = opening_values(found) | schedule_values(found.get("schedule") or [],
                                                     region.load_places())  # fmt: skip
    return _form(request, values, {}, found)


@router.post("/openings/{opening_id}")
async def change_opening(request: Request, person: Employer, opening_id: UUID) -> Response:
    """Change an opening (every field of the form; pause or resume it)."""
    found = await services_of(request).call(person, "matching", "GET", f"/v1/openings/{opening_id}")
    values = dict((await request.form()).multi_items())
    if values.get("more_stops"):
        return _form(request, values, {}, found, more=True)
    body, errors = _fields(values, creating=False)
    if errors:
        return _form(request, values, errors, found)
    if body["remote"] != found["remote"] and not body["remote"] and found["location"] is None:
        org = await services_of(request).call(
            person, "matching", "GET", f"/v1/organisations/{_org(person)}"
        )
        body["location"] = org.get("location")
    try:
        await services_of(request).call(
            person, "matching", "PATCH", f"/v1/openings/{opening_id}", json=body
        )
    except ServiceError as exc:
        if exc.status not in (409, 422):
            raise
        return _form(request, values, _errors_of(exc), found)
    return RedirectResponse("/openings?done=saved", status_code=303)

"""The municipality clerk: register, find by name, correct, consent, erasure, export."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from services.web.backend import ServiceError
from services.web.clerk_forms import PURPOSES, STATUSES, correction_body, intake_body
from services.web.pages.common import page, services_of
from services.web.sessions import signed_in

router = APIRouter()
Clerk = Annotated[asyncpg.Record, signed_in("municipality")]
SEARCH_LIMIT = 50  # a clerk adds a word rather than scrolling further


def _form(
    request: Request, values: dict[str, Any], errors: dict[str, dict[str, str]], **extra: Any
) -> Response:
    status = 422 if errors else 200
    return page(
        request, "participant_form.html", status, values=values, errors=errors,
        statuses=STATUSES, purposes=PURPOSES, **extra,
    )  # fmt: skip


FORM_FIELD = {"consent.purposes": "purposes", "contact.email": "email",
              "contact.phone": "phone", "home.postal_code": "postal_code"}  # fmt: skip


def _errors_by_field(
    exc: ServiceError, early: dict[str, dict[str, str]] | None = None
) -> dict[str, dict[str, str]]:
    """The service's field errors under the form's field names (the form's own checks first)."""
    found: dict[str, dict[str, str]] = dict(early or {})
    for error in exc.fields:
        name = error["field"].removeprefix("body.")
        found.setdefault(FORM_FIELD.get(name, name), error)
    return found


@router.get("/participants")
async def participants(request: Request, person: Clerk) -> Response:
    """The search form (names are never put in the URL: the search is a POST)."""
    return page(request, "participants.html", results=None, query="", more=False, error=None)


@router.post("/participants/search")
async def search(
    request: Request, person: Clerk, name: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    """The municipality's participants whose names start with the words (htmx fragment or
    page), found by intake's name index however many participants the municipality has."""
    found: list[dict[str, Any]] = []
    more, error = False, None
    try:
        answer = await services_of(request).call(
            person,
            "intake",
            "POST",
            "/v1/participants/search",
            json={"municipality": person["municipality"], "name": name, "limit": SEARCH_LIMIT},
        )
        found, more = answer["items"], answer["more"]
    except ServiceError as exc:
        if exc.status != 422:
            raise
        error = "query_too_short"
    template = (
        "participant_results.html" if request.headers.get("hx-request") else "participants.html"
    )
    return page(request, template, results=found, query=name, more=more, error=error)


@router.get("/participants/new")
async def new_form(request: Request, person: Clerk) -> Response:
    """The registration form."""
    return _form(request, {"purposes": ["case_management", "matching"]}, {}, participant=None)


@router.post("/participants/new")
async def register(request: Request, person: Clerk) -> Response:
    """Register; each error the service names is shown beside its field."""
    form = await request.form()
    values: dict[str, Any] = dict(form.multi_items())
    values["purposes"] = form.getlist("purposes")
    body, errors = intake_body(values, person, datetime.now(UTC))
    try:  # asked even when a field is missing, so every error shows at once
        answer = await services_of(request).call(person, "intake", "POST", "/v1/intakes", json=body)
    except ServiceError as exc:
        if exc.status != 422:
            raise
        return _form(request, values, _errors_by_field(exc, errors), participant=None)
    return RedirectResponse(f"/participants/{answer['participant_id']}", status_code=303)


async def _optional(request: Request, person: asyncpg.Record, service: str, path: str) -> Any:
    """A service's answer, or None when it refuses or is down (the page shows the rest)."""
    try:
        return await services_of(request).call(person, service, "GET", path)
    except ServiceError:
        return None


@router.get("/participants/{participant_id}")
async def participant(request: Request, person: Clerk, participant_id: UUID) -> Response:
    """One participant: details, proposals and why none, correction, consent, erasure, export."""
    path = f"/v1/participants/{participant_id}"
    p, plan, proposals = await asyncio.gather(  # at once (intake's refusal still wins)
        services_of(request).call(person, "intake", "GET", path),
        _optional(request, person, "caseplan", f"{path}/case-plan"),
        _optional(request, person, "matching", f"{path}/matches"),
    )
    return page(
        request, "participant.html", p=p, plan=plan, proposals=proposals,
        done=request.query_params.get("done"),
    )  # fmt: skip


@router.get("/participants/{participant_id}/edit")
async def edit_form(request: Request, person: Clerk, participant_id: UUID) -> Response:
    """The correction form, filled in."""
    p = await services_of(request).call(
        person, "intake", "GET", f"/v1/participants/{participant_id}"
    )
    values = {
        "given_name": p["given_name"], "family_name": p["family_name"],
        "email": p["contact"].get("email") or "", "phone": p["contact"].get("phone") or "",
        "labour_market_status": p["profile"]["labour_market_status"],
        "months_unemployed": str(p["profile"]["months_unemployed"]),
        "postal_code": (p.get("home") or {}).get("postal_code") or "",
    }  # fmt: skip
    return _form(request, values, {}, participant=p)


@router.post("/participants/{participant_id}/edit")
async def correct(request: Request, person: Clerk, participant_id: UUID) -> Response:
    """Correct the details; errors beside their fields."""
    values = dict((await request.form()).multi_items())
    body, errors = correction_body(values)
    path = f"/v1/participants/{participant_id}"
    p = await services_of(request).call(person, "intake", "GET", path)
    if errors:
        return _form(request, values, errors, participant=p)
    try:
        await services_of(request).call(person, "intake", "PATCH", path, json=body)
    except ServiceError as exc:
        if exc.status != 422:
            raise
        return _form(request, values, _errors_by_field(exc), participant=p)
    return RedirectResponse(f"/participants/{participant_id}?done=corrected", status_code=303)


@router.post("/participants/{participant_id}/consent-withdrawal")
async def withdraw(request: Request, person: Clerk, participant_id: UUID) -> Response:
    """Record a withdrawal of consent (of the purposes ticked, or all)."""
    purposes = (await request.form()).getlist("purposes")
    body = {
        "purposes": [p for p in purposes if p in PURPOSES],
        "recorded_by": person["display_name"],
    }
    await services_of(request).call(
        person, "intake", "POST", f"/v1/participants/{participant_id}/consent-withdrawal", json=body
    )
    return RedirectResponse(f"/participants/{participant_id}?done=withdrawn", status_code=303)


@router.post("/participants/{participant_id}/erasure")
async def erase(request: Request, person: Clerk, participant_id: UUID) -> Response:
    """Erase the participant everywhere (after the confirmation box was ticked)."""
    if (await request.form()).get("confirm") != "yes":
        return RedirectResponse(
            f"/participants/{participant_id}?done=not_confirmed", status_code=303
        )
    await services_of(request).call(
        person, "intake", "POST", f"/v1/participants/{participant_id}/erasure"
    )
    return page(request, "erased.html")


@router.get("/participants/{participant_id}/export")
async def export(request: Request, person: Clerk, participant_id: UUID) -> Response:
    """The subject-access export as a JSON file to download."""
    doc = await services_of(request).call(
        person, "intake", "GET", f"/v1/participants/{participant_id}/export"
    )
    headers = {"Content-Disposition": f'attachment; filename="polku-export-{participant_id}.json"'}
    body = json.dumps(doc, ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json", headers=headers)

"""The person's own page (language, two-step sign-in) and, for admins, the people page."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import asyncpg
import pyotp
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.web import accounts, domain, repository
from services.web.pages.common import page, pool_of, web_settings
from services.web.sessions import NotAllowed, signed_in

router = APIRouter()
Person = Annotated[asyncpg.Record, signed_in()]


def _account_page(
    request: Request, person: asyncpg.Record, status: int = 200, **extra: object
) -> HTMLResponse:
    context: dict[str, object] = {"secret": None, "otpauth": None, "error": None}
    context.update(extra)
    return page(
        request, "account.html", status, may_totp=domain.may_use_totp(person["role"]), **context
    )


@router.get("/account")
async def account(request: Request, person: Person) -> Response:
    """Language and two-step sign-in."""
    return _account_page(request, person)


@router.post("/account/totp")
async def start_totp(request: Request, person: Person) -> Response:
    """A new TOTP secret to enter in an authenticator (active once a code confirms it)."""
    try:
        secret = await accounts.start_totp(pool_of(request), person)
    except accounts.AccountError as exc:
        return _account_page(request, person, 403, error=exc.code)
    uri = pyotp.TOTP(secret).provisioning_uri(name=person["email"], issuer_name="Polku")
    return _account_page(request, person, secret=secret, otpauth=uri)


@router.post("/account/totp/confirm")
async def confirm_totp(
    request: Request, person: Person, code: Annotated[str, Form(max_length=12)]
) -> Response:
    """Turn two-step sign-in on."""
    async with pool_of(request).acquire() as conn:
        fresh = await repository.person_by_id(conn, person["person_id"])
    assert fresh is not None
    try:
        await accounts.confirm_totp(pool_of(request), fresh, code)
    except accounts.AccountError as exc:
        return _account_page(request, person, 422, error=exc.code, secret=fresh["totp_secret"])
    return RedirectResponse("/account", status_code=303)


def _manager(person: asyncpg.Record) -> asyncpg.Record:
    if person["role"] != "admin" and not person["manages_people"]:
        raise NotAllowed()
    return person


async def _people_page(
    request: Request, person: asyncpg.Record, status: int = 200, **extra: object
) -> HTMLResponse:
    org = None if person["role"] == "admin" else person["organisation_id"]
    async with pool_of(request).acquire() as conn:
        people = await repository.people_of(conn, org)
    context: dict[str, object] = {"link": None, "error": None, "field": None}
    context.update(extra)
    return page(request, "people.html", status, people=people, roles=_roles(person), **context)


def _roles(person: asyncpg.Record) -> list[str]:
    every = ["municipality", "support_worker", "workshop", "employer", "operator", "admin"]
    return [
        r for r in every if domain.may_invite(person["role"], person["manages_people"], r, True)
    ]


@router.get("/people")
async def people(request: Request, person: Person) -> Response:
    """The organisation's people, and the invitation form."""
    return await _people_page(request, _manager(person))


@router.post("/people/invite")
async def invite(
    request: Request,
    person: Person,
    email: Annotated[str, Form(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")],
    role: Annotated[str, Form(max_length=20)],
    municipality: Annotated[str, Form(max_length=60)] = "",
    organisation_id: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Invite a person: the one-time link is shown to the inviter (until e-mail exists)."""
    manager = _manager(person)
    try:
        org = UUID(organisation_id) if organisation_id and manager["role"] == "admin" else None
    except ValueError:
        return await _people_page(request, manager, 422, error="error", field="organisation_id")
    try:
        token = await accounts.invite(
            pool_of(request),
            web_settings(request),
            manager,
            email=email,
            role=role,
            municipality=municipality,
            organisation_id=org or manager["organisation_id"],
        )
    except accounts.AccountError as exc:
        return await _people_page(request, manager, 422, error=exc.code, field=exc.field)
    link = f"{request.base_url}links/invitation/{token}"
    return await _people_page(request, manager, link=link)


@router.post("/people/{person_id}/support-worker")
async def link_worker(
    request: Request, person: Person, person_id: UUID,
    support_worker_id: Annotated[str, Form(max_length=40)] = "",
) -> Response:  # fmt: skip
    """An admin links a support worker's account to their caseplan id (empty: unlinks), so
    the operator's caseload chart shows their name."""
    if person["role"] != "admin":
        raise NotAllowed()
    try:
        worker = UUID(support_worker_id) if support_worker_id.strip() else None
    except ValueError:
        return await _people_page(request, person, 422, error="worker_id_invalid")
    async with pool_of(request).acquire() as conn:
        linked = await repository.link_support_worker(conn, person_id, worker)
    if not linked:
        return await _people_page(request, person, 409, error="worker_not_linked")
    return await _people_page(request, person)


@router.post("/people/{person_id}/reset-link")
async def reset_link(request: Request, person: Person, person_id: UUID) -> Response:
    """A one-time password reset link for one of the organisation's people."""
    manager = _manager(person)
    try:
        token = await accounts.reset_link(
            pool_of(request), web_settings(request), manager, person_id
        )
    except accounts.AccountError as exc:
        return await _people_page(request, manager, 404, error=exc.code)
    return await _people_page(request, manager, link=f"{request.base_url}links/reset/{token}")

"""One-time links (invitation, reset): the token leaves the URL at once, into the session."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from services.web import accounts, domain, repository, sessions
from services.web.pages.common import page, pool_of, web_settings

router = APIRouter()
KINDS = {"invitation": "invitation", "reset": "reset"}


@router.get("/links/{kind}/{token}")
async def open_link(request: Request, kind: str, token: str) -> Response:
    """Keep the link's token in the session and go to a URL without it (not in history)."""
    if kind not in KINDS or len(token) > 100:
        return page(request, "error.html", 404, code="not_found")
    session = sessions.current(request)
    async with pool_of(request).acquire() as conn:
        await repository.set_session_field(
            conn, session.session_hash, pending_token=domain.token_hash(token)
        )
    return RedirectResponse(f"/links/{kind}", status_code=303)


@router.get("/links/{kind}")
async def link_form(request: Request, kind: str) -> Response:
    """Set a password (and a name, for an invitation)."""
    if kind not in KINDS:
        return page(request, "error.html", 404, code="not_found")
    pending = sessions.current(request).pending_token
    try:
        if pending is None:
            raise accounts.AccountError("link_not_valid")
        link = await accounts.pending_link(pool_of(request), pending, kind)
    except accounts.AccountError as exc:
        return page(request, "error.html", 410, code=exc.code)
    return page(
        request, "set_password.html", kind=kind, email=link["email"], error=None, field=None
    )


@router.post("/links/{kind}")
async def complete(
    request: Request,
    kind: str,
    password: Annotated[str, Form(max_length=300)],
    name: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Create the person (or set the new password) and sign them in with a new session."""
    session = sessions.current(request)
    if kind not in KINDS or session.pending_token is None:
        return page(request, "error.html", 410, code="link_not_valid")
    pool = pool_of(request)
    try:
        person = await accounts.complete_link(
            pool, session.pending_token, kind, password=password, name=name
        )
    except accounts.AccountError as exc:
        if exc.field is None:
            return page(request, "error.html", 410, code=exc.code)
        link = await accounts.pending_link(pool, session.pending_token, kind)
        return page(
            request,
            "set_password.html",
            422,
            kind=kind,
            email=link["email"],
            error=exc.code,
            field=exc.field,
        )
    async with pool.acquire() as conn:
        await repository.delete_session(conn, session.session_hash)
        request.state.session = await sessions.open_session(
            conn,
            person=person,
            verified=True,
            hours=web_settings(request).session_hours,
            language=session.language,
        )
    return RedirectResponse(domain.home_of(person["role"]), status_code=303)

"""Sign-in (password, then TOTP when on), sign-out, invitation and reset links, language."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import httpx
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.web import accounts, domain, repository, sessions
from services.web.demo import DEMO_PASSWORD, demo_people
from services.web.pages.common import client_of, page, pool_of, web_settings

router = APIRouter()
Text = Annotated[str, Form(max_length=300)]


def _go(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/")
async def front_door(request: Request) -> Response:
    """Signed in: the person's home page; otherwise the sign-in page."""
    session = sessions.current(request)
    if session.signed_in and session.person is not None:
        return _go(domain.home_of(session.person["role"]))
    return _go("/sign-in")


def _sign_in_page(request: Request, status: int = 200, error: str | None = None) -> HTMLResponse:
    demo = demo_people() if web_settings(request).demo_people else []
    return page(
        request, "sign_in.html", status, error=error, demo=demo, demo_password=DEMO_PASSWORD
    )


@router.get("/sign-in")
async def sign_in_form(request: Request) -> Response:
    """The sign-in form."""
    if sessions.current(request).signed_in:
        return _go("/")
    return _sign_in_page(request)


async def _replace_session(request: Request, person: object, verified: bool) -> None:
    """A new session id at every step up (defeats session fixation)."""
    old = sessions.current(request)
    ws = web_settings(request)
    async with pool_of(request).acquire() as conn:
        await repository.delete_session(conn, old.session_hash)
        await repository.delete_expired_sessions(conn, datetime.now(UTC))
        request.state.session = await sessions.open_session(
            conn,
            person=person,
            verified=verified,
            hours=ws.session_hours,
            language=old.language,  # type: ignore[arg-type]
        )


@router.post("/sign-in")
async def sign_in(request: Request, email: Text, password: Text) -> Response:
    """Check the password; on to the TOTP step when the person turned it on."""
    try:
        done = await accounts.sign_in(
            pool_of(request),
            web_settings(request),
            email=email,
            password=password,
            client=client_of(request),
        )
    except accounts.AccountError as exc:
        status = 429 if exc.code == "sign_in_throttled" else 401
        return _sign_in_page(request, status, exc.code)
    await _replace_session(request, done.person, verified=not done.needs_code)
    return _go("/sign-in/code" if done.needs_code else domain.home_of(done.person["role"]))


@router.get("/sign-in/code")
async def code_form(request: Request) -> Response:
    """The TOTP step of the sign-in."""
    if sessions.current(request).person is None:
        return _go("/sign-in")
    return page(request, "sign_in_code.html", error=None)


@router.post("/sign-in/code")
async def code(request: Request, code: Annotated[str, Form(max_length=12)]) -> Response:
    """Check the TOTP code; wrong codes count as failed sign-ins."""
    session = sessions.current(request)
    person = session.person
    if person is None:
        return _go("/sign-in")
    if session.verified:
        return _go("/")
    if not accounts.code_is_right(person, code):
        async with pool_of(request).acquire() as conn:
            await repository.record_failure(conn, person["email"], client_of(request))
        return page(request, "sign_in_code.html", 401, error="totp_wrong_code")
    await _replace_session(request, person, verified=True)
    return _go(domain.home_of(person["role"]))


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    """End the session; the cookie is deleted."""
    session = sessions.current(request)
    async with pool_of(request).acquire() as conn:
        await repository.delete_session(conn, session.session_hash)
    session.ended, session.new_cookie = True, None
    return _go("/sign-in")


@router.post("/language")
async def choose_language(request: Request, language: Text) -> Response:
    """Remember the language (the person's, or this browser's before sign-in)."""
    if language not in domain.LANGUAGES:
        return _go("/")
    session = sessions.current(request)
    async with pool_of(request).acquire() as conn:
        await repository.set_session_field(conn, session.session_hash, language=language)
        if session.signed_in and session.person is not None:
            await repository.set_person_field(conn, session.person["person_id"], language=language)
    return _go(_same_site_path(request))


def _same_site_path(request: Request) -> str:
    """Back to the page the form was on (only a path of ours, never another site)."""
    referer = httpx.URL(request.headers.get("referer", "/"))
    if referer.host and referer.netloc.decode() != request.headers.get("host"):
        return "/"
    path = referer.path
    return path if path.startswith("/") and not path.startswith("//") else "/"

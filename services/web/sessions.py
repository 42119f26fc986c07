"""Browser sessions: a random id in a Secure, HttpOnly, SameSite cookie; CSRF per session.

Every visitor gets an anonymous session (its CSRF token protects the sign-in form too); a
sign-in replaces it with a new one, so an id planted before sign-in is worthless after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, HTTPException, Request
from starlette.responses import Response

from services.web import domain, repository

COOKIE = "polku_session"
SECURE_COOKIE = "__Host-polku_session"
"""Over HTTPS: the `__Host-` prefix makes browsers refuse it from a subdomain or another path."""


def cookie_name(secure: bool) -> str:
    """The session cookie's name."""
    return SECURE_COOKIE if secure else COOKIE


ANONYMOUS_HOURS = 2.0


@dataclass
class WebSession:
    """The session of this request and, once signed in, its person."""

    session_hash: bytes
    csrf_token: str
    person: asyncpg.Record | None = None
    verified: bool = False
    language: str | None = None
    pending_token: bytes | None = None
    new_cookie: str | None = None
    ended: bool = False

    @property
    def signed_in(self) -> bool:
        """A person passed every step of the sign-in."""
        return self.person is not None and self.verified


async def open_session(
    conn: asyncpg.Connection,
    *,
    person: asyncpg.Record | None,
    verified: bool,
    hours: float,
    language: str | None = None,
) -> WebSession:
    """A brand-new session row and the cookie value that names it."""
    token = domain.new_token()
    session = WebSession(
        session_hash=domain.token_hash(token),
        csrf_token=domain.new_token(),
        person=person,
        verified=verified,
        language=language,
        new_cookie=token,
    )
    await repository.insert_session(
        conn,
        session.session_hash,
        person_id=person["person_id"] if person else None,
        verified=verified,
        csrf_token=session.csrf_token,
        language=language,
        expires_at=datetime.now(UTC) + timedelta(hours=hours),
    )
    return session


async def load(pool: asyncpg.Pool, cookie: str | None, session_hours: float) -> WebSession:
    """The session the cookie names, or a new anonymous one."""
    now = datetime.now(UTC)
    async with pool.acquire() as conn:
        row = (
            await repository.live_session(conn, domain.token_hash(cookie), now) if cookie else None
        )
        if row is None:
            return await open_session(conn, person=None, verified=False, hours=ANONYMOUS_HOURS)
        person = await repository.person_by_id(conn, row["person_id"]) if row["person_id"] else None
        if row["person_id"] and (person is None or person["disabled_at"] is not None):
            await repository.delete_session(conn, row["session_hash"])
            return await open_session(conn, person=None, verified=False, hours=ANONYMOUS_HOURS)
        hours = session_hours if person else ANONYMOUS_HOURS
        if row["expires_at"] - now < timedelta(hours=hours) - timedelta(minutes=1):
            await repository.touch_session(conn, row["session_hash"], now + timedelta(hours=hours))
    return WebSession(
        session_hash=row["session_hash"],
        csrf_token=row["csrf_token"],
        person=person,
        verified=row["verified"],
        language=row["language"],
        pending_token=row["pending_token"],
    )


def set_cookie(response: Response, session: WebSession, *, secure: bool) -> None:
    """Send the session's new cookie (or delete it after sign-out)."""
    if session.new_cookie:
        response.set_cookie(
            cookie_name(secure), session.new_cookie, httponly=True, secure=secure,
            samesite="lax", path="/",
        )  # fmt: skip
    elif session.ended:
        response.delete_cookie(
            cookie_name(secure), path="/", secure=secure, httponly=True, samesite="lax"
        )


def current(request: Request) -> WebSession:
    """The session the middleware loaded for this request."""
    session = request.state.session
    assert isinstance(session, WebSession)
    return session


SessionDep = Annotated[WebSession, Depends(current)]


async def check_csrf(request: Request) -> None:
    """Every state-changing request carries this session's CSRF token and our own origin."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.split("://", 1)[-1] != request.headers.get("host"):
        raise HTTPException(403, "csrf_origin")
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form: Any = await request.form()
        sent = form.get("csrf")
    if not isinstance(sent, str) or not domain.same_secret(sent, current(request).csrf_token):
        raise HTTPException(403, "csrf_failed")


class NotSignedIn(Exception):
    """The page needs a signed-in person."""


class NotAllowed(Exception):
    """The person's role may not open this page."""


def signed_in(*roles: str) -> Any:
    """Dependency: the signed-in person (of one of `roles`, when given)."""

    async def person(request: Request) -> asyncpg.Record:
        session = current(request)
        if not session.signed_in:
            raise NotSignedIn()
        assert session.person is not None
        if roles and session.person["role"] not in roles:
            raise NotAllowed()
        return session.person

    return Depends(person)

"""A person's notifications (what they were told, and whether the mail went), their e-mail
choice, and in development the local mailbox of everything the system mailed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from services.web import repository as web_repository
from services.web.backend import ServiceError
from services.web.i18n import N_
from services.web.notify import repository
from services.web.notify.rules import PLACE_ROLES
from services.web.pages.common import page, pool_of, services_of
from services.web.sessions import NotAllowed, current, signed_in

router = APIRouter()
Person = Annotated[asyncpg.Record, signed_in()]
CHOICES = (
    ("immediate", N_("Send each one at once")),
    ("daily", N_("One e-mail a day")),
    ("off", N_("No e-mail: show them here only")),
)
STATUSES = {
    "queued": N_("to be sent"), "held": N_("in the daily e-mail"), "sent": N_("sent"),
    "failed": N_("not sent yet: retrying"), "given_up": N_("could not be sent"),
    "not_mailed": N_("not mailed"),
}  # fmt: skip


Placer = Annotated[asyncpg.Record, signed_in(*sorted(PLACE_ROLES))]
"""An employer's or workshop's people: their organisation's webhook."""


async def _webhook(request: Request, person: asyncpg.Record) -> dict[str, Any] | None:
    """The organisation's webhook URL for an employer or workshop (None: not theirs to see, or
    matching is down)."""
    if person["role"] not in PLACE_ROLES:
        return None
    try:
        org = await services_of(request).call(
            person, "matching", "GET", f"/v1/organisations/{person['organisation_id']}"
        )
    except ServiceError:
        return {"unavailable": True}
    return {"url": org.get("webhook_url")}


async def _page(
    request: Request, person: asyncpg.Record, status: int = 200, **extra: Any
) -> Response:
    async with pool_of(request).acquire() as conn:
        found = await repository.of_person(conn, person["person_id"])
        choice = await repository.choice_of(conn, person["person_id"])
    context: dict[str, Any] = {"webhook_errors": {}, "secret": None, "webhook_done": None,
                               "webhook_value": None}  # fmt: skip
    context.update(extra)
    return page(request, "notifications.html", status, notices=found, choice=choice,
                choices=CHOICES, statuses=STATUSES, webhook=await _webhook(request, person),
                **context)  # fmt: skip


@router.get("/notifications")
async def notifications(request: Request, person: Person) -> Response:
    """What the person was told, newest first, how they want e-mail and, for an employer or
    workshop, where their organisation's webhook points (after a rotation, `webhook=rotated`:
    the new signing secret, shown this once)."""
    done = request.query_params.get("webhook")
    if done != "rotated":
        return await _page(request, person, webhook_done=done if done in ("set", "off") else None)
    async with pool_of(request).acquire() as conn:
        secret = await web_repository.take_shown_once(
            conn, current(request).session_hash, datetime.now(UTC)
        )
    response = await _page(request, person, secret=secret, webhook_done="rotated")
    response.headers["Cache-Control"] = "no-store"
    return response


async def _set_webhook(request: Request, person: asyncpg.Record, url: str | None) -> None:
    await services_of(request).call(
        person, "matching", "PATCH", f"/v1/organisations/{person['organisation_id']}",
        json={"webhook_url": url},
    )  # fmt: skip


@router.post("/notifications/webhook")
async def set_webhook(
    request: Request, person: Placer, webhook_url: Annotated[str, Form(max_length=2000)] = ""
) -> Response:
    """Point the organisation's webhook at a URL (its signing secret stays); errors beside it."""
    url = webhook_url.strip()
    if not url:
        return await _page(request, person, 422, webhook_errors={"type": "missing"},
                           webhook_value=url)  # fmt: skip
    try:
        await _set_webhook(request, person, url)
    except ServiceError as exc:
        if exc.status != 422:
            raise
        kind = exc.fields[0]["type"] if exc.fields else exc.reason
        return await _page(request, person, 422, webhook_errors={"type": kind},
                           webhook_value=url)  # fmt: skip
    return RedirectResponse("/notifications?webhook=set", status_code=303)


@router.post("/notifications/webhook/off")
async def webhook_off(request: Request, person: Placer) -> Response:
    """Turn the webhook off (undelivered notifications are dropped; the inbox keeps all)."""
    await _set_webhook(request, person, None)
    return RedirectResponse("/notifications?webhook=off", status_code=303)


SHOWN_ONCE_MINUTES = 5
"""How long a new signing secret waits on the session for the page that shows it."""


@router.post("/notifications/webhook/rotate")
async def rotate(request: Request, person: Placer) -> Response:
    """A new signing secret (the old one stops signing at once), kept on the session for the
    page the redirect leads to, which shows it once: reloading that page rotates nothing."""
    rotated = await services_of(request).call(
        person, "matching", "POST", f"/v1/organisations/{person['organisation_id']}/webhook/rotate"
    )
    until = datetime.now(UTC) + timedelta(minutes=SHOWN_ONCE_MINUTES)
    async with pool_of(request).acquire() as conn:
        await web_repository.keep_shown_once(
            conn, current(request).session_hash, rotated["webhook_secret"], until
        )
    return RedirectResponse("/notifications?webhook=rotated", status_code=303)


@router.post("/notifications/email")
async def choose(
    request: Request, person: Person, notify_email: Annotated[str, Form(max_length=20)]
) -> Response:
    """Change the e-mail choice (a value not offered is refused)."""
    if notify_email not in dict(CHOICES):
        return page(request, "error.html", 422, code="value_error")
    async with pool_of(request).acquire() as conn:
        await repository.set_choice(conn, person["person_id"], notify_email)
    return RedirectResponse("/notifications", status_code=303)


@router.get("/mailbox")
async def mailbox(request: Request, person: Person) -> Response:
    """Development only: every e-mail the system sent to the local mailbox."""
    if request.app.state.settings.env != "development":
        raise NotAllowed()
    async with pool_of(request).acquire() as conn:
        mails = await repository.mailbox(conn)
    return page(request, "mailbox.html", mails=mails)

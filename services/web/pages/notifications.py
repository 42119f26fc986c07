"""A person's notifications (what they were told, and whether the mail went), their e-mail
choice, and in development the local mailbox of everything the system mailed."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from services.web.i18n import N_
from services.web.notify import repository
from services.web.pages.common import page, pool_of
from services.web.sessions import NotAllowed, signed_in

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


@router.get("/notifications")
async def notifications(request: Request, person: Person) -> Response:
    """What the person was told, newest first, and how they want e-mail."""
    async with pool_of(request).acquire() as conn:
        found = await repository.of_person(conn, person["person_id"])
        choice = await repository.choice_of(conn, person["person_id"])
    return page(request, "notifications.html", notices=found, choice=choice, choices=CHOICES,
                statuses=STATUSES)  # fmt: skip


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

"""Who is told what, in words of their language: pure, no I/O.

A notice names an audience (the people of an organisation with some roles, or one person)
and a message kind with its values; the words come from the catalogues at sending time in
each reader's language. No notice carries special-category data: no risk group, health,
identity number or name of a participant before an employer has accepted them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from services.web.i18n import N_

PLACE_ROLES = frozenset({"employer", "workshop"})
"""Who answers proposals for an organisation's openings (associations hold employer keys)."""
CASE_ROLES = frozenset({"support_worker"})


@dataclass(frozen=True)
class Message:
    """A kind of notice: its subject and body as catalogue messages with %(name)s values."""

    subject: str
    body: str
    link: str


MESSAGES: dict[str, Message] = {
    "proposal_new": Message(
        N_("New proposal for %(title)s"),
        N_("A participant has been proposed for your opening %(title)s. Open the proposals"
           " to accept or decline."),
        "/",
    ),
    "proposal_withdrawn": Message(
        N_("Proposal withdrawn: %(title)s"),
        N_("A proposal for your opening %(title)s was withdrawn; nothing is asked of you."),
        "/",
    ),
    "proposal_accepted": Message(
        N_("Proposal accepted: %(title)s"),
        N_("The proposal of case %(case)s for %(title)s was accepted."),
        "/cases/%(participant_id)s",
    ),
    "proposal_declined": Message(
        N_("Proposal declined: %(title)s"),
        N_("The proposal of case %(case)s for %(title)s was declined: %(reason)s"),
        "/cases/%(participant_id)s",
    ),
    "case_new": Message(
        N_("A new case for your organisation"),
        N_("Case %(case)s now has a support worker of your organisation."),
        "/cases/%(participant_id)s",
    ),
    "invitation_accepted": Message(
        N_("%(name)s accepted your invitation"),
        N_("%(name)s (%(email)s) has set a password and can now sign in."),
        "/people",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Notice:
    """Tell these people this, because of that (`cause_id`: an event, so a repeat is one)."""

    kind: str
    organisation_id: UUID | None = None
    roles: frozenset[str] = frozenset()
    person_id: UUID | None = None
    values: dict[str, str] = field(default_factory=dict)
    cause_id: UUID | None = None


def case_ref(participant_id: UUID) -> str:
    """How a message names a case: the start of its pseudonymous id, never a name."""
    return str(participant_id)[:8]


def proposal_new(*, organisation_id: UUID, title: str, cause_id: UUID) -> Notice:
    return Notice("proposal_new", organisation_id, PLACE_ROLES, values={"title": title},
                  cause_id=cause_id)  # fmt: skip


def proposal_withdrawn(*, organisation_id: UUID, title: str, cause_id: UUID) -> Notice:
    return Notice("proposal_withdrawn", organisation_id, PLACE_ROLES, values={"title": title},
                  cause_id=cause_id)  # fmt: skip


def proposal_decided(
    *,
    accepted: bool,
    case_organisation: UUID | None,
    participant_id: UUID,
    title: str,
    reason: str = "",
    cause_id: UUID,
) -> Notice | None:
    """The support workers keeping the case hear the employer's answer (with its reason)."""
    if case_organisation is None:
        return None  # no case known here (yet): nobody to tell
    values = {"title": title, "case": case_ref(participant_id),
              "participant_id": str(participant_id), "reason": reason or "-"}  # fmt: skip
    kind = "proposal_accepted" if accepted else "proposal_declined"
    return Notice(kind, case_organisation, CASE_ROLES, values=values, cause_id=cause_id)


def case_new(
    *, organisation_id: UUID | None, participant_id: UUID, cause_id: UUID
) -> Notice | None:
    if organisation_id is None:
        return None
    values = {"case": case_ref(participant_id), "participant_id": str(participant_id)}
    return Notice("case_new", organisation_id, CASE_ROLES, values=values, cause_id=cause_id)


def invitation_accepted(*, inviter: UUID | None, name: str, email: str) -> Notice | None:
    if inviter is None:
        return None
    return Notice("invitation_accepted", person_id=inviter, values={"name": name, "email": email})


NEWS_HOURS = 48.0
"""Events older than this build what notices need but tell nobody (a new consumer group reads
the streams from their start: nobody is told of last year's proposals)."""


def is_news(occurred_at: datetime, now: datetime, hours: float = NEWS_HOURS) -> bool:
    """Whether an event is recent enough to tell people about."""
    return now - occurred_at <= timedelta(hours=hours)


def first_status(notify_email: str) -> str:
    """A new notice's status by the person's choice: sent at once, kept for the digest, or
    only shown on their page."""
    return {"immediate": "queued", "daily": "held", "off": "not_mailed"}[notify_email]


def retry_delay(attempts: int, base_s: float, cap_s: float = 3600.0) -> timedelta:
    """Back-off after the `attempts`-th failure: base, 2×, 4×, ... at most `cap_s`."""
    return timedelta(seconds=min(cap_s, base_s * 2 ** max(0, attempts - 1)))


def after_failure(
    attempts: int, max_attempts: int, now: datetime, base_s: float
) -> tuple[str, datetime]:
    """(status, next attempt) once an attempt failed: retried until the last, then given up."""
    if attempts >= max_attempts:
        return "given_up", now
    return "failed", now + retry_delay(attempts, base_s)


def digest_due(oldest_held: datetime, now: datetime, digest_hours: float) -> bool:
    """A daily digest goes when its oldest notice has waited the digest period."""
    return now - oldest_held >= timedelta(hours=digest_hours)


def words(message: str, gettext: Any, values: dict[str, str]) -> str:
    """A catalogue message in the reader's language with its values put in."""
    return str(gettext(message)) % values

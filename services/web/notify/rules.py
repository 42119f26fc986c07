"""Who is told what, in words of their language: pure, no I/O.

A notice names an audience (the people of an organisation with some roles, or one person)
and a message kind with its values; the words come from the catalogues at sending time in
each reader's language. No notice carries special-category data: no risk group, health,
identity number or name of a participant before an employer has accepted them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
        "/proposals",
    ),
    "proposal_withdrawn": Message(
        N_("Proposal withdrawn: %(title)s"),
        N_("A proposal for your opening %(title)s was withdrawn (%(reason)s); nothing is asked"
           " of you."),
        "/proposals",
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
    "follow_up_due": Message(
        N_("A follow-up is due: case %(case)s"),
        N_("The follow-up of case %(case)s is due on %(due)s: record the participant's"
           " situation six months after leaving."),
        "/cases/%(participant_id)s",
    ),
    "meeting_scheduled": Message(
        N_("Meeting scheduled for %(when)s"),
        N_("A %(kind)s was scheduled for %(when)s by a support worker of your organisation."),
        "/",
    ),
    "meeting_tomorrow": Message(
        N_("Reminder: meeting at %(when)s"),
        N_("A %(kind)s of your organisation is at %(when)s."),
        "/",
    ),
    "rows_refused_upload": Message(
        N_("%(count)s rows refused from upload %(ref)s"),
        N_("%(count)s of the %(total)s rows of upload %(ref)s were refused: rows %(rows)s."
           " Correct them and send them again; the other rows were registered."),
        "/",
    ),
    "rows_refused_stream": Message(
        N_("%(count)s registration requests refused"),
        N_("%(count)s registration requests of your municipality on the inbound stream were"
           " refused (requests %(rows)s). Correct them and send them again."),
        "/",
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
    municipality: str | None = None
    """For a municipality's people (role municipality), instead of an organisation's."""
    values: dict[str, str] = field(default_factory=dict)
    cause_id: UUID | None = None
    translated: frozenset[str] = frozenset()
    """The values that are catalogue messages themselves, put in the reader's language."""


def case_ref(participant_id: UUID) -> str:
    """How a message names a case: the start of its pseudonymous id, never a name."""
    return str(participant_id)[:8]


def proposal_new(*, organisation_id: UUID, title: str, cause_id: UUID) -> Notice:
    return Notice("proposal_new", organisation_id, PLACE_ROLES, values={"title": title},
                  cause_id=cause_id)  # fmt: skip


WITHDRAWAL_WORDS = {
    "seats lowered": N_("the opening's seats were lowered"),
    "opening closed": N_("the opening closed"),
    "every seat taken": N_("every seat is taken"),
}
"""The withdrawals' reasons about the opening, in words; any other reason is about the
participant and is told only as `no longer available` (as matching's webhooks do)."""
NO_LONGER_AVAILABLE = N_("the participant is no longer available")


def proposal_withdrawn(*, organisation_id: UUID, title: str, reason: str, cause_id: UUID) -> Notice:
    """The employer or association hears a proposal no longer waits for their answer, and
    why only when the reason is about their opening."""
    words = WITHDRAWAL_WORDS.get(reason, NO_LONGER_AVAILABLE)
    return Notice("proposal_withdrawn", organisation_id, PLACE_ROLES,
                  values={"title": title, "reason": words}, cause_id=cause_id,
                  translated=frozenset({"reason"}))  # fmt: skip


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


def follow_up_due(
    *, organisation_id: UUID | None, participant_id: UUID, due_on: date, cause_id: UUID
) -> Notice | None:
    """The support workers of the case's organisation hear its follow-up falls due."""
    if organisation_id is None:
        return None
    values = {"case": case_ref(participant_id), "participant_id": str(participant_id),
              "due": due_on.strftime("%d.%m.%Y")}  # fmt: skip
    return Notice("follow_up_due", organisation_id, CASE_ROLES, values=values, cause_id=cause_id)


MEETING_WORDS = {
    "participant_meeting": N_("meeting with a participant"),
    "team_meeting": N_("team meeting"),
}
LOCAL_TIME = "Europe/Helsinki"
"""The time meetings are told in (UTC where the time-zone database is missing)."""


def local_time(at: datetime) -> str:
    """A moment as the region's people read it: day.month.year hours:minutes."""
    try:
        zone: Any = ZoneInfo(LOCAL_TIME)
    except ZoneInfoNotFoundError:  # pragma: no cover - an image without tzdata
        zone = UTC
    return at.astimezone(zone).strftime("%d.%m.%Y %H:%M")


def meeting(
    *, kind: str, organisation_id: UUID, starts_at: datetime, cause_id: UUID, reminder: bool
) -> Notice:
    """The support workers of the organisation hear of a meeting scheduled (and, the day
    before, that it is tomorrow); a meeting names no participant."""
    values = {"kind": MEETING_WORDS.get(kind, MEETING_WORDS["participant_meeting"]),
              "when": local_time(starts_at)}  # fmt: skip
    return Notice("meeting_tomorrow" if reminder else "meeting_scheduled", organisation_id,
                  CASE_ROLES, values=values, cause_id=cause_id,
                  translated=frozenset({"kind"}))  # fmt: skip


MUNICIPALITY_ROLES = frozenset({"municipality"})
ROWS_SHOWN = 30
"""How many refused rows' numbers a message lists (then `…`)."""


def row_list(rows: list[str]) -> str:
    """The refused rows' numbers (never their data), shortened past `ROWS_SHOWN`."""
    shown = ", ".join(rows[:ROWS_SHOWN]) or "-"
    return shown + (", …" if len(rows) > ROWS_SHOWN else "")


def rows_refused(
    *,
    municipality: str,
    source: str,
    ref: str,
    count: int,
    total: int,
    rows: list[str],
    cause_id: UUID,
) -> Notice | None:
    """The people of the municipality hear how many of its rows were refused and which (by
    number or request id, never their data)."""
    if count <= 0:
        return None
    values = {"count": str(count), "total": str(total), "ref": ref, "rows": row_list(rows)}
    kind = "rows_refused_stream" if source == "stream" else "rows_refused_upload"
    return Notice(kind, roles=MUNICIPALITY_ROLES, municipality=municipality, values=values,
                  cause_id=cause_id)  # fmt: skip


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

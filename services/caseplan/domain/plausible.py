"""The days a record may carry: none before what it belongs to began, none still to come.

One place for each date rule, so the API, the demo and the tests meet the same refusals.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from services.caseplan.domain.refusal import Refusal
from shared.history import first_refusal


def require_day_worked(worked_on: date, *, since: date, today: date, began: str) -> None:
    """Hours are logged for a day between the start of what they belong to and today."""
    if worked_on < since:
        raise Refusal(
            "worked_before_start", f"hours are dated before {began} ({since})",
            status=422, field="worked_on",
        )  # fmt: skip
    if worked_on > today:
        raise Refusal(
            "worked_in_future", "hours are logged for days already worked, not ahead",
            status=422, field="worked_on",
        )  # fmt: skip


def require_exit_day(exited_on: date, *, opened_on: date, today: date) -> None:
    """A participant leaves on a day between the case's opening and today."""
    if exited_on < opened_on:
        raise Refusal(
            "exit_before_opening", "the exit date is before the case opened",
            status=422, field="exited_on",
        )  # fmt: skip
    if exited_on > today:
        raise Refusal(
            "exit_in_future", "an exit is recorded once it has happened, not ahead",
            status=422, field="exited_on",
        )  # fmt: skip


def require_follow_up_day(
    followed_up_on: date, *, exited_on: date, due_on: date, today: date
) -> None:
    """The six-month follow-up is recorded once it is due (six months after leaving), by today."""
    if followed_up_on < exited_on:
        raise Refusal(
            "follow_up_before_exit", "the follow-up is before the exit",
            status=422, field="followed_up_on",
        )  # fmt: skip
    if followed_up_on < due_on:
        raise Refusal(
            "follow_up_too_early", f"the follow-up is due six months after leaving, on {due_on}",
            status=422, field="followed_up_on",
        )  # fmt: skip
    if followed_up_on > today:
        raise Refusal(
            "follow_up_in_future", "a follow-up is recorded once it has happened, not ahead",
            status=422, field="followed_up_on",
        )  # fmt: skip


def require_importable(days: Mapping[str, tuple[str, date | None]], *, today: date) -> None:
    """A history import's days lie between the documented floor and today.

    `days` maps a name used in the reason (`exit` → `exit_before_floor`) to the request
    field and its day (None: not given)."""
    refusal = first_refusal({what: day for what, (_, day) in days.items()}, today=today)
    if refusal is not None:
        field = next(f for what, (f, _) in days.items() if refusal.reason.startswith(what + "_"))
        raise Refusal(refusal.reason, refusal.message, status=422, field=field)

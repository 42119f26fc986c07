"""Recording the past: who may date a record back, and how far back any record may go.

Ordinary writes are dated today (a registration) or between what they belong to and today.
An authorised import — a key with the `history` scope — may bring a project in with its own
dates: never in the future, never before `HISTORY_FLOOR`, and every audit line it writes is
marked `imported`. The services' own consistency rules (an exit not before the registration,
the follow-up six months after the exit, ...) apply to imported dates unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

HISTORY_SCOPE = "history"
"""The key scope that admits an import of past dates."""
SCOPES: tuple[str, ...] = (HISTORY_SCOPE,)
"""Every scope a key may carry (the `api_key.scopes` check says the same)."""
HISTORY_FLOOR = date(2000, 1, 1)
"""No imported date lies before this day (the earliest ESF projects Polku takes in)."""


class _Scoped(Protocol):
    @property
    def scopes(self) -> frozenset[str]: ...


def may_import(principal: _Scoped | None) -> bool:
    """True when the caller holds the history import permission."""
    return principal is not None and HISTORY_SCOPE in principal.scopes


@dataclass(frozen=True)
class DateRefusal:
    """Why a date is not accepted: a machine-readable reason and a message."""

    reason: str
    message: str


def past_day_refusal(day: date, *, today: date, what: str) -> DateRefusal | None:
    """An imported day lies between `HISTORY_FLOOR` and today; None when it does.

    `what` names the date in the reason: `exit` gives `exit_in_future` and
    `exit_before_floor`."""
    if day > today:
        return DateRefusal(f"{what}_in_future", f"{what} is dated after today ({today})")
    if day < HISTORY_FLOOR:
        return DateRefusal(
            f"{what}_before_floor", f"{what} is dated before {HISTORY_FLOOR}, the earliest day"
        )
    return None


def first_refusal(days: dict[str, date | None], *, today: date) -> DateRefusal | None:
    """The first refusal among named days (None days are not given, so not checked)."""
    for what, day in days.items():
        if day is not None and (refusal := past_day_refusal(day, today=today, what=what)):
            return refusal
    return None

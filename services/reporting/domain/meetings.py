"""Meetings as reported: held, cancelled and the participants' no-show rate, by month and kind.

A meeting counts in the month it was scheduled to start. It is held once its attendance is
recorded. The no-show rate is taken over participant meetings held: the participants who did
not come without notice, of all whose attendance was recorded (excused ones included).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class MonthCounts:
    """One month's and kind's meetings, counted."""

    month: str
    kind: str
    scheduled: int
    held: int
    cancelled: int
    present: int
    excused: int
    no_show: int


def no_show_rate(present: int, excused: int, no_show: int) -> float | None:
    """No-shows over participant attendances recorded; None when there are none."""
    recorded = present + excused + no_show
    return round(no_show / recorded, 3) if recorded else None


def meeting_table(counts: Iterable[MonthCounts]) -> list[dict[str, object]]:
    """Report rows, by month then kind."""
    return [
        {
            "month": c.month, "kind": c.kind, "scheduled": c.scheduled, "held": c.held,
            "cancelled": c.cancelled, "participant_present": c.present,
            "participant_excused": c.excused, "participant_no_show": c.no_show,
            "no_show_rate": no_show_rate(c.present, c.excused, c.no_show),
        }
        for c in sorted(counts, key=lambda c: (c.month, c.kind))
    ]  # fmt: skip

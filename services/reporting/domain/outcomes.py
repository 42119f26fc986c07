"""Outcome by activity: "of the 14 on vocational courses, 7 were employed".

Who took part, stated once (every figure counting people on an activity uses `took_part`):
a participant took part in an activity that started — in progress, completed, or dropped
after starting. A `planned` activity has not started: hours logged on it count in the hours
figures, but its participant does not count as having taken part.

The outcome-by-activity cohort is the participants who left in the period (by exit date, as
the ESF result indicators), counted under every activity type they took part in (at any time
during their case; one person once per type): employed on leaving and in education or
training on leaving (the "upon leaving" rules of CR01/CR02 with their settings), and employed
six months after (the follow-up recorded so far).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from services.reporting.domain.record import (
    EMPLOYED,
    ParticipantRecord,
    employed_six_months_after,
    leaving_situations,
)
from services.reporting.domain.snapshot import Activity
from services.reporting.settings import ReportingSettings

STARTED = frozenset({"in_progress", "completed", "dropped"})
"""Activity statuses that mean the activity started (every status but `planned`)."""


def took_part(a: Activity) -> bool:
    """The participant took part in the activity: it started (not merely `planned`)."""
    return a.status in STARTED


def employed_on_leaving(r: ParticipantRecord, s: ReportingSettings) -> bool:
    """In employment (including self-employment) upon leaving."""
    return bool(leaving_situations(r, s) & EMPLOYED)


def in_education_on_leaving(r: ParticipantRecord, s: ReportingSettings) -> bool:
    """In education or training upon leaving (the CR02 rule)."""
    return "education_or_training" in leaving_situations(r, s)


@dataclass(frozen=True)
class Outcome:
    """What one leaver achieved, counted under each activity type they took part in."""

    employed_on_leaving: bool
    in_education_on_leaving: bool
    employed_six_months_after: bool


def outcome_of(r: ParticipantRecord, s: ReportingSettings) -> Outcome | None:
    """The leaver's results (None: not left)."""
    if r.exited_on is None:
        return None
    return Outcome(
        employed_on_leaving(r, s), in_education_on_leaving(r, s), employed_six_months_after(r)
    )


def types_taken_part_in(activities: Iterable[Activity]) -> list[str]:
    """The activity types the participant took part in, each once, sorted."""
    return sorted({a.activity_type for a in activities if took_part(a)})


COLUMNS = ("employed_on_leaving", "in_education_on_leaving", "employed_six_months_after")


def outcome_table(counts: Mapping[str, Mapping[str, int]]) -> list[dict[str, Any]]:
    """Rows per activity type: participants who took part and how many of them had each
    result (`counts`: type -> {"participants": n, column: n, ...})."""
    return [
        {"activity_type": t, "participants": c["participants"]}
        | {col: c.get(col, 0) for col in COLUMNS}
        for t, c in sorted(counts.items())
        if c["participants"] > 0
    ]


def outcome_rows(
    leavers: Iterable[ParticipantRecord], activities: Iterable[Activity], s: ReportingSettings
) -> list[dict[str, Any]]:
    """Outcome by activity over a whole population of leavers (the reference definition)."""
    mine: dict[Any, list[Activity]] = {}
    for a in activities:
        mine.setdefault(a.participant_id, []).append(a)
    counts: dict[str, dict[str, int]] = {}
    for r in leavers:
        got = outcome_of(r, s)
        assert got is not None
        for t in types_taken_part_in(mine.get(r.participant_id, [])):
            c = counts.setdefault(t, dict.fromkeys(("participants", *COLUMNS), 0))
            c["participants"] += 1
            for col in COLUMNS:
                c[col] += int(getattr(got, col))
    return outcome_table(counts)

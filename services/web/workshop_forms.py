"""A workshop's forms (pure): the week's grid of hours and attendance for all its placements,
and the end of a placement."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from services.web.employer_forms import parse_day

PLACEMENT_OUTCOMES = ("completed", "hired", "dropped_out", "ended_by_organisation")
ATTENDANCE = ("present", "absent")


def cell(placement_id: str, day: date, kind: str = "h") -> str:
    """The form field of one placement's day: `h` its hours, `a` its attendance."""
    return f"{kind}-{placement_id}-{day.isoformat()}"


def hours_of(text: str) -> Decimal | str:
    """The hours a cell holds, or the code of why they are not hours of a day."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return "float_parsing"
    if not value.is_finite():
        return "float_parsing"
    if not (Decimal(0) < value <= Decimal(24)) or value != value.quantize(Decimal("0.01")):
        return "hours_out_of_range"
    return value


@dataclass
class Grid:
    """What the grid asks for: the timesheet's rows (with each row's cell, in order), the
    attendance to record, and an error code per cell that the page refuses itself."""

    rows: list[dict[str, str]] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    attendance: list[tuple[str, date, bool, str]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def parse_grid(
    values: dict[str, Any], placements: list[dict[str, Any]], days: list[date], today: date
) -> Grid:
    """Read the cells of the placements the organisation acts on (own, active): hours filled
    in become timesheet rows; attendance chosen and changed becomes a record, refused before
    the placement's start or in the future."""
    grid = Grid()
    for p in placements:
        if not p.get("own") or p.get("status") != "active":
            continue
        pid = str(p["placement_id"])
        starts = date.fromisoformat(str(p["starts_on"]))
        recorded = {str(d["day"]): d.get("present") for d in p.get("week", [])}
        for day in days:
            name = cell(pid, day)
            text = str(values.get(name) or "").strip()
            if text:
                hours = hours_of(text)
                if isinstance(hours, str):
                    grid.errors[name] = hours
                else:
                    grid.rows.append(
                        {"placement_id": pid, "worked_on": day.isoformat(), "hours": str(hours)}
                    )
                    grid.cells.append(name)
            chosen = str(values.get(cell(pid, day, "a")) or "")
            if chosen not in ATTENDANCE:
                continue
            present = chosen == "present"
            if recorded.get(day.isoformat()) is present:
                continue  # as recorded already
            where = cell(pid, day, "a")
            if day < starts:
                grid.errors[where] = "before_start"
            elif day > today:
                grid.errors[where] = "attendance_in_future"
            else:
                grid.attendance.append((pid, day, present, where))
    return grid


def end_body(
    values: dict[str, Any], organisation_id: str, starts_on: date | None, today: date
) -> tuple[dict[str, Any], dict[str, str]]:
    """The body ending a placement, or the code of why the form is refused under the field it
    belongs beside (`outcome`, `ended_on`): the last day is written dd.mm.yyyy (empty: today),
    not before the placement started (when known) and not in the future."""
    errors: dict[str, str] = {}
    outcome = str(values.get("outcome") or "")
    if outcome not in PLACEMENT_OUTCOMES:
        errors["outcome"] = "enum"
    body: dict[str, Any] = {"organisation_id": organisation_id, "outcome": outcome}
    ended = str(values.get("ended_on") or "").strip()
    if ended:
        day = parse_day(ended)
        if day is None:
            errors["ended_on"] = "date_from_datetime_parsing"
        elif starts_on is not None and day < starts_on:
            errors["ended_on"] = "ends_before_start"
        elif day > today:
            errors["ended_on"] = "ended_in_future"
        else:
            body["ended_on"] = day.isoformat()
    body["ready_again"] = values.get("ready_again") == "on"
    return ({}, errors) if errors else (body, {})

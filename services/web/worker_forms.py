"""The support worker's forms (pure): a week's grid of hours, the kinds a person is ready for."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

OPENING_KINDS = ("work_practice", "workshop_place", "low_threshold_job", "wage_subsidised_job",
                 "regular_job", "volunteering", "training_place")  # fmt: skip
EXIT_OUTCOMES = ("employed", "self_employed", "education_or_training", "qualification_gained",
                 "job_searching", "inactive", "other")  # fmt: skip


FOLLOW_UP_OUTCOMES = ("employed", "self_employed", "improved_situation", "education_or_training",
                      "job_searching", "inactive", "other", "not_reached")  # fmt: skip


def week_of(day: date) -> list[date]:
    """The seven days (Monday first) of the week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=i) for i in range(7)]


def parse_week(
    values: dict[str, Any], days: list[date]
) -> tuple[list[tuple[date, Decimal]], dict[str, str]]:
    """The (day, hours) cells filled in, and an error code per cell that is not 0-24 hours."""
    hours: list[tuple[date, Decimal]] = []
    errors: dict[str, str] = {}
    for day in days:
        name = f"h-{day.isoformat()}"
        text = str(values.get(name) or "").strip().replace(",", ".")
        if not text:
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            errors[name] = "float_parsing"
            continue
        if not (Decimal(0) < value <= Decimal(24)) or value != value.quantize(Decimal("0.01")):
            errors[name] = "hours_out_of_range"
            continue
        hours.append((day, value))
    return hours, errors


def chosen_kinds(values: list[str]) -> list[str]:
    """The opening kinds ticked, known ones only, in the catalogue's order."""
    return [k for k in OPENING_KINDS if k in values]


def refused_cells(
    rows: list[dict[str, Any]], cells: list[str], reason: str = "error"
) -> dict[str, str]:
    """A refused timesheet's rows as errors beside their cells: `cells[i]` names the form
    field of the sheet's row `i`; a refusal without rows marks every cell."""
    errors: dict[str, str] = {}
    for row in rows:
        index = row.get("index")
        if isinstance(index, int) and 0 <= index < len(cells):
            errors[cells[index]] = str(row.get("reason") or reason)
    return errors or dict.fromkeys(cells, reason)

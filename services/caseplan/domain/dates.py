"""Calendar arithmetic the case plan rules need."""

import calendar
from datetime import date

PLAN_MONTHS = 12
"""A case plan's planned length."""
FOLLOW_UP_MONTHS = 6
"""How long after leaving the follow-up is due."""


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))

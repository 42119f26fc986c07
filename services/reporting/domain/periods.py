"""Periods as buckets of the stored sums: whole years, whole months and single days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class BucketRange:
    """Buckets of one grain, from the one starting on `first` to the one starting on `last`."""

    grain: str  # "y", "m" or "d"
    first: date
    last: date


def bucket_of(grain: str, day: date) -> date:
    """The first day of the year, month or day that holds `day`."""
    if grain == "y":
        return day.replace(month=1, day=1)
    if grain == "m":
        return day.replace(day=1)
    return day


def bucket_ranges(lo: date | None, hi: date | None, *, by_month: bool = False) -> list[BucketRange]:
    """Buckets covering each day of [lo, hi] exactly once (None: unbounded), fewest first.

    by_month: no year buckets, so every bucket lies within one month.
    """
    lo, hi = lo or date.min, hi or date.max
    if lo > hi:
        return []
    if by_month:
        return _months_and_days(lo, hi)
    first = lo.year if (lo.month, lo.day) == (1, 1) else lo.year + 1
    last = hi.year if (hi.month, hi.day) == (12, 31) else hi.year - 1
    if first > last:
        return _months_and_days(lo, hi)
    out = [BucketRange("y", date(first, 1, 1), date(last, 1, 1))]
    if first > lo.year:
        out += _months_and_days(lo, date(first - 1, 12, 31))
    if last < hi.year:
        out += _months_and_days(date(last + 1, 1, 1), hi)
    return out


def _months_and_days(lo: date, hi: date) -> list[BucketRange]:
    first = lo if lo.day == 1 else _next_month(lo)
    end_of_hi = hi == date.max or (hi + ONE_DAY).day == 1
    last = hi.replace(day=1) if end_of_hi else _previous_month(hi.replace(day=1))
    if first is None or last is None or first > last:
        return [BucketRange("d", lo, hi)]
    out = [BucketRange("m", first, last)]
    if lo < first:
        out.append(BucketRange("d", lo, first - ONE_DAY))
    after_last = _next_month(last)
    if after_last is not None and after_last <= hi:
        out.append(BucketRange("d", after_last, hi))
    return out


def _next_month(day: date) -> date | None:
    if day.month == 12:
        return None if day.year == date.max.year else date(day.year + 1, 1, 1)
    return date(day.year, day.month + 1, 1)


def _previous_month(first: date) -> date | None:
    if first.month == 1:
        return None if first.year == date.min.year else date(first.year - 1, 12, 1)
    return date(first.year, first.month - 1, 1)


def month_of(day: date) -> str:
    """YYYY-MM."""
    return f"{day.year:04d}-{day.month:02d}"

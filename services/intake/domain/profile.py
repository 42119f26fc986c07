"""Pure rules about a participant's profile: age, age band, coarse location, corrections."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

COARSE_DECIMALS = 2
"""Coordinates rounded to 2 decimals: about 1 km in latitude, less in longitude up north."""


def age_on(birth: date, day: date) -> int:
    """Completed years of age on `day`."""
    before_birthday = (day.month, day.day) < (birth.month, birth.day)
    return day.year - birth.year - int(before_birthday)


def age_band(age: int | None) -> str:
    """The ESF age band: under_18, 18_24, 25_29, 30_54, 55_plus (or unknown)."""
    if age is None:
        return "unknown"
    if age < 18:
        return "under_18"
    if age < 25:
        return "18_24"
    if age < 30:
        return "25_29"
    if age < 55:
        return "30_54"
    return "55_plus"


def coarse(value: float) -> float:
    """A coordinate rounded to about 1 km."""
    return round(value, COARSE_DECIMALS)


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Names of the fields whose value differs between two profiles, sorted."""
    keys = set(old) | set(new)
    return sorted(k for k in keys if old.get(k) != new.get(k))

"""Polku's privacy rule for exports leaving the network: no group of fewer than 5 people."""

from __future__ import annotations

from typing import Any

SUPPRESSED = "<5"

COUNT_FIELDS = frozenset(
    {"total", "female", "male", "non_binary", "unknown", "not_reported", "participants", "count"}
)
"""Fields holding numbers of people (hours, seats and averages are not people)."""


def suppress(value: Any, threshold: int = 5) -> Any:
    """A count of people, or '<5' when it is between 1 and threshold-1."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < threshold:
        return SUPPRESSED
    return value


def suppress_row(row: dict[str, Any], threshold: int = 5) -> dict[str, Any]:
    """A row with every count of people suppressed below the threshold."""
    return {k: suppress(v, threshold) if k in COUNT_FIELDS else v for k, v in row.items()}

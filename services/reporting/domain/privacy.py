"""Polku's privacy rule for exports leaving the network: no group of fewer than 5 people."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

SUPPRESSED = "<5"

DERIVED = frozenset({"acceptance_rate", "utilisation", "longest_wait_days"})
"""Row fields computed from the row's people counts: hidden with them."""

NOT_PEOPLE = frozenset({"open_seats", "as_of"})
"""Summary figures that are not numbers of people."""

AVERAGE_BASES = {
    "average_days_to_first_placement": "participants_placed",
    "average_days_to_employment": "participants_employed",
}
"""Each average and the number of people it is taken over."""


def is_small(value: Any, threshold: int = 5) -> bool:
    """A count of people between 1 and threshold-1 (zero reveals nobody)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < threshold


def suppress(value: Any, threshold: int = 5) -> Any:
    """A count of people, or '<5' when it is small."""
    return SUPPRESSED if is_small(value, threshold) else value


def suppress_row(row: dict[str, Any], people: Iterable[str], threshold: int = 5) -> dict[str, Any]:
    """A row with small counts of people as '<5', and what is derived from them hidden too."""
    people = set(people)
    out = {k: suppress(v, threshold) if k in people else v for k, v in row.items()}
    if any(is_small(row.get(k), threshold) for k in people):
        out.update({k: SUPPRESSED for k in DERIVED if k in out})
    return out


def suppress_summary(figures: dict[str, Any], threshold: int = 5) -> dict[str, Any]:
    """Headline figures for outside: small counts and averages over few people as '<5'."""
    out: dict[str, Any] = {}
    for name, value in figures.items():
        base = AVERAGE_BASES.get(name)
        if base is not None:
            out[name] = SUPPRESSED if is_small(figures.get(base), threshold) else value
        elif name in NOT_PEOPLE:
            out[name] = value
        else:
            out[name] = suppress(value, threshold)
    return out

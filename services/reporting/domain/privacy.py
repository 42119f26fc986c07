"""Polku's privacy rule for exports leaving the network: no group of fewer than 5 people."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

SUPPRESSED = "<5"

HIDDEN = "x"
"""A count of 5 or more hidden so that a '<5' beside it cannot be derived from the total."""

DERIVED = frozenset({"acceptance_rate", "utilisation", "longest_wait_days", "no_show_rate"})
"""Row fields computed from the row's people counts: hidden with them."""

NOT_PEOPLE = frozenset(
    {"open_seats", "as_of", "activity_hours", "work_practice_hours", "hours_total"}
)
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


def suppress_row(
    row: dict[str, Any],
    people: Iterable[str],
    threshold: int = 5,
    totals: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """A row with small counts of people as '<5', what is derived from them hidden too, and
    for each total (name -> the parts it sums) enough parts hidden that none can be derived."""
    people = set(people)
    out = {k: suppress(v, threshold) if k in people else v for k, v in row.items()}
    if any(is_small(row.get(k), threshold) for k in people):
        out.update({k: SUPPRESSED for k in DERIVED if k in out})
    for total, parts in (totals or {}).items():
        if out.get(total) != SUPPRESSED:
            cells = {k: row[k] for k in parts if isinstance(row.get(k), int)}
            out.update(dict.fromkeys(complementary(cells, threshold), HIDDEN))
    return out


def complementary(cells: Mapping[str, int], threshold: int = 5) -> list[str]:
    """The parts of a shown total to hide beside its small ones, smallest first: at least
    two hidden, together no fewer than `threshold` people, so that subtracting the shown
    parts from the total reveals neither a small part nor a small group of them."""
    hidden = {k for k, v in cells.items() if is_small(v, threshold)}
    shown = sorted((v, k) for k, v in cells.items() if k not in hidden and v > 0)
    extra: list[str] = []
    while hidden and shown and (len(hidden) < 2 or sum(cells[k] for k in hidden) < threshold):
        _, name = shown.pop(0)
        hidden.add(name)
        extra.append(name)
    return extra


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

"""The web front's operator dashboard in one answer: which reports it draws, and a
sub-region's tables added up from its municipalities' (each municipality's report as
`/v1/reports/{name}?municipality=` gives it). Pure."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Row = dict[str, Any]

BY_PLACE = ("places", "unemployment-structure")
"""Reports with a municipality column: the whole network's rows of the chosen ones."""
ADDED: dict[str, tuple[str, tuple[str, ...]]] = {
    "intermediate-labour-market": (
        "organisation_kind",
        ("seats", "placements", "open_seats", "openings"),
    ),
    "timeseries": ("month", ("registrations", "placements_started", "employed_on_leaving")),
    "caseloads": ("support_worker_id", ("cases",)),
}
"""Reports without one: each chosen municipality's rows added up by key (the counts named)."""
MAX_MUNICIPALITIES = 100
"""The most municipalities one answer adds up (a sub-region holds a handful)."""


def only(rows: Iterable[Row], municipalities: Iterable[str]) -> list[Row]:
    """The rows of these municipalities."""
    keep = set(municipalities)
    return [r for r in rows if r["municipality"] in keep]


def add_by(tables: Iterable[list[Row]], key: str, counts: Iterable[str]) -> list[Row]:
    """Rows of several tables with the same `key` added up, the other columns taken from the
    first; sorted by key."""
    out: dict[Any, Row] = {}
    for table in tables:
        for r in table:
            if r[key] in out:
                for c in counts:
                    out[r[key]][c] += r[c]
            else:
                out[r[key]] = dict(r)
    return [out[k] for k in sorted(out)]


def with_use(rows: list[Row]) -> list[Row]:
    """The intermediate labour market's rows with the share of seats in use recomputed."""
    return [
        {**r, "utilisation": round(r["placements"] / r["seats"], 3) if r["seats"] else None}
        for r in rows
    ]


def with_utilisation(rows: list[Row]) -> list[Row]:
    """Caseload rows with utilisation recomputed, fullest first (as the report orders them)."""
    out = [{**r, "utilisation": round(r["cases"] / r["capacity"], 3)} for r in rows]
    return sorted(out, key=lambda r: (-r["cases"], r["support_worker_id"]))


def added(name: str, tables: list[list[Row]]) -> list[Row]:
    """A report of several municipalities from each one's rows (one table: itself)."""
    key, counts = ADDED[name]
    rows = tables[0] if len(tables) == 1 else add_by(tables, key, counts)
    if name == "intermediate-labour-market":
        return with_use(rows)
    if name == "caseloads":
        return with_utilisation(rows)
    return rows

"""How contributions are stored: figure names, flag bits, risk-group bits, the rules' settings."""

from __future__ import annotations

import hashlib
import json

from services.reporting.domain.esf import all_indicators
from services.reporting.settings import ReportingSettings
from shared.events.vocabulary import RiskGroup

ENTRY = "entry"  # registered on; k = sex; flags: refused, placed, employed, output indicators
UNEMPLOYMENT = "unemployment"  # registered on; k = age band, ISCED level, months band
EXIT = "exit"  # exited on; k = sex; flags: refused, employed on leaving, result indicators
EXIT_OUTCOME = "exit_outcome"  # exited on; k = outcome
FOLLOW_UP = "follow_up"  # followed up on, employed six months after
PLACEMENT_START = "placement_start"  # starts on, at the placement's organisation
PLACEMENT_END = "placement_end"  # ended on; k = outcome
ACTIVITY_FIRST = "activity_first"  # k = type; first day with an activity of the type
ACTIVITY_LAST = "activity_last"  # k = type; last such day
COMPLETED_FIRST = "completed_first"  # the same for completed activities
COMPLETED_LAST = "completed_last"
HOURS = "hours"  # worked on; k = activity type; n = loggings
WORK_PRACTICE_HOURS = "work_practice_hours"  # worked on (placement hours); n = loggings
ACTIVITY_OUTCOME = "activity_outcome"  # exited on; k = activity type taken part in; flags:
# employed on leaving; x1 = in education or training on leaving, x2 = employed six months after
MATCH = "match"  # proposed (or accepted) on; k = sex, age band; x1 = accepted
ACTIVE = "active"  # +1 on the first day of an open case, -1 on the first day after
CASELOAD = "caseload"  # the same per support worker (k)
FILLED = "filled"  # a placement going on now; k = opening id (kept in opening_filled)

SEP = "\x1f"
"""Joins the parts of a composite k."""

BASE_FLAGS = ("refused", "placed", "employed", "employed_on_leaving", "exit_employed")
FLAGS: tuple[str, ...] = (*BASE_FLAGS, *(i.code.lower() for i in all_indicators()))
"""Every flag a contribution may carry, by bit position (a column of figure_cube each)."""
BIT = {name: 1 << i for i, name in enumerate(FLAGS)}

RISK_BIT = {g.value: 1 << i for i, g in enumerate(RiskGroup)}
"""One bit per risk group: a participant's groups as one int."""


def riskmask(groups: frozenset[str]) -> int:
    """The bits of a set of risk groups."""
    mask = 0
    for group in groups:
        mask |= RISK_BIT[group]
    return mask


def risk_groups(mask: int) -> frozenset[str]:
    """The risk groups of a mask."""
    return frozenset(g for g, bit in RISK_BIT.items() if mask & bit)


def flag_names(flags: int) -> list[str]:
    """The names of the set bits."""
    return [name for name, bit in BIT.items() if flags & bit]


RULE_SETTINGS = (
    "long_term_months_under_25", "long_term_months_25_plus", "upon_leaving_days",
    "exit_day_counts", "qualification_counts_as_education", "low_skills_disadvantaged",
    "cr01_population", "cr04_population", "cr06_population", "eecr01_population",
    "eecr04_population", "eecr05_population",
)  # fmt: skip
"""Settings the stored contributions depend on (the others apply at query time)."""
LAYOUT_VERSION = 2  # 2: work-practice hours, outcome by activity


def fingerprint(settings: ReportingSettings) -> str:
    """What the stored contributions were computed with; a change means recomputing them."""
    rules = {name: getattr(settings, name) for name in RULE_SETTINGS}
    body = json.dumps({"rules": rules, "flags": FLAGS, "risk": list(RISK_BIT),
                       "layout": LAYOUT_VERSION}, sort_keys=True)  # fmt: skip
    return hashlib.sha256(body.encode()).hexdigest()

"""Which groups an opening may be reserved for, and by whom.

Special categories of personal data (GDPR art. 9 and 10: health, criminal convictions, ethnic
origin) may decide a match only through a network programme, set by a support organisation
or the operator, and never for a participant who refused their processing. An employer may
reserve an opening for other groups only (youth, the long-term unemployed, ...), so the
proposals it receives reveal nothing special about anyone.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.events.vocabulary import LabourMarketStatus, RiskGroup

SPECIAL_CATEGORY_GROUPS = frozenset(
    {
        RiskGroup.RELEASED_FROM_PRISON.value,  # criminal convictions (art. 10)
        RiskGroup.ADDICTION_RECOVERY.value,  # health (art. 9)
        RiskGroup.DISABILITY.value,  # health (art. 9)
        RiskGroup.MIGRANT_OR_MINORITY.value,  # racial or ethnic origin (art. 9)
    }
)
"""Risk groups that are special categories of personal data."""

KNOWN_GROUPS = frozenset(
    {g.value for g in RiskGroup} | {s.value for s in LabourMarketStatus} | {"youth", "senior"}
)
"""Every group an opening may name: risk groups, labour-market statuses, youth and senior."""


def group_refusal(groups: Iterable[str], *, by_network: bool) -> tuple[str, str] | None:
    """Why these groups may not be set on an opening (reason, message), or None: unknown
    groups never; special categories only by the network (a programme), not an employer."""
    named = {g.strip().lower() for g in groups}
    unknown = sorted(named - KNOWN_GROUPS)
    if unknown:
        return "unknown_group", f"unknown groups: {', '.join(unknown)}"
    special = sorted(named & SPECIAL_CATEGORY_GROUPS)
    if special and not by_network:
        return (
            "special_category_target",
            f"an employer may not reserve an opening for {', '.join(special)} (special"
            " categories); the network sets programmes aimed at such groups",
        )
    return None


def usable_groups(groups: Iterable[str], *, special_categories_refused: bool) -> frozenset[str]:
    """The groups a participant may be matched by: no special category if they refused it."""
    named = frozenset(groups)
    return named - SPECIAL_CATEGORY_GROUPS if special_categories_refused else named

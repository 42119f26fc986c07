"""Whose figures a caller sees: operators and admins the network's, a municipality its own
participants', a support organisation its cases'. Pure: the API hands in the caller's role."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from services.reporting.domain.filters import ReportFilter

NETWORK_ROLES = frozenset({"operator", "admin"})
"""Roles that see the whole network's figures and may filter them freely."""
READERS = ("operator", "admin", "municipality", "support_worker")
"""Every role that reads figures (the others see none)."""


class OutOfScope(ValueError):
    """The caller asked for figures that are not theirs; `reason` says how."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def scoped(
    f: ReportFilter, *, role: str, municipality: str | None, organisation_id: UUID | None
) -> ReportFilter:
    """The filter narrowed to the caller's own participants; asking for another
    municipality's or organisation's figures is refused, never silently narrowed."""
    if role in NETWORK_ROLES:
        return f
    if role == "municipality":
        if municipality is None:
            raise OutOfScope("no_municipality", "the key names no municipality")
        if f.municipality is not None and f.municipality != municipality:
            raise OutOfScope("other_municipality", "a municipality sees only its own figures")
        return replace(f, municipality=municipality)
    if role == "support_worker":
        if organisation_id is None:
            raise OutOfScope("other_organisation", "the key names no organisation")
        if f.organisation_id is not None and f.organisation_id != organisation_id:
            raise OutOfScope("other_organisation", "an organisation sees only its own cases")
        return replace(f, organisation_id=organisation_id)
    raise OutOfScope("role_not_allowed", f"a {role} key reads no figures")

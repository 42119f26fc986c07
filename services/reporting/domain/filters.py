"""The filters every figure takes: period, municipality, organisation and risk group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from services.reporting.domain.record import ParticipantRecord
from shared.events.vocabulary import RiskGroup


class InvalidFilter(ValueError):
    """A filter value that cannot be used; `field` and `reason` say which and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class ReportFilter:
    """Which participants and which period a figure covers."""

    start: date | None = None
    end: date | None = None
    municipality: str | None = None
    organisation_id: UUID | None = None
    risk_group: str | None = None

    def in_period(self, day: date | None) -> bool:
        """Whether a date falls in the period (an open end is unbounded)."""
        if day is None:
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def admits(self, record: ParticipantRecord) -> bool:
        """Whether a participant belongs to the filtered population."""
        if self.municipality is not None and record.municipality != self.municipality:
            return False
        if self.risk_group is not None and self.risk_group not in record.risk_groups:
            return False
        return self.organisation_id is None or self.organisation_id in record.organisation_ids


def parse_filter(
    *,
    start: str | None,
    end: str | None,
    municipality: str | None,
    organisation: str | None,
    risk_group: str | None,
) -> ReportFilter:
    """Validate raw query values into a filter; raises InvalidFilter with the reason."""
    org = None
    if organisation is not None:
        try:
            org = UUID(organisation)
        except ValueError:
            raise InvalidFilter("organisation", "not a UUID") from None
    return build_filter(
        start=_parse_date("from", start),
        end=_parse_date("to", end),
        municipality=municipality,
        organisation_id=org,
        risk_group=risk_group,
    )


def build_filter(
    *,
    start: date | None,
    end: date | None,
    municipality: str | None,
    organisation_id: UUID | None,
    risk_group: str | None,
) -> ReportFilter:
    """A filter from typed values; raises InvalidFilter when they do not fit together."""
    if start and end and start > end:
        raise InvalidFilter("to", "the end of the period is before its start")
    # A municipality is a name as given (at least one character, no NUL: the query's schema);
    # one nobody is registered in has empty figures, as a name with only spaces does.
    if risk_group is not None and risk_group not in {g.value for g in RiskGroup}:
        raise InvalidFilter("risk_group", f"unknown risk group {risk_group!r}")
    place = None if municipality is None else municipality.strip()
    return ReportFilter(start, end, place, organisation_id, risk_group)


def _parse_date(field: str, value: str | None) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidFilter(field, "not a date (use YYYY-MM-DD)") from None

"""A participant as reporting sees them: status at entry, activities, placements, outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from services.reporting.settings import ReportingSettings

EMPLOYED = frozenset({"employed", "self_employed", "improved_situation"})
"""Situations that count as being in employment (including self-employment)."""
DISADVANTAGED_GROUPS = frozenset(
    {"released_from_prison", "addiction_recovery", "single_parent", "other_disadvantaged"}
)
"""Risk groups that make a participant 'other disadvantaged' (CO17)."""


@dataclass(frozen=True)
class Placement:
    """One placement of the participant at an organisation."""

    placement_id: UUID
    organisation_id: UUID | None
    starts_on: date | None
    ended_on: date | None = None
    outcome: str | None = None
    opening_kind: str | None = None


@dataclass(frozen=True)
class ParticipantRecord:
    """Everything reporting knows of one participant, built only from events."""

    participant_id: UUID
    registered_on: date
    municipality: str = ""
    age_at_entry: int | None = None
    age_band: str = "unknown"
    sex: str = "unknown"
    status_at_entry: str = "unemployed"
    months_unemployed: int = 0
    in_education_at_entry: bool = False
    isced_level: int | None = None
    risk_groups: frozenset[str] = frozenset()
    special_categories_refused: bool = False
    organisation_ids: frozenset[UUID] = frozenset()
    exited_on: date | None = None
    exit_outcome: str | None = None
    followed_up_on: date | None = None
    follow_up_outcome: str | None = None
    follow_up_due_on: date | None = None
    follow_up_withdrawn: bool = False
    """Consent to follow-up contact withdrawn: the follow-up is not collected (unknown)."""
    placements: tuple[Placement, ...] = ()
    case_opened_on: date | None = None
    waitlisted_on: date | None = None
    support_worker_id: UUID | None = None
    assigned_on: date | None = field(default=None)

    @property
    def unemployed_at_entry(self) -> bool:
        """Unemployed (including long-term unemployed) at entry."""
        return self.status_at_entry in ("unemployed", "long_term_unemployed")

    @property
    def inactive_at_entry(self) -> bool:
        """Neither employed nor unemployed at entry."""
        return self.status_at_entry == "inactive"

    @property
    def employed_at_entry(self) -> bool:
        """Employed (including self-employed) at entry."""
        return self.status_at_entry == "employed"


def is_long_term_unemployed(record: ParticipantRecord, settings: ReportingSettings) -> bool:
    """More than 6 months unemployed under 25, more than 12 months at 25+ (settings)."""
    if not record.unemployed_at_entry:
        return False
    if record.age_at_entry is None:
        return record.status_at_entry == "long_term_unemployed"
    young = record.age_at_entry < 25
    limit = settings.long_term_months_under_25 if young else settings.long_term_months_25_plus
    return record.months_unemployed > limit


def is_disadvantaged(record: ParticipantRecord, settings: ReportingSettings) -> bool:
    """The 2014–2020 disadvantaged group: disability, migrant/minority or other disadvantaged."""
    return bool(
        record.risk_groups & {"disability", "migrant_or_minority"}
    ) or is_other_disadvantaged(record, settings)


def is_other_disadvantaged(record: ParticipantRecord, settings: ReportingSettings) -> bool:
    """Released from prison, addiction recovery, single parent, other (and low skills if set)."""
    groups = DISADVANTAGED_GROUPS | ({"low_skills"} if settings.low_skills_disadvantaged else set())
    return bool(record.risk_groups & groups)


def situations_upon_leaving(
    record: ParticipantRecord, settings: ReportingSettings
) -> list[tuple[date, str]]:
    """The dated situations within the 'upon leaving' window, oldest first."""
    if record.exited_on is None or record.exit_outcome is None:
        return []
    found = [(record.exited_on, record.exit_outcome)]
    if record.exit_outcome == "qualification_gained" and settings.qualification_counts_as_education:
        found.append((record.exited_on, "education_or_training"))
    first = record.exited_on + timedelta(days=0 if settings.exit_day_counts else 1)
    last = record.exited_on + timedelta(days=settings.upon_leaving_days)
    for p in record.placements:
        if p.outcome == "hired" and p.ended_on is not None and first <= p.ended_on <= last:
            found.append((p.ended_on, "employed"))
    return sorted(found, key=lambda item: item[0])


def last_labour_market_situation(
    record: ParticipantRecord, settings: ReportingSettings
) -> str | None:
    """ESF+: only the last labour-market event (employed or job searching) counts."""
    dated = [
        s
        for _, s in situations_upon_leaving(record, settings)
        if s in EMPLOYED or s == "job_searching"
    ]
    return dated[-1] if dated else None


def leaving_situations(record: ParticipantRecord, settings: ReportingSettings) -> set[str]:
    """Every situation upon leaving (2014–2020 counts each)."""
    return {s for _, s in situations_upon_leaving(record, settings)}


def employed_six_months_after(record: ParticipantRecord) -> bool:
    """In employment (including self-employment) at the six-month follow-up."""
    return record.follow_up_outcome in EMPLOYED

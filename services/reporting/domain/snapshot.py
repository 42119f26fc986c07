"""The read model as plain values: what every figure is computed from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from services.reporting.domain.central import OrganisationFact
from services.reporting.domain.record import ParticipantRecord, Placement


@dataclass(frozen=True)
class MeetingRecord:
    """One meeting as the events left it (`meeting_fact`)."""

    meeting_id: UUID
    organisation_id: UUID
    kind: str
    participant_id: UUID | None
    municipality: str | None
    starts_on: date
    held_on: date | None = None
    cancelled_on: date | None = None
    participant_status: str | None = None


@dataclass(frozen=True)
class Activity:
    """One activity of a case plan, in its newest state."""

    participant_id: UUID
    activity_type: str
    status: str
    organisation_id: UUID | None
    on: date


@dataclass(frozen=True)
class HoursLog:
    """Hours logged on an activity on one day."""

    participant_id: UUID
    activity_type: str
    organisation_id: UUID | None
    hours: float
    worked_on: date


@dataclass(frozen=True)
class WorkPracticeHours:
    """Hours a workshop logged on a placement on one day (work practice)."""

    participant_id: UUID
    organisation_id: UUID
    hours: float
    worked_on: date


@dataclass(frozen=True)
class Opening:
    """An opening of an organisation, with seats and how many placements fill it."""

    opening_id: UUID
    organisation_id: UUID
    organisation_kind: str
    municipality: str
    kind: str
    seats: int
    posted_on: date
    closed_on: date | None = None
    filled: int = 0


@dataclass(frozen=True)
class Match:
    """A proposal of a participant for an opening, and what became of it."""

    match_id: UUID
    participant_id: UUID
    organisation_id: UUID
    proposed_on: date | None
    accepted_on: date | None = None


@dataclass(frozen=True)
class PlacementFact:
    """A placement with its participant and logged hours."""

    participant_id: UUID
    placement: Placement
    hours: float = 0.0


@dataclass
class Snapshot:
    """Everything reporting knows, as values."""

    participants: list[ParticipantRecord] = field(default_factory=list)
    placements: list[PlacementFact] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    hours: list[HoursLog] = field(default_factory=list)
    openings: list[Opening] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    worker_limits: dict[str, int] = field(default_factory=dict)
    placement_hours: list[WorkPracticeHours] = field(default_factory=list)
    organisations: list[OrganisationFact] = field(default_factory=list)
    meetings: list[MeetingRecord] = field(default_factory=list)

    def by_id(self) -> dict[UUID, ParticipantRecord]:
        """Participants by id."""
        return {p.participant_id: p for p in self.participants}

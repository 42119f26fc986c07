"""Events produced by the matching service."""

from __future__ import annotations

from datetime import date
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.events import streams
from shared.events.envelope import Payload, register
from shared.events.vocabulary import DeclineCode, OpeningKind, OrganisationKind


class _MatchingEvent(Payload):
    STREAM: ClassVar[str] = streams.MATCHING


class MobileStop(BaseModel):
    """Where a mobile work-practice centre is from one day to another (both included)."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    starts_on: date
    ends_on: date
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    municipality: str | None = Field(None, max_length=100)
    """A label of the place (the coordinates decide the distance)."""


class OpeningFields(_MatchingEvent):
    opening_id: UUID
    organisation_id: UUID
    organisation_kind: OrganisationKind
    municipality: str
    title: str
    kind: OpeningKind
    seats: int = Field(ge=0)
    remote: bool = False
    low_threshold: bool = True
    starts_on: date | None = None
    ends_on: date | None = None
    paused: bool = False
    """Paused by its organisation: no new proposals until it is resumed."""
    schedule: list[MobileStop] = Field(default_factory=list)
    """A mobile centre's stops: on a day a stop covers, the opening is there."""


@register
class OpeningPosted(OpeningFields):
    """An organisation posted an opening with seats."""

    TYPE: ClassVar[str] = "opening.posted"


@register
class OpeningUpdated(OpeningFields):
    """An opening changed; carries its whole new state."""

    TYPE: ClassVar[str] = "opening.updated"


@register
class OpeningClosed(_MatchingEvent):
    """An opening closed and takes no more matches."""

    TYPE: ClassVar[str] = "opening.closed"
    opening_id: UUID
    organisation_id: UUID


class _MatchEvent(_MatchingEvent):
    match_id: UUID
    participant_id: UUID
    opening_id: UUID
    organisation_id: UUID


@register
class MatchProposed(_MatchEvent):
    """A participant was proposed for an opening."""

    TYPE: ClassVar[str] = "match.proposed"
    score: float = Field(ge=0, le=1)


@register
class MatchAccepted(_MatchEvent):
    """The organisation accepted the proposal: a placement should start."""

    TYPE: ClassVar[str] = "match.accepted"
    opening_kind: OpeningKind | None = None
    starts_on: date | None = None
    hours_per_week: float = 0


@register
class MatchDeclined(_MatchEvent):
    """The organisation declined the proposal, with a reason."""

    TYPE: ClassVar[str] = "match.declined"
    reason: str = ""
    code: DeclineCode | None = None
    """The reason's code (since the codes came; None: an older event, counted as `other`)."""


@register
class MatchExpired(_MatchEvent):
    """A proposal went unanswered for too long."""

    TYPE: ClassVar[str] = "match.expired"


@register
class MatchWithdrawn(_MatchEvent):
    """A live proposal was withdrawn by matching (e.g. the opening's seats were lowered)."""

    TYPE: ClassVar[str] = "match.withdrawn"
    reason: str = ""


class OrganisationFields(_MatchingEvent):
    organisation_id: UUID
    name: str
    kind: OrganisationKind
    municipality: str
    central_workshop_id: UUID | None = None
    """The central workshop a satellite workshop belongs to (None: not a satellite)."""


@register
class OrganisationRegistered(OrganisationFields):
    """An organisation that posts openings was registered."""

    TYPE: ClassVar[str] = "organisation.registered"


@register
class OrganisationUpdated(OrganisationFields):
    """An organisation changed (its name, place or central workshop); carries its new state."""

    TYPE: ClassVar[str] = "organisation.updated"

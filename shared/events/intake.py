"""Events produced by the intake service. They carry pseudonymous data only."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.events import streams
from shared.events.envelope import Payload, register
from shared.events.vocabulary import LabourMarketStatus, RiskGroup, Sex, Transport


class CoarseLocation(BaseModel):
    """Where a person lives, to about 1 km: municipality and rounded coordinates."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    municipality: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class ParticipantProfile(BaseModel):
    """What other services may know of a participant: no name, contact or identity number."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    participant_id: UUID
    municipality: str
    registered_on: date
    birth_year: int | None = None
    age_at_entry: int | None = None
    age_band: str = "unknown"
    sex: Sex = Sex.UNKNOWN
    languages: list[str] = Field(default_factory=list)
    risk_groups: list[RiskGroup] = Field(default_factory=list)
    labour_market_status: LabourMarketStatus = LabourMarketStatus.UNEMPLOYED
    months_unemployed: int = 0
    in_education_or_training: bool = False
    isced_level: int | None = Field(None, ge=0, le=8)
    skills: list[str] = Field(default_factory=list)
    interests: list[str] = Field(default_factory=list)
    location: CoarseLocation | None = None
    availability_hours: int = Field(20, ge=0, le=60)
    transport: Transport = Transport.PUBLIC
    max_travel_km: float = Field(30, ge=0)
    telework_ready: bool = False
    accessibility_needs: list[str] = Field(default_factory=list)
    special_categories_refused: bool = False


@register
class ParticipantRegistered(ParticipantProfile, Payload):
    """A person entered the network as a new participant."""

    TYPE: ClassVar[str] = "participant.registered"
    STREAM: ClassVar[str] = streams.INTAKE


@register
class ParticipantUpdated(ParticipantProfile, Payload):
    """A participant's profile was corrected or re-registered; carries the whole profile."""

    TYPE: ClassVar[str] = "participant.updated"
    STREAM: ClassVar[str] = streams.INTAKE
    changed_fields: list[str] = Field(default_factory=list)


@register
class ParticipantTransferred(ParticipantProfile, Payload):
    """A participant moved to another municipality by an approved transfer: their case, figures
    and candidacy follow. Carries the whole profile, `municipality` being the new one."""

    TYPE: ClassVar[str] = "participant.transferred"
    STREAM: ClassVar[str] = streams.INTAKE
    transfer_id: UUID
    from_municipality: str


@register
class ParticipantConsentWithdrawn(Payload):
    """The participant withdrew consent for the `purposes` named; each service stops only what
    rests on them (matching: the candidacy; case_management: the case work; follow_up: the
    six-month contact). An empty list, as the first producers could send, means every purpose."""

    TYPE: ClassVar[str] = "participant.consent_withdrawn"
    STREAM: ClassVar[str] = streams.INTAKE
    participant_id: UUID
    purposes: list[str] = Field(default_factory=list)


@register
class ParticipantErased(Payload):
    """The participant's data must be erased or anonymised everywhere (GDPR art. 17)."""

    TYPE: ClassVar[str] = "participant.erased"
    STREAM: ClassVar[str] = streams.INTAKE
    participant_id: UUID


@register
class IntakeRequested(Payload):
    """Internal to intake: a request read from polku.intake.requests; never published.

    It holds the request body as sent (personal data included), so it stays inside intake:
    the inbound stream's decoder wraps a valid request in it, and intake's handler registers it.
    """

    TYPE: ClassVar[str] = "intake.requested"
    STREAM: ClassVar[str] = streams.INTAKE_REQUESTS
    request_id: str | None = None
    body: dict[str, Any] = Field(default_factory=dict)


@register
class IntakeRowsRefused(Payload):
    """Rows of a municipality's upload, or requests on its inbound stream, were refused:
    how many and which (row numbers, request ids), never the rows' data."""

    TYPE: ClassVar[str] = "intake.rows_refused"
    STREAM: ClassVar[str] = streams.INTAKE
    municipality: str
    source: Literal["upload", "stream"]
    refused: int = Field(ge=1)
    total: int = Field(ge=1)
    rows: list[int] = Field(default_factory=list)
    """An upload's refused rows, numbered as its answer numbers them (a sheet's own rows)."""
    request_ids: list[str] = Field(default_factory=list)
    """The stream's refused requests' own `request_id`s (those that had one)."""

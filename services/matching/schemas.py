"""Request and response bodies of matching's HTTP API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from shared.events.vocabulary import OpeningKind, OrganisationKind


def _printable(value: str) -> str:
    if any(ord(ch) < 32 and ch not in "\t\n" for ch in value):
        raise ValueError("control characters are not allowed")
    return value


Text = Annotated[str, AfterValidator(_printable)]
Tags = list[Annotated[str, AfterValidator(_printable), Field(min_length=1, max_length=200)]]


class Location(BaseModel):
    """A point: latitude and longitude in degrees."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class OrganisationIn(BaseModel):
    """An organisation that posts openings."""

    model_config = ConfigDict(extra="forbid")
    name: Text = Field(min_length=1, max_length=200)
    kind: OrganisationKind
    municipality: Text = Field(min_length=1, max_length=100)
    location: Location | None = None
    webhook_url: Text | None = Field(None, max_length=2000)


class OrganisationOut(BaseModel):
    """An organisation; the webhook signing secret is only shown in the creation answer."""

    organisation_id: UUID
    name: str
    kind: OrganisationKind
    municipality: str
    location: Location | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None


class WebhookIn(BaseModel):
    """An organisation's webhook: a new URL (with a new signing secret) or none (polling)."""

    model_config = ConfigDict(extra="forbid")
    webhook_url: Text | None = Field(max_length=2000)


class WebhookOut(BaseModel):
    """The webhook as set; the new signing secret is shown in this answer only."""

    organisation_id: UUID
    webhook_url: str | None = None
    webhook_secret: str | None = None
    deliveries_dropped: int = 0


class OpeningIn(BaseModel):
    """An opening with seats, posted by an organisation."""

    model_config = ConfigDict(extra="forbid")
    organisation_id: UUID
    title: Text = Field(min_length=1, max_length=200)
    kind: OpeningKind
    seats: int = Field(ge=1, le=1000)
    location: Location | None = None
    remote: bool = False
    required_skills: Tags = Field(default_factory=list, max_length=50)
    nice_to_have_skills: Tags = Field(default_factory=list, max_length=50)
    languages: Tags = Field(default_factory=list, max_length=20)
    hours_per_week_min: int = Field(0, ge=0, le=60)
    hours_per_week_max: int = Field(40, ge=1, le=60)
    accessibility: Tags = Field(default_factory=list, max_length=20)
    eligible_groups: Tags = Field(default_factory=list, max_length=20)
    interest_tags: Tags = Field(default_factory=list, max_length=50)
    starts_on: date | None = None
    ends_on: date | None = None
    low_threshold: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> OpeningIn:
        if self.hours_per_week_min > self.hours_per_week_max:
            raise ValueError("hours_per_week_min is above hours_per_week_max")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        if self.location is None and not self.remote:
            raise ValueError("an opening needs a location unless it can be done remotely")
        return self


class OpeningChange(BaseModel):
    """Fields of an opening to change; the rest stay as they are."""

    model_config = ConfigDict(extra="forbid")
    title: Text | None = Field(None, min_length=1, max_length=200)
    seats: int | None = Field(None, ge=1, le=1000)
    location: Location | None = None
    remote: bool | None = None
    required_skills: Tags | None = None
    nice_to_have_skills: Tags | None = None
    languages: Tags | None = None
    hours_per_week_min: int | None = Field(None, ge=0, le=60)
    hours_per_week_max: int | None = Field(None, ge=1, le=60)
    accessibility: Tags | None = None
    eligible_groups: Tags | None = None
    interest_tags: Tags | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    low_threshold: bool | None = None


class OpeningOut(OpeningIn):
    """An opening as stored, with how many seats are taken."""

    model_config = ConfigDict(extra="ignore")
    opening_id: UUID
    status: str
    seats_taken: int = 0


class ProgrammeIn(BaseModel):
    """The groups a network programme on an opening is aimed at (empty: none)."""

    model_config = ConfigDict(extra="forbid")
    groups: Tags = Field(max_length=20)


class ProgrammeOut(BaseModel):
    """An opening's programme as set."""

    opening_id: UUID
    groups: list[str]


class MatchOut(BaseModel):
    """A proposal or decided match, with the explanation of its score."""

    match_id: UUID
    participant_id: UUID
    opening_id: UUID
    organisation_id: UUID
    status: str
    score: float
    explanation: dict[str, Any]
    reason: str | None = None
    proposed_at: datetime
    decided_at: datetime | None = None


class CandidateForOrganisation(BaseModel):
    """The minimum an organisation sees of a proposed participant: no name, no identity."""

    languages: list[str]
    availability_hours: int
    skills: list[str]
    support_worker_contact: str | None = None


class OrganisationMatchOut(BaseModel):
    """A proposal as an organisation sees it."""

    match_id: UUID
    opening_id: UUID
    opening_title: str
    status: str
    score: float
    explanation: list[str]
    candidate: CandidateForOrganisation
    proposed_at: datetime


class DeclineIn(BaseModel):
    """Why the organisation declines the proposal."""

    model_config = ConfigDict(extra="forbid")
    reason: Text = Field(min_length=1, max_length=1000)


class AcceptIn(BaseModel):
    """Optional details of an acceptance."""

    model_config = ConfigDict(extra="forbid")
    starts_on: date | None = None
    hours_per_week: float | None = Field(None, gt=0, le=60)

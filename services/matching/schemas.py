"""Request and response bodies of matching's HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    ValidationInfo,
    field_validator,
    model_validator,
)

from services.matching.domain.mobile import Stop, schedule_problems
from shared.events.vocabulary import DeclineCode, OpeningKind, OrganisationKind, RiskGroup
from shared.json_schema import AS_INTEGER, IsoDate, JsonInt, example


def _printable(value: str) -> str:
    if any(ord(ch) < 32 and ch not in "\t\n" for ch in value):
        raise ValueError("control characters are not allowed")
    return value


PRINTABLE = Field(json_schema_extra={"pattern": r"^[^\x00-\x08\x0b-\x1f]*$"})
"""What `_printable` lets through, as a JSON Schema pattern."""
Text = Annotated[str, AfterValidator(_printable), PRINTABLE]
Tags = list[
    Annotated[str, AfterValidator(_printable), PRINTABLE, Field(min_length=1, max_length=200)]
]


class Location(BaseModel):
    """A point: latitude and longitude in degrees."""

    lat: StrictFloat = Field(ge=-90, le=90)
    lon: StrictFloat = Field(ge=-180, le=180)


class ScheduleStopIn(BaseModel):
    """One stop of a mobile work-practice centre: where it is from one day to another."""

    model_config = ConfigDict(extra="forbid")
    starts_on: IsoDate
    ends_on: IsoDate
    location: Location
    municipality: Text | None = Field(None, min_length=1, max_length=100)
    """A label of the place; the location decides the distance."""


def stop_of(stop: ScheduleStopIn) -> Stop:
    """A stop as the domain's rules see it."""
    return Stop(stop.starts_on, stop.ends_on, stop.location.lat, stop.location.lon,
                stop.municipality)  # fmt: skip


class OrganisationIn(BaseModel):
    """An organisation that posts openings."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=example(
            {
                "name": "Tartu Central Workshop",
                "kind": "central_workshop",
                "municipality": "Tartu",
                "location": {"lat": 58.378, "lon": 26.729},
            }
        ),
    )
    name: Text = Field(min_length=1, max_length=200)
    kind: OrganisationKind
    municipality: Text = Field(min_length=1, max_length=100)
    location: Location | None = None
    webhook_url: Text | None = Field(None, max_length=2000)
    central_workshop_id: UUID | None = None
    """A satellite workshop's central workshop."""


class OrganisationOut(BaseModel):
    """An organisation; the webhook signing secret is only shown in the creation answer."""

    organisation_id: UUID
    name: str
    kind: OrganisationKind
    municipality: str
    location: Location | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    central_workshop_id: UUID | None = None


class WebhookIn(BaseModel):
    """An organisation's webhook: a new URL (with a new signing secret) or none (polling)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=example({"webhook_url": "https://employer.example/polku/webhook"}),
    )
    webhook_url: Text | None = Field(max_length=2000)


class WebhookOut(BaseModel):
    """The webhook as set; the new signing secret is shown in this answer only."""

    organisation_id: UUID
    webhook_url: str | None = None
    webhook_secret: str | None = None
    deliveries_dropped: int = 0


class OpeningIn(BaseModel):
    """An opening with seats, posted by an organisation."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            **example(
                {
                    "organisation_id": "0b6f3c52-4e1d-4a57-9a43-7d2c1f0e9a11",
                    "title": "Bicycle repair work practice",
                    "kind": "work_practice",
                    "seats": 2,
                    "location": {"lat": 58.378, "lon": 26.729},
                    "languages": ["et"],
                    "hours_per_week_min": 10,
                    "hours_per_week_max": 25,
                    "starts_on": "2026-04-01",
                }
            ),
            # what `_consistent` checks of where: a location, or work done remotely
            "anyOf": [
                {"required": ["location"], "properties": {"location": {"type": "object"}}},
                {"required": ["remote"], "properties": {"remote": {"const": True}}},
            ],
        },
    )
    organisation_id: UUID
    title: Text = Field(min_length=1, max_length=200)
    kind: OpeningKind
    seats: JsonInt = Field(ge=1, le=1000)
    location: Location | None = None
    remote: StrictBool = False
    required_skills: Tags = Field(default_factory=list, max_length=50)
    nice_to_have_skills: Tags = Field(default_factory=list, max_length=50)
    languages: Tags = Field(default_factory=list, max_length=20)
    hours_per_week_min: JsonInt = Field(0, ge=0, le=60)
    hours_per_week_max: JsonInt = Field(40, ge=1, le=60)
    accessibility: Tags = Field(default_factory=list, max_length=20)
    eligible_groups: Tags = Field(default_factory=list, max_length=20)
    interest_tags: Tags = Field(default_factory=list, max_length=50)
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    low_threshold: StrictBool = True
    description: Text = Field("", max_length=5000)
    paused: StrictBool = False
    """No new proposals while paused (the live ones stay)."""
    schedule: list[ScheduleStopIn] = Field(default_factory=list, max_length=100)
    """A mobile work-practice centre's stops: on a day a stop covers, distance counts from
    there (`domain/mobile.py`); on other days from `location`."""

    @model_validator(mode="after")
    def _consistent(self) -> OpeningIn:
        if self.hours_per_week_min > self.hours_per_week_max:
            raise ValueError("hours_per_week_min is above hours_per_week_max")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        if self.location is None and not self.remote:
            raise ValueError("an opening needs a location unless it can be done remotely")
        problems = schedule_problems([stop_of(s) for s in self.schedule])
        if problems:
            index, reason = problems[0]
            raise ValueError(f"schedule stop {index}: {reason}")
        return self


class OpeningChange(BaseModel):
    """Fields of an opening to change; the rest stay as they are."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=example({"seats": 3}))
    title: Text | None = Field(None, min_length=1, max_length=200)
    seats: Annotated[int, Field(ge=1, le=1000), AS_INTEGER] | None = None
    location: Location | None = None
    remote: StrictBool | None = None
    required_skills: Tags | None = None
    nice_to_have_skills: Tags | None = None
    languages: Tags | None = None
    hours_per_week_min: Annotated[int, Field(ge=0, le=60), AS_INTEGER] | None = None
    hours_per_week_max: Annotated[int, Field(ge=1, le=60), AS_INTEGER] | None = None
    accessibility: Tags | None = None
    eligible_groups: Tags | None = None
    interest_tags: Tags | None = None
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    low_threshold: StrictBool | None = None
    description: Text | None = Field(None, max_length=5000)
    paused: StrictBool | None = None
    schedule: list[ScheduleStopIn] | None = Field(None, max_length=100)


class OpeningOut(OpeningIn):
    """An opening as stored, with how many seats are taken."""

    model_config = ConfigDict(extra="ignore", json_schema_extra=None)
    opening_id: UUID
    status: str
    seats_taken: int = 0


class ProgrammeIn(BaseModel):
    """The groups a network programme on an opening is aimed at (empty: none)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra=example({"groups": ["released_from_prison"]})
    )
    groups: list[RiskGroup] = Field(max_length=20)


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
    decline_code: DeclineCode | None = None
    proposed_at: datetime
    decided_at: datetime | None = None


class CandidateForOrganisation(BaseModel):
    """The minimum an organisation sees of a proposed participant: no name, no identity."""

    languages: list[str]
    availability_hours: int
    skills: list[str]
    support_worker_contact: str | None = None


class FactorOut(BaseModel):
    """One factor of a score: its name (a code) and value in [0, 1]."""

    name: str
    value: float


class OrganisationMatchOut(BaseModel):
    """A proposal as an organisation sees it."""

    match_id: UUID
    opening_id: UUID
    opening_title: str
    status: str
    score: float
    explanation: list[str]
    factors: list[FactorOut] = Field(default_factory=list)
    """Each score factor by name and value, for a page in its reader's language."""
    candidate: CandidateForOrganisation
    proposed_at: datetime
    decided_at: datetime | None = None
    decline_code: DeclineCode | None = None
    reason: str | None = None
    """The organisation's own words when it declined."""
    participant_id: UUID | None = None
    placement_receipt: str | None = None
    """Only once accepted: the participant's pseudonymous id and matching's placement receipt
    (`shared/case_receipts.py`), with which intake opens the given name to the organisation
    when the participant agreed to employer contact."""


class DeclineIn(BaseModel):
    """Why the organisation declines the proposal: a code, and words (required with `other`,
    the code of a client that sends only words, as clients did before the codes)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=example(
            {"code": "position_filled", "reason": "The seats were filled in-house"}
        ),
    )
    code: DeclineCode = DeclineCode.OTHER
    reason: Text | None = Field(None, min_length=1, max_length=1000, validate_default=True)

    @field_validator("reason")
    @classmethod
    def _words_with_other(cls, reason: str | None, info: ValidationInfo) -> str | None:
        if (
            info.data.get("code", DeclineCode.OTHER) is DeclineCode.OTHER
            and not (reason or "").strip()
        ):
            raise ValueError("a decline for another reason needs the reason in words")
        return reason


class AcceptIn(BaseModel):
    """Optional details of an acceptance."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=example({"starts_on": "2026-04-06", "hours_per_week": 20}),
    )
    starts_on: IsoDate | None = None
    hours_per_week: StrictFloat | None = Field(None, gt=0, le=60)

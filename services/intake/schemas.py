"""The intake API's request and response models (validation lives here and in domain)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from services.intake.domain import not_boolean, parse_national_id, plausible_age, printable
from services.intake.languages import ISO_639_1
from shared.events.intake import ParticipantProfile
from shared.events.vocabulary import LabourMarketStatus, RiskGroup, Transport

CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of our clock a case system's consent time may be."""
ESCO_PREFIX = "http://data.europa.eu/esco/"
_ESCO_KINDS = ("skill/", "occupation/", "isco/")

Printable = AfterValidator(printable)
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), Printable
]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), Printable
]
Municipality = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=60), Printable
]
Number = BeforeValidator(not_boolean)
"""On a number field: true/false are refused, not read as 1/0."""
Hours = Annotated[int, Number, Field(ge=0, le=60)]
Months = Annotated[int, Number, Field(ge=0, le=600)]
Isced = Annotated[int, Number, Field(ge=0, le=8)]
Km = Annotated[float, Number, Field(ge=0, le=500)]


def _language(code: str) -> str:
    code = code.strip().lower()
    if code not in ISO_639_1:
        raise ValueError("not an ISO 639-1 language code")
    return code


def _skill(value: str) -> str:
    value = value.strip()
    if value.lower().startswith(("http://", "https://")):
        rest = value.removeprefix(ESCO_PREFIX)
        if rest == value or not rest.startswith(_ESCO_KINDS) or len(rest.split("/", 1)[1]) < 1:
            raise ValueError("a URI must be an ESCO skill or occupation URI")
    return value


def _national_id(value: str) -> str:
    nid = parse_national_id(value)
    plausible_age(nid.birth_date, datetime.now(UTC).date())
    return nid.value


def _not_in_future(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must include a time zone")
    if value > datetime.now(UTC) + CLOCK_SKEW:
        raise ValueError("must not be in the future")
    return value


Language = Annotated[str, StringConstraints(min_length=2, max_length=3), AfterValidator(_language)]
Skill = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    Printable,
    AfterValidator(_skill),
]
NationalIdText = Annotated[
    str, StringConstraints(min_length=6, max_length=20), AfterValidator(_national_id)
]
Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 ()-]{4,19}$", max_length=21),
]
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, max_length=254, pattern=r"^[^@\s]{1,64}@[^@\s]+\.[A-Za-z]{2,}$"
    ),
    Printable,
]


class ConsentPurpose(StrEnum):
    """What the participant agreed their data may be used for."""

    CASE_MANAGEMENT = "case_management"
    MATCHING = "matching"
    EMPLOYER_CONTACT = "employer_contact"
    REPORTING = "reporting"
    FOLLOW_UP = "follow_up"


class Contact(BaseModel):
    """How to reach the participant; both optional."""

    model_config = ConfigDict(extra="forbid")
    phone: Phone | None = None
    email: Email | None = None


class HomeLocation(BaseModel):
    """Where the participant lives: postal code and/or coordinates."""

    model_config = ConfigDict(extra="forbid")
    postal_code: str | None = Field(None, pattern=r"^[0-9]{5}$", max_length=5)
    lat: Annotated[float, Number] | None = Field(None, ge=-90, le=90)
    lon: Annotated[float, Number] | None = Field(None, ge=-180, le=180)

    def coordinates(self) -> tuple[float, float] | None:
        """(lat, lon) when both are known."""
        return None if self.lat is None or self.lon is None else (self.lat, self.lon)


class Consent(BaseModel):
    """The consent record: purposes, when it was given and who recorded it."""

    model_config = ConfigDict(extra="forbid")
    purposes: list[ConsentPurpose] = Field(min_length=1, max_length=10)
    given_at: Annotated[datetime, AfterValidator(_not_in_future)]
    recorded_by: Text


class ParticipantDetails(BaseModel):
    """Everything about a participant that a registration or a correction may set."""

    model_config = ConfigDict(extra="forbid")
    given_name: Name
    family_name: Name
    contact: Contact = Field(default_factory=Contact)
    languages: list[Language] = Field(default_factory=list, max_length=10)
    risk_groups: list[RiskGroup] = Field(default_factory=list, max_length=11)
    labour_market_status: LabourMarketStatus
    months_unemployed: Months = 0
    in_education_or_training: bool = False
    isced_level: Isced | None = None
    skills: list[Skill] = Field(default_factory=list, max_length=50)
    interests: list[Skill] = Field(default_factory=list, max_length=50)
    home: HomeLocation | None = None
    availability_hours: Hours = 20
    transport: Transport = Transport.PUBLIC
    max_travel_km: Km = 30
    telework_ready: bool = False
    accessibility_needs: list[Text] = Field(default_factory=list, max_length=20)
    special_categories_refused: bool = False


class IntakeIn(ParticipantDetails):
    """One registration: who registers whom, the person's details and the consent record."""

    municipality: Municipality
    national_id: NationalIdText
    consent: Consent


class UploadedIntake(IntakeIn):
    """A row of a batch upload, whose municipality may be left out (the upload names it)."""

    municipality: str | None = None  # type: ignore[assignment]


_NULLABLE_IN_CORRECTION = frozenset({"isced_level", "home"})


class ParticipantCorrection(BaseModel):
    """A correction: only the fields given are changed."""

    model_config = ConfigDict(extra="forbid")
    given_name: Name | None = None
    family_name: Name | None = None
    contact: Contact | None = None
    languages: list[Language] | None = Field(None, max_length=10)
    risk_groups: list[RiskGroup] | None = Field(None, max_length=11)
    labour_market_status: LabourMarketStatus | None = None
    months_unemployed: Months | None = None
    in_education_or_training: bool | None = None
    isced_level: Isced | None = None
    skills: list[Skill] | None = Field(None, max_length=50)
    interests: list[Skill] | None = Field(None, max_length=50)
    home: HomeLocation | None = None
    availability_hours: Hours | None = None
    transport: Transport | None = None
    max_travel_km: Km | None = None
    telework_ready: bool | None = None
    accessibility_needs: list[Text] | None = Field(None, max_length=20)
    special_categories_refused: bool | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _null_only_where_allowed(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in _NULLABLE_IN_CORRECTION:
            raise ValueError("must not be null; leave the field out to keep it")
        return value


class ConsentWithdrawal(BaseModel):
    """The participant withdrew consent (for all purposes unless some are named)."""

    model_config = ConfigDict(extra="forbid")
    purposes: list[ConsentPurpose] = Field(default_factory=list, max_length=10)
    recorded_by: Text


class IntakeOut(BaseModel):
    """The outcome of one registration."""

    participant_id: UUID
    status: str = Field(description="created, or updated when the person was already known")
    registration_receipt: str = Field(
        description="Send as `Polku-Registration-Receipt` when reading the case plan: until"
        " caseplan has heard of the person it answers 404 `case_plan_not_yet`"
    )


class ParticipantOut(BaseModel):
    """A participant as the registering municipality sees them."""

    participant_id: UUID
    municipality: str
    registered_on: date
    given_name: str
    family_name: str
    contact: Contact
    home: HomeLocation | None
    consent: dict[str, Any] = Field(description="purposes held, given_at, recorded_by, withdrawn")
    consent_withdrawn_at: datetime | None
    profile: ParticipantProfile


class ParticipantPage(BaseModel):
    """One page of participants; pass `next_after` as `after` for the next."""

    items: list[ParticipantOut]
    next_after: UUID | None


class TransferAsk(BaseModel):
    """A municipality asks for a person registered elsewhere to be transferred to it."""

    model_config = ConfigDict(extra="forbid")
    municipality: Municipality = Field(description="the municipality asking (the caller's)")
    national_id: NationalIdText


class TransferAsked(BaseModel):
    """The same answer whether or not the person is known anywhere."""

    transfer_id: UUID
    status: str = Field(description="always requested")


class TransferOut(BaseModel):
    """A transfer request as its deciders see it."""

    transfer_id: UUID
    participant_id: UUID
    from_municipality: str
    to_municipality: str
    status: str = Field(description="requested, approved or declined")
    requested_at: datetime
    decided_at: datetime | None


class TransferPage(BaseModel):
    """One page of transfer requests; pass `next_after` as `after` for the next."""

    items: list[TransferOut]
    next_after: UUID | None

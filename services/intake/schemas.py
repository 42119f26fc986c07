"""The intake API's request and response models (validation lives here and in domain)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from services.intake.domain import parse_national_id, plausible_age, printable
from services.intake.languages import ISO_639_1
from shared.events.intake import ParticipantProfile
from shared.events.vocabulary import ConsentPurpose, LabourMarketStatus, RiskGroup, Transport
from shared.json_schema import (
    AS_INTEGER,
    AS_NUMBER,
    IsoDate,
    IsoDateTime,
    JsonBool,
    example,
    stripped_text,
)

CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of our clock a case system's consent time may be."""
ESCO_PREFIX = "http://data.europa.eu/esco/"
_ESCO_KINDS = ("skill/", "occupation/", "isco/")

Printable = AfterValidator(printable)
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    stripped_text(1, 100),
    Printable,
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    stripped_text(1, 100),
    Printable,
]
Municipality = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=60),
    stripped_text(2, 60),
    Printable,
]


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


Language = Annotated[
    str,
    StringConstraints(min_length=2, max_length=3),
    AfterValidator(_language),
    Field(json_schema_extra={"enum": sorted(ISO_639_1)}),
]
Skill = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    Printable,
    AfterValidator(_skill),
    stripped_text(1, 200),
]
NationalIdText = Annotated[
    str,
    StringConstraints(min_length=6, max_length=20),
    AfterValidator(_national_id),
    Field(
        description="an Estonian isikukood or a Finnish henkilötunnus, checksum included",
        json_schema_extra={"format": "national-id"},
    ),
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
    Field(json_schema_extra={"pattern": r"^[^@\s\x00]{1,64}@[^@\s\x00]+\.[A-Za-z]{2,}$"}),
]


class Contact(BaseModel):
    """How to reach the participant; both optional."""

    model_config = ConfigDict(extra="forbid")
    phone: Phone | None = None
    email: Email | None = None


class HomeLocation(BaseModel):
    """Where the participant lives: postal code and/or coordinates."""

    model_config = ConfigDict(extra="forbid")
    postal_code: str | None = Field(None, pattern=r"^[0-9]{5}$", max_length=5)
    lat: Annotated[float, Field(ge=-90, le=90), AS_NUMBER] | None = None
    lon: Annotated[float, Field(ge=-180, le=180), AS_NUMBER] | None = None

    def coordinates(self) -> tuple[float, float] | None:
        """(lat, lon) when both are known."""
        return None if self.lat is None or self.lon is None else (self.lat, self.lon)


class Consent(BaseModel):
    """The consent record: purposes, when it was given and who recorded it."""

    model_config = ConfigDict(extra="forbid")
    purposes: list[ConsentPurpose] = Field(min_length=1, max_length=10)
    given_at: Annotated[IsoDateTime, AfterValidator(_not_in_future)]
    recorded_by: Text


INTAKE_EXAMPLE: dict[str, Any] = {
    "municipality": "Tartu",
    "national_id": "49001151239",
    "given_name": "Aino",
    "family_name": "Tamm",
    "contact": {"phone": "+372 5555 0101", "email": "aino.tamm@example.org"},
    "languages": ["et", "ru"],
    "labour_market_status": "long_term_unemployed",
    "months_unemployed": 14,
    "isced_level": 3,
    "skills": ["customer service", "http://data.europa.eu/esco/skill/S1.2.1"],
    "home": {"postal_code": "50090"},
    "availability_hours": 20,
    "transport": "public",
    "max_travel_km": 25,
    "consent": {
        "purposes": ["case_management", "matching", "reporting"],
        "given_at": "2026-01-15T09:30:00+02:00",
        "recorded_by": "Tartu social services",
    },
}
"""One registration as a municipality's case system sends it (the OpenAPI example)."""


class ParticipantDetails(BaseModel):
    """Everything about a participant that a registration or a correction may set."""

    model_config = ConfigDict(extra="forbid")
    given_name: Name
    family_name: Name
    contact: Contact = Field(default_factory=Contact)
    languages: list[Language] = Field(default_factory=list, max_length=10)
    risk_groups: list[RiskGroup] = Field(default_factory=list, max_length=11)
    labour_market_status: LabourMarketStatus
    months_unemployed: Annotated[int, Field(ge=0, le=600), AS_INTEGER] = 0
    in_education_or_training: JsonBool = False
    isced_level: Annotated[int, Field(ge=0, le=8), AS_INTEGER] | None = None
    skills: list[Skill] = Field(default_factory=list, max_length=50)
    interests: list[Skill] = Field(default_factory=list, max_length=50)
    home: HomeLocation | None = None
    availability_hours: Annotated[int, Field(ge=0, le=60), AS_INTEGER] = 20
    transport: Transport = Transport.PUBLIC
    max_travel_km: Annotated[float, Field(ge=0, le=500), AS_NUMBER] = 30
    telework_ready: JsonBool = False
    accessibility_needs: list[Text] = Field(default_factory=list, max_length=20)
    special_categories_refused: JsonBool = False


class IntakeIn(ParticipantDetails):
    """One registration: who registers whom, the person's details and the consent record."""

    model_config = ConfigDict(json_schema_extra=example(INTAKE_EXAMPLE))

    municipality: Municipality
    national_id: NationalIdText
    consent: Consent


class RegistrationIn(IntakeIn):
    """One registration over `POST /v1/intakes`; a history import may date it back."""

    registered_on: IsoDate | None = Field(
        None,
        description="The registration's own past date, for an import of a project's history:"
        " only with a key holding the `history` scope (403 `history_import_not_allowed`"
        " otherwise), never after today, never before 2000-01-01 (422"
        " `registered_in_future`, `registered_before_floor`). Left out: today.",
    )


class UploadedIntake(RegistrationIn):
    """A row of a batch upload, whose municipality may be left out (the upload names it)."""

    municipality: str | None = None  # type: ignore[assignment]


_NULLABLE_IN_CORRECTION = frozenset({"isced_level", "home"})


def _null_only_where_allowed_in_schema(schema: dict[str, Any]) -> None:
    """The schema says what `_null_only_where_allowed` checks: a field left out is kept,
    null is accepted only where it clears a value."""
    for name, field in schema.get("properties", {}).items():
        if name in _NULLABLE_IN_CORRECTION or "anyOf" not in field:
            continue
        kinds = [k for k in field.pop("anyOf") if k.get("type") != "null"]
        field.pop("default", None)
        field.update(kinds[0] if len(kinds) == 1 else {"anyOf": kinds})
    schema.update(example({"family_name": "Tamm-Kask", "availability_hours": 30}))


class ParticipantCorrection(BaseModel):
    """A correction: only the fields given are changed."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_null_only_where_allowed_in_schema)
    given_name: Name | None = None
    family_name: Name | None = None
    contact: Contact | None = None
    languages: list[Language] | None = Field(None, max_length=10)
    risk_groups: list[RiskGroup] | None = Field(None, max_length=11)
    labour_market_status: LabourMarketStatus | None = None
    months_unemployed: Annotated[int, Field(ge=0, le=600), AS_INTEGER] | None = None
    in_education_or_training: JsonBool | None = None
    isced_level: Annotated[int, Field(ge=0, le=8), AS_INTEGER] | None = None
    skills: list[Skill] | None = Field(None, max_length=50)
    interests: list[Skill] | None = Field(None, max_length=50)
    home: HomeLocation | None = None
    availability_hours: Annotated[int, Field(ge=0, le=60), AS_INTEGER] | None = None
    transport: Transport | None = None
    max_travel_km: Annotated[float, Field(ge=0, le=500), AS_NUMBER] | None = None
    telework_ready: JsonBool | None = None
    accessibility_needs: list[Text] | None = Field(None, max_length=20)
    special_categories_refused: JsonBool | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _null_only_where_allowed(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in _NULLABLE_IN_CORRECTION:
            raise ValueError("must not be null; leave the field out to keep it")
        return value


class ConsentWithdrawal(BaseModel):
    """The participant withdrew consent (for all purposes unless some are named)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=example(
            {"purposes": ["employer_contact"], "recorded_by": "Tartu social services"}
        ),
    )
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


class NameSearch(BaseModel):
    """Find a municipality's participants by name (in the body: names never go in a URL)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=example({"municipality": "Tartu linn", "name": "Aino Tam"}),
    )
    municipality: str = Field(min_length=2, max_length=60)
    name: str = Field(
        min_length=2,
        max_length=100,
        description="words each starting a given or family name (case and accents ignored)",
    )
    limit: int = Field(20, ge=1, le=50)


class ParticipantMatches(BaseModel):
    """The participants a name search found, in id order; `more` when there were others."""

    items: list[ParticipantOut]
    more: bool


class TransferAsk(BaseModel):
    """A municipality asks for a person registered elsewhere to be transferred to it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=example({"municipality": "Rapla vald", "national_id": "49001151239"}),
    )
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

"""Request and response bodies of organisations' own pages: edits, lists and placements."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.matching.schemas import Location, OpeningOut, OrganisationOut, Text
from shared.json_schema import example


class OrganisationChange(BaseModel):
    """Fields of an organisation to change; the rest stay as they are. `webhook_url` moves
    the webhook and keeps its secret (rotate it with `POST …/webhook/rotate`); `null` turns
    it off. `central_workshop_id` (admins only) makes a satellite belong to a central one."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=example(
            {"name": "Kaustinen Workshop", "webhook_url": "https://employer.example/polku"}
        ),
    )
    name: Text | None = Field(None, min_length=1, max_length=200)
    municipality: Text | None = Field(None, min_length=1, max_length=100)
    location: Location | None = None
    webhook_url: Text | None = Field(None, max_length=2000)
    central_workshop_id: UUID | None = None


class OrganisationPage(BaseModel):
    """One page of organisations; pass `next_after` as `after` for the next."""

    items: list[OrganisationOut]
    next_after: UUID | None


class OpeningPage(BaseModel):
    """One page of openings; pass `next_after` as `after` for the next."""

    items: list[OpeningOut]
    next_after: UUID | None


class SecretOut(BaseModel):
    """A new webhook signing secret, shown in this answer only (the old one stopped signing)."""

    organisation_id: UUID
    webhook_secret: str


class PlacementOut(BaseModel):
    """A placement at the organisation: never who the participant is."""

    placement_id: UUID
    opening_id: UUID | None
    opening_title: str | None
    match_id: UUID | None
    status: str
    """`ongoing` or `ended`."""
    starts_on: date | None
    ends_on: date | None
    outcome: str | None
    hours_per_week: float | None


class PlacementPage(BaseModel):
    """One page of placements; pass `next_after` as `after` for the next."""

    items: list[PlacementOut]
    next_after: UUID | None

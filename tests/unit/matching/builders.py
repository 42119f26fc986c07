"""Builders for matching's unit tests: a plausible participant and opening near Kaustinen."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from services.matching.domain import Candidate, OpeningView, candidate_from_profile
from shared.events.intake import CoarseLocation, ParticipantProfile

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
KAUSTINEN = (63.548, 23.697)
VETELI = (63.474, 23.784)  # about 9 km from Kaustinen
PERHO = (63.215, 24.419)  # about 50 km from Kaustinen


def profile(**overrides: Any) -> ParticipantProfile:
    """A participant living in Kaustinen, ready for most openings."""
    lat, lon = overrides.pop("at", KAUSTINEN)
    fields: dict[str, Any] = {
        "participant_id": uuid4(),
        "municipality": "Kaustinen",
        "registered_on": date(2026, 1, 5),
        "languages": ["fi", "sv"],
        "skills": ["woodwork", "cooking"],
        "interests": ["crafts", "outdoors"],
        "location": CoarseLocation(municipality="Kaustinen", lat=lat, lon=lon),
        "availability_hours": 25,
        "transport": "public",
        "max_travel_km": 30,
        "telework_ready": False,
    }
    fields.update(overrides)
    return ParticipantProfile.model_validate(fields)


def candidate(waited_days: float = 30, **overrides: Any) -> Candidate:
    """A pool entry built from `profile(**overrides)`."""
    kinds = overrides.pop("opening_kinds", None)
    return candidate_from_profile(
        profile(**overrides),
        waiting_since=NOW - timedelta(days=waited_days),
        now=NOW,
        opening_kinds=kinds,
    )


def opening(**overrides: Any) -> OpeningView:
    """A workshop place in Veteli, 9 km from the default participant."""
    lat, lon = overrides.pop("at", VETELI)
    base = OpeningView(
        opening_id=uuid4(),
        organisation_id=UUID(int=1),
        kind="workshop_place",
        seats_left=2,
        lat=lat,
        lon=lon,
        required_skills=frozenset({"woodwork"}),
        nice_skills=frozenset({"painting"}),
        languages=frozenset({"fi"}),
        hours_min=10,
        hours_max=30,
        tags=frozenset({"crafts"}),
    )
    return replace(base, **overrides)

"""Stored rows turned into the domain's views, and what an organisation may see of a match."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.matching.domain import (
    Candidate,
    OpeningView,
    candidate_from_profile,
    cell_key,
    cell_of,
    words,
)
from services.matching.domain.mobile import Stop, opening_on
from shared.events.intake import ParticipantProfile
from shared.events.vocabulary import Transport


def profile_of(row: asyncpg.Record) -> ParticipantProfile:
    """The stored profile of a pool row."""
    return ParticipantProfile.model_validate_json(row["profile"])


def candidate_of(
    row: asyncpg.Record, now: datetime, profile: ParticipantProfile | None = None
) -> Candidate:
    """A pool row (its profile parsed already, or not) as the domain's candidate; waiting
    counts from when they became ready."""
    return candidate_from_profile(
        profile or profile_of(row),
        waiting_since=row["ready_at"] or row["registered_at"],
        now=now,
        opening_kinds=list(row["opening_kinds"]),
    )


def opening_of(
    row: asyncpg.Record, accepted: int | None = None, day: date | None = None
) -> OpeningView:
    """An opening row with its accepted count (or the count given) as the domain's view, on
    `day` (today): a mobile centre's opening is at the stop covering that day."""
    view = _opening_view(row, accepted)
    stops = stored_schedule(row)
    if not stops:
        return view
    schedule = [Stop(date.fromisoformat(s["starts_on"]), date.fromisoformat(s["ends_on"]),
                     s["lat"], s["lon"], s.get("municipality")) for s in stops]  # fmt: skip
    return opening_on(view, schedule, day or date.today(), lambda _municipality: None)


def stored_schedule(row: asyncpg.Record) -> list[dict[str, Any]]:
    """An opening row's schedule of stops (stored as JSON), as posted."""
    raw = row["schedule"] if "schedule" in row else None
    stops = raw if isinstance(raw, list) else json.loads(raw or "[]")
    return list(stops)


def _opening_view(row: asyncpg.Record, accepted: int | None) -> OpeningView:
    return OpeningView(
        opening_id=row["opening_id"],
        organisation_id=row["organisation_id"],
        kind=row["kind"],
        seats_left=row["seats"] - (row["accepted"] if accepted is None else accepted),
        lat=row["lat"],
        lon=row["lon"],
        remote=row["remote"],
        required_skills=words(row["required_skills"]),
        nice_skills=words(row["nice_skills"]),
        languages=words(row["languages"]),
        hours_min=row["hours_min"],
        hours_max=row["hours_max"],
        accessibility=words(row["accessibility"]),
        eligible_groups=words(row["eligible_groups"]),
        tags=words(row["tags"]),
        programme_groups=words(row["programme_groups"]),
    )


def pool_columns(profile: ParticipantProfile, walking_km: float) -> dict[str, Any]:
    """What the candidate table stores of a profile, including its grid cell and reach."""
    loc = profile.location
    walking = profile.transport == Transport.NONE
    return {
        "participant_id": profile.participant_id,
        "municipality": profile.municipality,
        "profile": profile.model_dump_json(),
        "languages": sorted(words(profile.languages)),
        "skills": sorted(words(profile.skills)),
        "grid_cell": cell_key(cell_of(loc.lat, loc.lon)) if loc else None,
        "telework_ready": profile.telework_ready,
        "reach_km": min(profile.max_travel_km, walking_km) if walking else profile.max_travel_km,
    }


SCORE_FACTORS = ("required_skills", "nice_to_have", "distance", "interests", "waiting")
"""The factors of a score an organisation may see by name (the page puts them into words)."""


def factor_values(explanation: dict[str, Any] | str) -> list[dict[str, Any]]:
    """Each score factor's name and value (0-1) of a stored explanation, for a page that
    writes them in its reader's language; nothing but the known factors."""
    if isinstance(explanation, str):
        explanation = json.loads(explanation)
    assert isinstance(explanation, dict)
    return [
        {"name": f["name"], "value": round(float(f["value"]), 4)}
        for f in explanation.get("factors", [])
        if isinstance(f, dict) and f.get("name") in SCORE_FACTORS
    ]


def organisation_view(
    *,
    match_id: UUID,
    opening_id: UUID,
    opening_title: str,
    status: str,
    score: float,
    explanation: dict[str, Any] | str,
    profile: ParticipantProfile | None,
    contact: str | None,
) -> dict[str, Any]:
    """The minimum an organisation sees of a proposal: never a name, id number or health data."""
    if isinstance(explanation, str):
        explanation = json.loads(explanation)
    assert isinstance(explanation, dict)
    return {
        "match_id": str(match_id),
        "opening_id": str(opening_id),
        "opening_title": opening_title,
        "status": status,
        "score": round(score, 4),
        "explanation": list(explanation.get("plain_words", [])),
        "candidate": {
            "languages": list(profile.languages) if profile else [],
            "availability_hours": profile.availability_hours if profile else 0,
            "skills": list(profile.skills) if profile else [],
            "support_worker_contact": contact,
        },
    }

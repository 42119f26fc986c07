"""What the matching rules see of a participant and of an opening."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.matching.domain.eligibility import usable_groups
from services.matching.domain.geo import haversine_km
from shared.events.intake import ParticipantProfile
from shared.events.vocabulary import Transport

YOUTH_AGE_BANDS = frozenset({"under_18", "18_24", "25_29"})


@dataclass(frozen=True)
class CandidateView:
    """A participant as the score sees them: no sex, age, risk group, health or nationality."""

    participant_id: UUID
    lat: float | None
    lon: float | None
    languages: frozenset[str]
    skills: frozenset[str]
    interests: frozenset[str]
    availability_hours: int
    transport: Transport
    max_travel_km: float
    telework_ready: bool
    accessibility_needs: frozenset[str]
    waiting_days: float
    opening_kinds: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Candidate:
    """A participant in the pool: the view the score uses, and the groups eligibility uses."""

    view: CandidateView
    groups: frozenset[str] = frozenset()

    @property
    def participant_id(self) -> UUID:
        return self.view.participant_id


@dataclass(frozen=True)
class OpeningView:
    """An opening as the matching rules see it."""

    opening_id: UUID
    organisation_id: UUID
    kind: str
    seats_left: int
    lat: float | None
    lon: float | None
    remote: bool = False
    required_skills: frozenset[str] = frozenset()
    nice_skills: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    hours_min: int = 0
    hours_max: int = 40
    accessibility: frozenset[str] = frozenset()
    eligible_groups: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    programme_groups: frozenset[str] = frozenset()
    """Set by the network, never shown to the organisation: whom its programme is aimed at."""

    def admits(self, groups: frozenset[str]) -> bool:
        """The participant's groups meet the opening's eligibility and its programme's."""
        if self.eligible_groups and not (self.eligible_groups & groups):
            return False
        return not self.programme_groups or bool(self.programme_groups & groups)


def distance_km(view: CandidateView, opening: OpeningView) -> float | None:
    """Straight-line km between home and the opening; 0 when done remotely; None if unknown."""
    if opening.remote and view.telework_ready:
        return 0.0
    if view.lat is None or view.lon is None or opening.lat is None or opening.lon is None:
        return None
    return haversine_km(view.lat, view.lon, opening.lat, opening.lon)


def words(values: Iterable[object] | None) -> frozenset[str]:
    """Normalise a list of tags, skills or language codes for comparison."""
    if not values:
        return frozenset()
    return frozenset(w for v in values if (w := str(v).strip().lower()))


def candidate_view(
    profile: ParticipantProfile,
    *,
    waiting_since: datetime,
    now: datetime,
    opening_kinds: list[str] | None = None,
) -> CandidateView:
    """The score's view of a profile: only what may decide a match, nothing special-category."""
    loc = profile.location
    return CandidateView(
        participant_id=profile.participant_id,
        lat=loc.lat if loc else None,
        lon=loc.lon if loc else None,
        languages=words(profile.languages),
        skills=words(profile.skills),
        interests=words(profile.interests),
        availability_hours=profile.availability_hours,
        transport=profile.transport,
        max_travel_km=profile.max_travel_km,
        telework_ready=profile.telework_ready,
        accessibility_needs=words(profile.accessibility_needs),
        waiting_days=max(0.0, (now - waiting_since).total_seconds() / 86400),
        opening_kinds=words(opening_kinds),
    )


def eligibility_groups(profile: ParticipantProfile) -> frozenset[str]:
    """Groups an opening may be reserved for (e.g. youth); used by the hard constraint only."""
    groups = {str(r) for r in profile.risk_groups} | {str(profile.labour_market_status)}
    if profile.age_band in YOUTH_AGE_BANDS:
        groups.add("youth")
    if profile.age_band == "55_plus":
        groups.add("senior")
    return usable_groups(groups, special_categories_refused=profile.special_categories_refused)


def candidate_from_profile(
    profile: ParticipantProfile,
    *,
    waiting_since: datetime,
    now: datetime,
    opening_kinds: list[str] | None = None,
) -> Candidate:
    """A pool entry built from a participant's profile."""
    view = candidate_view(
        profile, waiting_since=waiting_since, now=now, opening_kinds=opening_kinds
    )
    return Candidate(view=view, groups=eligibility_groups(profile))

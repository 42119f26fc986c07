"""The JSON bodies the demo sends to the services' public APIs, built from generated data."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from demo.people import Participant, iter_participants
from demo.region import Opening, Organisation, SupportWorker, build_region
from demo.year import year_schedule

CONSENT_PURPOSES = ["case_management", "matching", "employer_contact", "reporting", "follow_up"]
FIXED_CONSENT_TIME = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def intake_body(p: Participant, given_at: datetime = FIXED_CONSENT_TIME) -> dict[str, Any]:
    """`POST /v1/intakes` body for one participant (intake's IntakeIn)."""
    contact = {k: v for k, v in (("phone", p.phone), ("email", p.email)) if v}
    return {
        "municipality": p.municipality,
        "national_id": p.national_id,
        "given_name": p.given_name,
        "family_name": p.family_name,
        "contact": contact,
        "languages": list(p.languages),
        "risk_groups": [g.value for g in p.risk_groups],
        "labour_market_status": p.labour_market_status.value,
        "months_unemployed": p.months_unemployed,
        "isced_level": p.isced_level,
        "skills": list(p.skills),
        "interests": list(p.interests),
        "home": {"lat": p.lat, "lon": p.lon},
        "availability_hours": p.availability_hours,
        "transport": p.transport.value,
        "max_travel_km": p.max_travel_km,
        "telework_ready": p.telework_ready,
        "accessibility_needs": list(p.accessibility_needs),
        "consent": {
            "purposes": CONSENT_PURPOSES,
            "given_at": given_at.isoformat(),
            "recorded_by": "polku demo",
        },
    }


def organisation_body(org: Organisation, webhook_url: str | None) -> dict[str, Any]:
    """Body registering one organisation with matching."""
    body: dict[str, Any] = {
        "name": org.name,
        "kind": org.kind.value,
        "municipality": org.municipality,
        "location": {"lat": org.lat, "lon": org.lon},
    }
    if webhook_url:
        body["webhook_url"] = webhook_url
    return body


def support_worker_body(worker: SupportWorker, organisation_id: str | None) -> dict[str, Any]:
    """Body adding one support worker to caseplan."""
    return {
        "name": worker.name,
        "organisation_id": organisation_id,
        "municipalities": list(worker.municipalities),
        "languages": list(worker.languages),
        "caseload_limit": worker.caseload_limit,
        "contact": worker.contact,
        "active": True,
    }


def opening_body(opening: Opening, organisation_id: str) -> dict[str, Any]:
    """Body posting one opening to matching."""
    return {
        "organisation_id": organisation_id,
        "title": opening.title,
        "kind": opening.kind.value,
        "seats": opening.seats,
        "location": {"lat": opening.lat, "lon": opening.lon},
        "remote": opening.remote,
        "required_skills": list(opening.required_skills),
        "nice_to_have_skills": list(opening.nice_to_have_skills),
        "languages": list(opening.languages),
        "hours_per_week_min": opening.hours_min,
        "hours_per_week_max": opening.hours_max,
        "interest_tags": list(opening.interest_tags),
        "low_threshold": opening.low_threshold,
        "eligible_groups": [g.value for g in opening.eligible_groups],
    }


def fingerprint(seed: int, participants: int) -> str:
    """SHA-256 over everything the demo would send for (seed, participants), in order."""
    digest = hashlib.sha256()

    def feed(obj: Any) -> None:
        digest.update(json.dumps(obj, sort_keys=True, default=str).encode())

    region = build_region(seed, participants)
    for org in region.organisations:
        feed(organisation_body(org, None))
    for worker in region.support_workers:
        feed(support_worker_body(worker, worker.organisation_key))
    for opening in region.openings:
        feed(opening_body(opening, opening.organisation_key))
    for p in iter_participants(seed, participants):
        feed(intake_body(p))
    for action in year_schedule(seed, participants):
        feed([action.day, action.index, action.kind, action.data])
    return digest.hexdigest()

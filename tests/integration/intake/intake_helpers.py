"""Builders for intake's integration tests: valid ids from the published rules, request bodies."""

from __future__ import annotations

import random
from typing import Any

from services.intake.domain import estonian_check_digit, finnish_control_char


def estonian_id(rng: random.Random | None = None) -> str:
    """A random valid isikukood (born 1960-2005)."""
    rng = rng or random.Random()
    year = rng.randint(1960, 2005)
    first = rng.choice((3, 4)) if year < 2000 else rng.choice((5, 6))
    ten = f"{first}{year % 100:02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return ten + str(estonian_check_digit(ten))


def finnish_id(rng: random.Random | None = None) -> str:
    """A random valid henkilötunnus (born 1960-1999)."""
    rng = rng or random.Random()
    ddmmyy = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(60, 99):02d}"
    individual = f"{rng.randint(2, 899):03d}"
    return f"{ddmmyy}-{individual}{finnish_control_char(ddmmyy, individual)}"


def broken(national_id: str) -> str:
    """The same id with its check character changed."""
    last = national_id[-1]
    return national_id[:-1] + ("0" if last != "0" else "1")


def intake_body(national_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A complete, valid POST /v1/intakes body."""
    body: dict[str, Any] = {
        "municipality": "Rapla vald",
        "national_id": national_id or estonian_id(),
        "given_name": "Mari",
        "family_name": "Tamm-Secretname",
        "contact": {"phone": "+372 5123 4567", "email": "mari.secret@example.ee"},
        "languages": ["et", "ru"],
        "risk_groups": ["long_term_unemployed", "low_skills"],
        "labour_market_status": "long_term_unemployed",
        "months_unemployed": 18,
        "isced_level": 3,
        "skills": [
            "http://data.europa.eu/esco/skill/0a6f1b5c-1e0b-4b6a-8c4d-2f1b8f4f6a11",
            "gardening",
        ],
        "interests": ["woodwork"],
        "home": {"postal_code": "79511", "lat": 59.00712, "lon": 24.79264},
        "availability_hours": 25,
        "transport": "bicycle",
        "max_travel_km": 15,
        "telework_ready": True,
        "accessibility_needs": ["step-free access"],
        "consent": {
            "purposes": ["case_management", "matching", "reporting"],
            "given_at": "2026-01-05T10:00:00+02:00",
            "recorded_by": "sotsiaaltöötaja Kask",
        },
    }
    body.update(overrides)
    return body


def numbered_estonian_id(n: int) -> str:
    """The n-th of a run of distinct valid isikukood (n < 300,000)."""
    day, serial = divmod(n, 1000)
    year, day_of_year = 1970 + day // 300, day % 300
    ten = f"{3 + n % 2}{year % 100:02d}{day_of_year // 25 + 1:02d}{day_of_year % 25 + 1:02d}{serial:03d}"
    return ten + str(estonian_check_digit(ten))

"""Synthetic participants with plausible distributions, generated lazily from a seed."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from demo.esco import OCCUPATIONS, SKILLS
from demo.names import FAMILY_NAMES, GIVEN_NAMES, RUSSIAN_FEMALE_ENDINGS
from demo.national_ids import NationalIdMint
from demo.places import PLACE_WEIGHTS, Place, load_places
from shared.events.vocabulary import LabourMarketStatus, RiskGroup, Transport

REFERENCE_YEAR = 2026
"""The year the demo plays; ages are counted at its start."""

AGE_BANDS: tuple[tuple[str, int, int, float], ...] = (
    ("under_25", 18, 24, 0.24),
    ("25_54", 25, 54, 0.56),
    ("over_54", 55, 64, 0.20),
)
ISCED_WEIGHTS = (2, 8, 30, 38, 8, 6, 5, 2, 1)  # ISCED 0..8: mostly lower secondary or less
TRAVEL_KM = {Transport.NONE: 3, Transport.BICYCLE: 10, Transport.PUBLIC: 30, Transport.CAR: 60}
ACCESSIBILITY_NEEDS = ("step-free access", "quiet workspace", "flexible hours", "sign language")


@dataclass(frozen=True)
class Participant:
    """One synthetic person with everything an intake needs (names and id are synthetic)."""

    index: int
    national_id: str
    country: str
    municipality: str
    place: str
    given_name: str
    family_name: str
    birth_year: int
    age: int
    age_band: str
    male: bool
    languages: tuple[str, ...]
    risk_groups: tuple[RiskGroup, ...]
    labour_market_status: LabourMarketStatus
    months_unemployed: int
    isced_level: int
    skills: tuple[str, ...]
    interests: tuple[str, ...]
    lat: float
    lon: float
    availability_hours: int
    transport: Transport
    max_travel_km: float
    telework_ready: bool
    accessibility_needs: tuple[str, ...] = field(default_factory=tuple)
    phone: str | None = None
    email: str | None = None


def iter_participants(seed: int, count: int) -> Iterator[Participant]:
    """`count` participants, the same for the same seed, one at a time (constant memory)."""
    rng = random.Random(seed)
    mint = NationalIdMint()
    places = load_places()
    weights = [PLACE_WEIGHTS.get(p.name, 1.0) for p in places]
    for index in range(count):
        place = rng.choices(places, weights)[0]
        yield _participant(rng, mint, index, place)


def _participant(rng: random.Random, mint: NationalIdMint, index: int, place: Place) -> Participant:
    band, low, high, _ = rng.choices(AGE_BANDS, [b[3] for b in AGE_BANDS])[0]
    age = rng.randint(low, high)
    male = rng.random() < 0.55
    national_id, birth = mint.issue(place.country, REFERENCE_YEAR - 1 - age, male)
    languages = _languages(rng, place)
    status, months = _status(rng, age)
    transport = rng.choices(list(TRAVEL_KM), [25, 10, 40, 25])[0]
    given, family = _name(rng, languages[0], male)
    return Participant(
        index=index,
        national_id=national_id,
        country=place.country,
        municipality=place.municipality,
        place=place.name,
        given_name=given,
        family_name=family,
        birth_year=birth.year,
        age=age,
        age_band=band,
        male=male,
        languages=languages,
        risk_groups=_risk_groups(rng, age, status, languages, place),
        labour_market_status=status,
        months_unemployed=months,
        isced_level=rng.choices(range(9), ISCED_WEIGHTS)[0],
        skills=tuple(c.uri for c in rng.sample(SKILLS, rng.randint(1, 4))),
        interests=tuple(c.uri for c in rng.sample(OCCUPATIONS, rng.randint(1, 2))),
        lat=round(place.lat + rng.uniform(-0.05, 0.05), 4),
        lon=round(place.lon + rng.uniform(-0.08, 0.08), 4),
        availability_hours=rng.choice((10, 15, 20, 20, 25, 30, 30, 40)),
        transport=transport,
        max_travel_km=float(round(TRAVEL_KM[transport] * rng.uniform(0.6, 1.5))),
        telework_ready=rng.random() < 0.3,
        accessibility_needs=tuple(rng.sample(ACCESSIBILITY_NEEDS, 1)) if rng.random() < 0.1 else (),
        phone=_phone(rng, place.country) if rng.random() < 0.8 else None,
        email=f"demo.participant{index}@example.org" if rng.random() < 0.5 else None,
    )


def _languages(rng: random.Random, place: Place) -> tuple[str, ...]:
    if place.country == "FI":
        first = "sv" if rng.random() < 0.06 else "fi"
        second = "en" if rng.random() < 0.3 else ("fi" if first == "sv" else None)
    elif place.in_ida_viru:
        first = "ru" if rng.random() < (0.9 if place.name == "Narva" else 0.7) else "et"
        second = "et" if first == "ru" and rng.random() < 0.4 else None
    else:
        first = "ru" if rng.random() < 0.1 else "et"
        second = "en" if rng.random() < 0.25 else None
    return (first,) if second is None or second == first else (first, second)


def _status(rng: random.Random, age: int) -> tuple[LabourMarketStatus, int]:
    roll = rng.random()
    if roll < 0.18:
        return LabourMarketStatus.INACTIVE, 0
    if roll < 0.55:
        return LabourMarketStatus.UNEMPLOYED, rng.randint(1, 11)
    cap = 24 if age < 25 else 120  # young people count as long-term unemployed after 6 months
    return LabourMarketStatus.LONG_TERM_UNEMPLOYED, rng.randint(12, max(12, cap))


def _risk_groups(
    rng: random.Random,
    age: int,
    status: LabourMarketStatus,
    languages: tuple[str, ...],
    place: Place,
) -> tuple[RiskGroup, ...]:
    groups = [RiskGroup(status.value)]
    if age < 25 and rng.random() < 0.6:
        groups.append(RiskGroup.YOUNG_NEET)
    chances = (
        (RiskGroup.LOW_SKILLS, 0.3),
        (RiskGroup.DISABILITY, 0.15),
        (RiskGroup.SINGLE_PARENT, 0.1 if 20 <= age <= 50 else 0.0),
        (RiskGroup.ADDICTION_RECOVERY, 0.05),
        (RiskGroup.RELEASED_FROM_PRISON, 0.03),
        (RiskGroup.MIGRANT_OR_MINORITY, 0.35 if languages[0] == "ru" else 0.02),
        (RiskGroup.OTHER_DISADVANTAGED, 0.05),
    )
    groups.extend(group for group, chance in chances if rng.random() < chance)
    return tuple(groups)


def _name(rng: random.Random, language: str, male: bool) -> tuple[str, str]:
    female_names, male_names = GIVEN_NAMES.get(language, GIVEN_NAMES["et"])
    given = rng.choice(male_names if male else female_names)
    family = rng.choice(FAMILY_NAMES.get(language, FAMILY_NAMES["et"]))
    if language == "ru" and not male:
        family = family[:-2] + RUSSIAN_FEMALE_ENDINGS.get(family[-2:], family[-2:])
    return given, family


def _phone(rng: random.Random, country: str) -> str:
    if country == "FI":
        return f"+358 40 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    return f"+372 5{rng.randint(100, 999)} {rng.randint(1000, 9999)}"

"""The demo region's organisations, support workers and openings, generated from a seed."""

from __future__ import annotations

import random
from dataclasses import dataclass

from demo.esco import OCCUPATIONS, SKILLS, TELEWORK_SKILLS
from demo.places import PLACE_WEIGHTS, TELEWORK_CENTRES, Place, load_places
from shared.events.vocabulary import OpeningKind, OrganisationKind, RiskGroup

KINDS_OFFERED: dict[OrganisationKind, tuple[OpeningKind, ...]] = {
    OrganisationKind.CENTRAL_WORKSHOP: (
        OpeningKind.WORKSHOP_PLACE, OpeningKind.WORK_PRACTICE, OpeningKind.TRAINING_PLACE),
    OrganisationKind.SATELLITE_WORKSHOP: (OpeningKind.WORKSHOP_PLACE, OpeningKind.WORK_PRACTICE),
    OrganisationKind.TELEWORK_CENTRE: (OpeningKind.WORK_PRACTICE, OpeningKind.TRAINING_PLACE),
    OrganisationKind.ASSOCIATION: (
        OpeningKind.VOLUNTEERING, OpeningKind.WORK_PRACTICE, OpeningKind.LOW_THRESHOLD_JOB),
    OrganisationKind.SOCIAL_ENTERPRISE: (
        OpeningKind.LOW_THRESHOLD_JOB, OpeningKind.WAGE_SUBSIDISED_JOB),
    OrganisationKind.PUBLIC_BODY: (OpeningKind.WORK_PRACTICE, OpeningKind.WAGE_SUBSIDISED_JOB),
    OrganisationKind.EMPLOYER: (
        OpeningKind.REGULAR_JOB, OpeningKind.WAGE_SUBSIDISED_JOB, OpeningKind.WORK_PRACTICE),
}  # fmt: skip
ASSOCIATIONS: dict[str, str] = {
    "Jõhvi": "Ida-Viru activation centre",
    "Narva": "Narva support team",
    "Rapla": "Rapla support-person service",
    "Märjamaa": "Märjamaa support team",
    "Rakvere": "Rakvere youth work and mobile work-practice centre",
    "Haljala": "Haljala youth work association",
    "Sänna": "Sänna cultural manor",
    "Urvaste": "Urvaste village team",
    "Kuressaare": "Saaremaa support team",
}
SOCIAL_ENTERPRISES = {"Tartu": "Tartu innovation centre", "Kohtla-Järve": "Kohtla-Järve reuse shop"}
EMPLOYER_TRADES = (
    "woodworks", "logistics", "cleaning services", "bakery", "dairy farm", "care home",
    "recycling centre", "grocery", "garden centre", "car repair", "sawmill", "call centre",
)  # fmt: skip
CASE_MANAGERS = frozenset(
    {OrganisationKind.CENTRAL_WORKSHOP, OrganisationKind.ASSOCIATION, OrganisationKind.PUBLIC_BODY}
)
"""Organisations whose staff carry participants' cases."""
LANGUAGES = {"FI": ("fi",), "EE": ("et",)}


@dataclass(frozen=True)
class Organisation:
    """An association, workshop, telework centre, public body or employer in the region."""

    key: str
    name: str
    kind: OrganisationKind
    country: str
    municipality: str
    place: str
    lat: float
    lon: float


@dataclass(frozen=True)
class SupportWorker:
    """A mentor, job coach or support person with a caseload limit."""

    key: str
    organisation_key: str
    name: str
    municipalities: tuple[str, ...]
    languages: tuple[str, ...]
    caseload_limit: int
    contact: str = ""


@dataclass(frozen=True)
class Opening:
    """Seats an organisation offers to participants."""

    key: str
    organisation_key: str
    title: str
    kind: OpeningKind
    seats: int
    municipality: str
    lat: float
    lon: float
    remote: bool
    required_skills: tuple[str, ...]
    nice_to_have_skills: tuple[str, ...]
    languages: tuple[str, ...]
    hours_min: int
    hours_max: int
    low_threshold: bool
    interest_tags: tuple[str, ...] = ()
    eligible_groups: tuple[RiskGroup, ...] = ()


@dataclass(frozen=True)
class Region:
    """Everything in the region except its participants."""

    organisations: tuple[Organisation, ...]
    support_workers: tuple[SupportWorker, ...]
    openings: tuple[Opening, ...]


def build_region(seed: int, participants: int) -> Region:
    """The organisations, support workers and openings for a region of `participants` people."""
    rng = random.Random(f"region:{seed}")
    organisations = _organisations(rng, participants)
    return Region(
        organisations=organisations,
        support_workers=_support_workers(rng, organisations, participants),
        openings=tuple(o for org in organisations for o in _openings(rng, org)),
    )


def _org(kind: OrganisationKind, place: Place, name: str, suffix: str = "") -> Organisation:
    key = f"{kind.value}:{place.name}{suffix}".lower().replace(" ", "-")
    return Organisation(key, name, kind, place.country, place.municipality, place.name,
                        place.lat, place.lon)  # fmt: skip


def _organisations(rng: random.Random, participants: int) -> tuple[Organisation, ...]:
    places = load_places()
    orgs: list[Organisation] = []
    for place in places:
        if place.role == "central workshop":
            orgs.append(_org(OrganisationKind.CENTRAL_WORKSHOP, place, f"{place.name} workshop"))
            orgs.append(_org(OrganisationKind.PUBLIC_BODY, place, f"{place.name} municipality"))
        elif place.role == "satellite workshop":
            name = f"{place.name} satellite workshop"
            orgs.append(_org(OrganisationKind.SATELLITE_WORKSHOP, place, name))
        if place.name in TELEWORK_CENTRES:
            name = f"{place.name} telework centre"
            orgs.append(_org(OrganisationKind.TELEWORK_CENTRE, place, name))
        if place.name in ASSOCIATIONS:
            orgs.append(_org(OrganisationKind.ASSOCIATION, place, ASSOCIATIONS[place.name]))
        if place.name in SOCIAL_ENTERPRISES:
            name = SOCIAL_ENTERPRISES[place.name]
            orgs.append(_org(OrganisationKind.SOCIAL_ENTERPRISE, place, name))
    orgs.append(_org(OrganisationKind.PUBLIC_BODY, _place("Rapla"), "Rapla rural municipality"))
    weights = [PLACE_WEIGHTS.get(p.name, 1.0) for p in places]
    for n in range(min(2000, max(8, participants // 40))):
        place = rng.choices(places, weights)[0]
        trade = rng.choice(EMPLOYER_TRADES)
        name = f"{place.name} {trade}"
        orgs.append(_org(OrganisationKind.EMPLOYER, place, name, suffix=f"-{n}"))
    return tuple(orgs)


def _place(name: str) -> Place:
    return next(p for p in load_places() if p.name == name)


def _support_workers(
    rng: random.Random, organisations: tuple[Organisation, ...], participants: int
) -> tuple[SupportWorker, ...]:
    managers = [o for o in organisations if o.kind in CASE_MANAGERS]
    wanted = max(len(managers), -(-participants * 9 // 80))  # capacity for ~90% at limit 8
    workers = []
    for n in range(wanted):
        org = managers[n % len(managers)]
        served = sorted(
            {p.municipality for p in load_places() if p.country == org.country and _near(p, org)}
        )
        languages = ("et", "ru") if org.place in ("Jõhvi", "Narva") else LANGUAGES[org.country]
        workers.append(
            SupportWorker(
                key=f"worker:{n}",
                organisation_key=org.key,
                name=f"Support worker {n + 1} ({org.place})",
                municipalities=tuple(served),
                languages=languages,
                caseload_limit=rng.choice((5, 6, 8, 8, 8, 10)),
                contact=f"support.worker{n + 1}@example.org",
            )
        )
    return tuple(workers)


def _near(a: Place, b: Organisation) -> bool:
    """Within about 80 km (Kaustinen's workshop serves the whole sub-region)."""
    return abs(a.lat - b.lat) < 0.75 and abs(a.lon - b.lon) < 1.4


def _openings(rng: random.Random, org: Organisation) -> list[Opening]:
    kinds = KINDS_OFFERED[org.kind]
    chosen = kinds[: rng.randint(1, len(kinds))]
    return [_opening(rng, org, n, kind) for n, kind in enumerate(chosen)]


def _opening(rng: random.Random, org: Organisation, n: int, kind: OpeningKind) -> Opening:
    occupation = rng.choice(OCCUPATIONS)
    remote = org.kind is OrganisationKind.TELEWORK_CENTRE
    required = sorted(TELEWORK_SKILLS) if remote else [rng.choice(SKILLS).uri]
    hours_min = rng.choice((8, 10, 15, 20))
    youth_only = org.place in ("Rakvere", "Haljala") and kind is OpeningKind.VOLUNTEERING
    russian_too = org.place in ("Jõhvi", "Narva", "Kohtla-Järve")
    return Opening(
        key=f"{org.key}:{n}",
        organisation_key=org.key,
        title=f"{occupation.label} ({kind.value.replace('_', ' ')})",
        kind=kind,
        seats=rng.randint(1, 6 if org.kind is OrganisationKind.EMPLOYER else 12),
        municipality=org.municipality,
        lat=org.lat,
        lon=org.lon,
        remote=remote,
        required_skills=tuple(required),
        nice_to_have_skills=(rng.choice(SKILLS).uri,),
        languages=("et", "ru") if russian_too else LANGUAGES[org.country],
        hours_min=hours_min,
        hours_max=hours_min + rng.choice((10, 15, 20)),
        low_threshold=kind is not OpeningKind.REGULAR_JOB,
        interest_tags=(occupation.uri,),
        eligible_groups=(RiskGroup.YOUNG_NEET,) if youth_only else (),
    )

"""Random openings and participants around Kaustinen, and the brute-force reference of what
proposing to ready participants one by one gives (the ranking the service had before its
in-memory catalog: every open opening read from SQL, ranked with `brute_best_openings`)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from services.matching import repository as repo
from services.matching.domain import brute_best_openings, candidate_from_profile
from services.matching.schemas import OpeningIn
from services.matching.settings import MatchingSettings
from services.matching.views import opening_of, profile_of
from shared.events.intake import CoarseLocation, ParticipantProfile
from shared.events.vocabulary import OpeningKind, Transport

SKILLS = ["woodwork", "painting", "cooking", "cleaning", "driving", "it"]
LANGUAGES = ["fi", "sv", "en"]
TAGS = ["crafts", "outdoors", "people", "machines"]
CENTRE = (63.548, 23.697)


def _some(rng: random.Random, words: list[str], most: int) -> list[str]:
    return rng.sample(words, rng.randint(0, most))


def opening_in(rng: random.Random, organisation_id: UUID) -> OpeningIn:
    """An opening within ~60 km of Kaustinen; a few remote, youth-only or already ended."""
    hours_min = rng.choice([0, 10, 20])
    return OpeningIn.model_validate(
        {
            "organisation_id": organisation_id,
            "title": f"Place {rng.randint(1, 999)}",
            "kind": rng.choice(list(OpeningKind)),
            "seats": rng.randint(1, 3),
            "location": {"lat": CENTRE[0] + rng.uniform(-0.5, 0.5),
                         "lon": CENTRE[1] + rng.uniform(-1, 1)},
            "remote": rng.random() < 0.1,
            "required_skills": _some(rng, SKILLS, 2),
            "nice_to_have_skills": _some(rng, SKILLS, 2),
            "languages": _some(rng, LANGUAGES, 2),
            "hours_per_week_min": hours_min,
            "hours_per_week_max": hours_min + 20,
            "accessibility": ["step-free"] if rng.random() < 0.3 else [],
            "eligible_groups": ["youth"] if rng.random() < 0.1 else [],
            "interest_tags": _some(rng, TAGS, 2),
            "ends_on": "2020-01-31" if rng.random() < 0.05 else None,
        }
    )  # fmt: skip


def profile(rng: random.Random) -> ParticipantProfile:
    """A participant within ~50 km of Kaustinen."""
    lat, lon = CENTRE[0] + rng.uniform(-0.4, 0.4), CENTRE[1] + rng.uniform(-0.8, 0.8)
    return ParticipantProfile(
        participant_id=uuid4(),
        municipality="Kaustinen",
        registered_on=date(2026, 1, 5),
        age_band=rng.choice(["18_24", "30_54", "55_plus"]),
        languages=rng.sample(LANGUAGES, rng.randint(1, 2)),
        skills=_some(rng, SKILLS, 3),
        interests=_some(rng, TAGS, 2),
        location=CoarseLocation(municipality="Kaustinen", lat=lat, lon=lon),
        availability_hours=rng.choice([10, 20, 30]),
        transport=rng.choice(list(Transport)),
        max_travel_km=rng.choice([10, 30, 60]),
        telework_ready=rng.random() < 0.2,
        accessibility_needs=["step-free"] if rng.random() < 0.1 else [],
    )


@dataclass
class Reference:
    """The brute-force state: open opening rows with their counts, and who was proposed what."""

    openings: dict[UUID, Any]
    load: dict[UUID, list[int]]  # opening → [accepted, live]
    proposed: dict[UUID, set[UUID]] = field(default_factory=dict)
    live: dict[UUID, int] = field(default_factory=dict)


async def reference(conn: asyncpg.Connection) -> Reference:
    """The database's state as the brute force starts from it."""
    rows = await conn.fetch(
        "SELECT o.*, (SELECT count(*) FROM match m WHERE m.opening_id = o.opening_id"
        " AND m.status = 'accepted') AS accepted, (SELECT count(*) FROM match m"
        " WHERE m.opening_id = o.opening_id AND m.status = 'proposed') AS live"
        " FROM opening o WHERE o.status = 'open'"
        " AND (o.ends_on IS NULL OR o.ends_on >= current_date)"
    )
    ref = Reference({r["opening_id"]: r for r in rows},
                    {r["opening_id"]: [r["accepted"], r["live"]] for r in rows})  # fmt: skip
    for m in await conn.fetch("SELECT participant_id, opening_id, status FROM match"):
        ref.proposed.setdefault(m["participant_id"], set()).add(m["opening_id"])
        if m["status"] == "proposed":
            ref.live[m["participant_id"]] = ref.live.get(m["participant_id"], 0) + 1
    return ref


def expected_proposals(
    ref: Reference, pool_rows: list[Any], settings: MatchingSettings, now: datetime
) -> list[tuple[UUID, UUID, dict[str, Any]]]:
    """(participant, opening, explanation) proposed to each ready participant in turn."""
    out = []
    config = settings.scoring()
    for row in pool_rows:
        pid = row["participant_id"]
        candidate = candidate_from_profile(
            profile_of(row), waiting_since=row["ready_at"], now=now,
            opening_kinds=list(row["opening_kinds"]),
        )  # fmt: skip
        wanted = settings.max_live_proposals - ref.live.get(pid, 0)
        free = [
            opening_of(o)
            for oid, o in ref.openings.items()
            if oid not in ref.proposed.get(pid, set())
            and (o["seats"] - ref.load[oid][0]) * settings.proposals_per_seat - ref.load[oid][1] > 0
        ]
        for r in brute_best_openings(candidate, free, max(0, wanted), config):
            out.append((pid, r.opening_id, r.explanation.as_dict()))
            ref.load[r.opening_id][1] += 1
            ref.proposed.setdefault(pid, set()).add(r.opening_id)
            ref.live[pid] = ref.live.get(pid, 0) + 1
    return out


async def insert_organisations(conn: asyncpg.Connection, n: int) -> list[UUID]:
    """Organisations, half of them with a webhook URL."""
    ids = []
    for i in range(n):
        oid = uuid4()
        await repo.insert_organisation(
            conn, organisation_id=oid, name=f"Org {i}", kind="employer", municipality="Kaustinen",
            lat=None, lon=None, webhook_url="http://127.0.0.1:9/hook" if i % 2 else None,
            webhook_secret="sealed",
        )  # fmt: skip
        ids.append(oid)
    return ids

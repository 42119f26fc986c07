"""The in-memory catalog of open openings on a real database: proposals made from it are exactly
the brute-force ranking over the same rows, and it sees what other connections (another
replica's API) commit, even a write still in progress when it last looked."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from uuid import UUID

import asyncpg
import pytest
from catalog_data import expected_proposals, insert_organisations, opening_in, profile, reference

from services.matching import openings, pool
from services.matching import repository as repo
from services.matching.catalog import OpeningCatalog
from services.matching.schemas import OpeningChange
from services.matching.settings import MatchingSettings
from shared.db import create_pool
from shared.events.caseplan import ParticipantReadyForMatching
from shared.events.vocabulary import OpeningKind

SETTINGS = MatchingSettings(proposals_per_seat=1, max_live_proposals=3)
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def db(migrated_database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on matching's schema."""
    found = await create_pool(migrated_database_url, schema="matching", min_size=1, max_size=4)
    try:
        yield found
    finally:
        await found.close()


async def _ready(
    db: asyncpg.Pool, catalog: OpeningCatalog, people: list[UUID], rng: random.Random
) -> list[tuple[UUID, UUID]]:
    """Mark people ready in one batch, as the readiness handler does; (participant, opening)."""
    kinds = list(OpeningKind)
    events = [
        ParticipantReadyForMatching(participant_id=p, opening_kinds=rng.sample(kinds, 3))
        for p in people
    ]
    async with db.acquire() as conn, conn.transaction():
        made = await pool.make_ready(conn, events, catalog=catalog, settings=SETTINGS, now=NOW)
    return [(m.participant_id, m.opening_id) for m in made]


async def _check_batch(
    db: asyncpg.Pool, catalog: OpeningCatalog, people: list[UUID], rng: random.Random
) -> int:
    async with db.acquire() as conn:
        ref = await reference(conn)
    made = await _ready(db, catalog, people, rng)
    async with db.acquire() as conn:
        rows = await repo.proposable_many(conn, people)
        stored = {(m["participant_id"], m["opening_id"]): json.loads(m["explanation"])
                  for m in await conn.fetch("SELECT * FROM match")}  # fmt: skip
    order = {p: i for i, p in enumerate(people)}
    rows = sorted(rows, key=lambda r: order[r["participant_id"]])
    expected = expected_proposals(ref, rows, SETTINGS, NOW)
    assert made == [(p, o) for p, o, _ in expected]
    for p, o, explanation in expected:
        assert stored[(p, o)] == explanation
    return len(made)


async def test_proposals_equal_brute_force_ranking_as_openings_change(db: asyncpg.Pool) -> None:
    rng = random.Random(9)
    async with db.acquire() as conn:
        orgs = await insert_organisations(conn, 4)
        ids = [(await openings.post_opening(conn, opening_in(rng, rng.choice(orgs))))[0]
               for _ in range(40)]  # fmt: skip
        people = [profile(rng) for _ in range(120)]
        await pool.register_candidates(conn, [(p, NOW) for p in people], walking_km=3.0)
    pids = [p.participant_id for p in people]
    catalog, made = OpeningCatalog(), 0
    for i in range(0, 60, 20):
        made += await _check_batch(db, catalog, pids[i : i + 20], rng)
    # Another replica's API posts, changes and closes openings meanwhile.
    async with db.acquire() as conn:
        for _ in range(10):
            await openings.post_opening(conn, opening_in(rng, rng.choice(orgs)))
        for oid in ids[:5]:
            await openings.close_opening(conn, oid)
        for oid in ids[5:10]:
            change = OpeningChange(seats=3, required_skills=rng.sample(["it", "cooking"], 1))
            await openings.change_opening(conn, oid, change)
        declined = await conn.fetch(
            "UPDATE match SET status = 'declined' WHERE participant_id = ANY($1::uuid[])"
            " RETURNING match_id",
            pids[:10],
        )  # their slots are free again, but never for the same pair
        await conn.execute(
            "UPDATE match SET status = 'accepted' WHERE match_id IN (SELECT match_id FROM match"
            " WHERE status = 'proposed' AND participant_id = ANY($1::uuid[]) LIMIT 5)",
            pids[10:20],
        )  # seats taken: fewer slots left on those openings
    assert declined  # New people, and earlier ones again (never proposed the same pair twice).
    made += await _check_batch(db, catalog, pids[60:120] + pids[:30], rng)
    async with db.acquire() as conn:
        full = await conn.fetchval(
            "SELECT count(*) FROM opening o WHERE o.seats <= (SELECT count(*) FROM match m"
            " WHERE m.opening_id = o.opening_id AND m.status = 'proposed')"
        )
    assert made >= 60 and full >= 10  # real competition for slots, not empty answers


async def test_catalog_sees_a_write_committed_after_its_last_look(db: asyncpg.Pool) -> None:
    rng = random.Random(4)
    catalog = OpeningCatalog()
    async with db.acquire() as conn:
        (org,) = await insert_organisations(conn, 1)
        first, _ = await openings.post_opening(conn, opening_in(rng, org))
        await catalog.sync(conn)
    assert set(catalog.facts) == {first}
    async with db.acquire() as writer, db.acquire() as reader:
        async with writer.transaction():
            late, _ = await openings.post_opening(writer, opening_in(rng, org))
            await openings.close_opening(writer, first)
            await catalog.sync(reader)  # the writer is still in progress: nothing of it yet
            assert late not in catalog.facts
        await catalog.sync(reader)
    assert set(catalog.facts) == {late} and len(catalog.index) == 1

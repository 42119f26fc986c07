"""Use cases that make proposals: best openings for a participant, best candidates for seats.

Proposal-making takes one transaction-scoped advisory lock, so limits (live proposals per
participant, proposal slots per opening) hold even with several matching replicas. Accepting
never takes that lock; it locks the opening row instead, so seats are never over-allocated.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from services.matching import repository as repo
from services.matching.catalog import OpeningCatalog
from services.matching.domain import Explanation, Ranked, cell_key, cells_within, rank
from services.matching.domain.allocation import OpeningLoads, Seeker, allocate
from services.matching.repository import webhook_deliveries
from services.matching.settings import MatchingSettings
from services.matching.views import candidate_of, opening_of, organisation_view, profile_of
from shared.events.intake import ParticipantProfile
from shared.events.matching import MatchProposed

YIELD_EVERY = 25
"""Participants allocated between two yields to the event loop (a batch can hold 200)."""


def free_slots(opening: asyncpg.Record, settings: MatchingSettings) -> int:
    """How many more live proposals an opening may have: a few per seat still free."""
    if opening["status"] != "open" or opening["paused"]:
        return 0
    seats_left = opening["seats"] - opening["accepted"]
    return max(0, seats_left * settings.proposals_per_seat - opening["live"])


def _proposable(row: asyncpg.Record | None) -> bool:
    return row is not None and row["ready_at"] is not None and row["placed_at"] is None


async def propose_for_participant(
    conn: asyncpg.Connection,
    participant_id: UUID,
    *,
    catalog: OpeningCatalog,
    settings: MatchingSettings,
    now: datetime,
) -> list[MatchProposed]:
    """Propose the best openings to a ready participant, up to their live-proposal limit."""
    if not _proposable(await repo.fetch_candidate(conn, participant_id)):
        return []  # most profile updates end here, without waiting for the lock
    return await propose_for_participants(
        conn, [participant_id], catalog=catalog, settings=settings, now=now
    )


async def propose_for_participants(
    conn: asyncpg.Connection,
    participant_ids: list[UUID],
    *,
    catalog: OpeningCatalog,
    settings: MatchingSettings,
    now: datetime,
) -> list[MatchProposed]:
    """Propose to distinct participants in turn (what proposing to each alone in this order
    gives), from the in-memory catalog, in a fixed number of round trips for the batch."""
    await repo.lock_proposals(conn)
    rows = await repo.proposable_many(conn, participant_ids)
    position = {pid: i for i, pid in enumerate(participant_ids)}
    rows.sort(key=lambda r: position[r["participant_id"]])
    return await propose_to_ready(conn, rows, catalog=catalog, settings=settings, now=now)


async def propose_to_ready(
    conn: asyncpg.Connection,
    rows: list[asyncpg.Record],
    *,
    catalog: OpeningCatalog,
    settings: MatchingSettings,
    now: datetime,
) -> list[MatchProposed]:
    """Propose to these pool rows (`proposable_many`'s, read under the proposal lock) in turn."""
    if not rows:
        return []
    await catalog.sync(conn)
    by_id = {r["participant_id"]: r for r in rows}
    profiles = {pid: profile_of(row) for pid, row in by_id.items()}
    seekers = [
        Seeker(
            candidate=candidate_of(r, now, profiles[r["participant_id"]]),
            wanted=settings.max_live_proposals - int(r["live"]),
            proposed_to=frozenset(r["proposed_to"]),
        )
        for r in rows
    ]
    reach = catalog.reachable([s.candidate for s in seekers if s.wanted > 0], settings.walking_km)
    ranked = await _allocate(seekers, catalog, await catalog.loads(conn, reach), settings)
    return await _store_proposals(conn, ranked, by_id, profiles, catalog)


async def _allocate(
    seekers: list[Seeker], catalog: OpeningCatalog, loads: OpeningLoads, settings: MatchingSettings
) -> list[Ranked]:
    """`allocate` in slices, yielding to the event loop between them (the webhook sender and
    the relay run meanwhile); the slices share `loads`, so each one's proposals count for the
    next, exactly as in one call."""
    ranked: list[Ranked] = []
    for i in range(0, len(seekers), YIELD_EVERY):
        if i:
            await asyncio.sleep(0)
        ranked += allocate(
            seekers[i : i + YIELD_EVERY],
            catalog.index,
            loads,
            config=settings.scoring_config,
            proposals_per_seat=settings.proposals_per_seat,
            still_open=catalog.still_open,
        )
    return ranked


async def _store_proposals(
    conn: asyncpg.Connection,
    ranked: list[Ranked],
    candidates: dict[UUID, asyncpg.Record],
    profiles: dict[UUID, ParticipantProfile],
    catalog: OpeningCatalog,
) -> list[MatchProposed]:
    """Insert the proposals and queue their webhooks: one statement for the whole batch."""
    matches, deliveries, events = [], [], []
    for r in ranked:
        facts, match_id = catalog.facts[r.opening_id], uuid4()
        explanation = r.explanation.as_dict()
        ids = {"match_id": match_id, "participant_id": r.participant_id,
               "opening_id": r.opening_id, "organisation_id": facts.organisation_id}  # fmt: skip
        matches.append(ids | {"score": r.score, "explanation": explanation})
        events.append(MatchProposed(**ids, score=r.score))
        if facts.notifies:
            body = webhook_body(
                ids, facts.title, r.score, explanation, profiles[r.participant_id],
                candidates[r.participant_id]["support_worker_contact"],
            )  # fmt: skip
            deliveries.append((facts.organisation_id, match_id, "match.proposed", body))
    await repo.insert_matches(conn, matches, deliveries, webhook_deliveries.CHANNEL)
    return events


async def propose_for_opening(
    conn: asyncpg.Connection, opening_id: UUID, *, settings: MatchingSettings, now: datetime
) -> list[MatchProposed]:
    """Propose the best ready participants for an opening's free proposal slots."""
    await repo.lock_proposals(conn)
    orow = await repo.fetch_opening(conn, opening_id)
    slots = 0 if orow is None else free_slots(orow, settings)
    if slots <= 0 or (orow["ends_on"] is not None and orow["ends_on"] < now.date()):
        return []
    opening = opening_of(orow, day=now.date())
    cells: list[str] = []
    if opening.lat is not None and opening.lon is not None:
        radius = await repo.max_reach_km(conn)
        cells = [cell_key(c) for c in cells_within(opening.lat, opening.lon, radius)]
    rows = await repo.ready_candidates_near(
        conn,
        opening_id=opening_id,
        cells=cells,
        remote=opening.remote,
        max_live=settings.max_live_proposals,
    )
    by_id = {r["participant_id"]: r for r in rows}
    candidates = [candidate_of(r, now) for r in rows]
    ranked = rank(candidates, [opening], settings.scoring())
    return [
        await _propose(conn, by_id[r.participant_id], orow, r.explanation) for r in ranked[:slots]
    ]


async def top_up(
    conn: asyncpg.Connection,
    *,
    openings: Iterable[UUID] = (),
    participants: Iterable[UUID] = (),
    catalog: OpeningCatalog,
    settings: MatchingSettings,
    now: datetime,
) -> list[MatchProposed]:
    """Fill slots that were freed: next candidates for openings, next openings for people."""
    proposed: list[MatchProposed] = []
    for opening_id in sorted(set(openings)):
        proposed += await propose_for_opening(conn, opening_id, settings=settings, now=now)
    people = sorted(set(participants))
    if people:
        proposed += await propose_for_participants(
            conn, people, catalog=catalog, settings=settings, now=now
        )
    return proposed


async def _propose(
    conn: asyncpg.Connection,
    candidate: asyncpg.Record,
    opening: asyncpg.Record,
    explanation: Explanation,
) -> MatchProposed:
    match_id = uuid4()
    await repo.insert_match(
        conn,
        match_id=match_id,
        participant_id=candidate["participant_id"],
        opening_id=opening["opening_id"],
        organisation_id=opening["organisation_id"],
        score=explanation.score,
        explanation=explanation.as_dict(),
    )
    organisation = await repo.fetch_organisation(conn, opening["organisation_id"])
    if organisation["webhook_url"]:
        ids = {"match_id": match_id, "opening_id": opening["opening_id"]}
        body = webhook_body(
            ids, opening["title"], explanation.score, explanation.as_dict(),
            profile_of(candidate), candidate["support_worker_contact"],
        )  # fmt: skip
        await webhook_deliveries.enqueue(
            conn,
            organisation_id=opening["organisation_id"],
            match_id=match_id,
            event_type="match.proposed",
            body=body,
        )
    return MatchProposed(
        match_id=match_id,
        participant_id=candidate["participant_id"],
        opening_id=opening["opening_id"],
        organisation_id=opening["organisation_id"],
        score=explanation.score,
    )


def webhook_body(
    ids: dict[str, Any],
    title: str,
    score: float,
    explanation: dict[str, Any],
    profile: ParticipantProfile,
    contact: str | None,
) -> str:
    """The `match.proposed` webhook's JSON: the minimal organisation view of the proposal."""
    match = organisation_view(
        match_id=ids["match_id"],
        opening_id=ids["opening_id"],
        opening_title=title,
        status="proposed",
        score=score,
        explanation=explanation,
        profile=profile,
        contact=contact,
    )
    return json.dumps({"type": "match.proposed", "match": match}, sort_keys=True)

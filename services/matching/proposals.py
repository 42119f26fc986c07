"""Use cases that make proposals: best openings for a participant, best candidates for seats.

Proposal-making takes one transaction-scoped advisory lock, so limits (live proposals per
participant, proposal slots per opening) hold even with several matching replicas. Accepting
never takes that lock; it locks the opening row instead, so seats are never over-allocated.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from uuid import UUID, uuid4

import asyncpg

from services.matching import repository as repo
from services.matching import webhook_store
from services.matching.domain import (
    Explanation,
    cell_key,
    cells_within,
    rank,
    travel_limit_km,
)
from services.matching.settings import MatchingSettings
from services.matching.views import candidate_of, opening_of, organisation_view, profile_of
from shared.events.matching import MatchProposed


def free_slots(opening: asyncpg.Record, settings: MatchingSettings) -> int:
    """How many more live proposals an opening may have: a few per seat still free."""
    if opening["status"] != "open":
        return 0
    seats_left = opening["seats"] - opening["accepted"]
    return max(0, seats_left * settings.proposals_per_seat - opening["live"])


def _proposable(row: asyncpg.Record | None) -> bool:
    return row is not None and row["ready_at"] is not None and row["placed_at"] is None


async def propose_for_participant(
    conn: asyncpg.Connection, participant_id: UUID, *, settings: MatchingSettings, now: datetime
) -> list[MatchProposed]:
    """Propose the best openings to a ready participant, up to their live-proposal limit."""
    if not _proposable(await repo.fetch_candidate(conn, participant_id)):
        return []  # most profile updates end here, without waiting for the lock
    await repo.lock_proposals(conn)
    row = await repo.fetch_candidate(conn, participant_id)
    if not _proposable(row):
        return []
    wanted = settings.max_live_proposals - await repo.live_count(conn, participant_id)
    if wanted <= 0:
        return []
    candidate = candidate_of(row, now)
    view = candidate.view
    cells: list[str] = []
    if view.lat is not None and view.lon is not None:
        radius = travel_limit_km(candidate, settings.walking_km)
        cells = [cell_key(c) for c in cells_within(view.lat, view.lon, radius)]
    rows = await repo.open_openings_near(
        conn, participant_id=participant_id, cells=cells, remote=view.telework_ready
    )
    by_id = {r["opening_id"]: r for r in rows if free_slots(r, settings) > 0}
    ranked = rank([candidate], [opening_of(r) for r in by_id.values()], settings.scoring())
    return [await _propose(conn, row, by_id[r.opening_id], r.explanation) for r in ranked[:wanted]]


async def propose_for_opening(
    conn: asyncpg.Connection, opening_id: UUID, *, settings: MatchingSettings, now: datetime
) -> list[MatchProposed]:
    """Propose the best ready participants for an opening's free proposal slots."""
    await repo.lock_proposals(conn)
    orow = await repo.fetch_opening(conn, opening_id)
    slots = 0 if orow is None else free_slots(orow, settings)
    if slots <= 0 or (orow["ends_on"] is not None and orow["ends_on"] < now.date()):
        return []
    opening = opening_of(orow)
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
    settings: MatchingSettings,
    now: datetime,
) -> list[MatchProposed]:
    """Fill slots that were freed: next candidates for openings, next openings for people."""
    proposed: list[MatchProposed] = []
    for opening_id in sorted(set(openings)):
        proposed += await propose_for_opening(conn, opening_id, settings=settings, now=now)
    for participant_id in sorted(set(participants)):
        proposed += await propose_for_participant(conn, participant_id, settings=settings, now=now)
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
        body = organisation_view(
            match_id=match_id,
            opening_id=opening["opening_id"],
            opening_title=opening["title"],
            status="proposed",
            score=explanation.score,
            explanation=explanation.as_dict(),
            profile=profile_of(candidate),
            contact=candidate["support_worker_contact"],
        )
        await webhook_store.enqueue(
            conn,
            organisation_id=opening["organisation_id"],
            match_id=match_id,
            event_type="match.proposed",
            body=json.dumps({"type": "match.proposed", "match": body}, sort_keys=True),
        )
    return MatchProposed(
        match_id=match_id,
        participant_id=candidate["participant_id"],
        opening_id=opening["opening_id"],
        organisation_id=opening["organisation_id"],
        score=explanation.score,
    )

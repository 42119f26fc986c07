"""Use cases of the candidate pool, fed by intake's and caseplan's events.

A registered participant is in the pool (GET /v1/candidates/{id} answers 200) but is NOT
proposable: only caseplan's `participant.ready_for_matching` (a support worker's decision)
makes them a candidate for proposals. Someone accepted for a placement is not proposed again
until a new `participant.ready_for_matching`; `participant.exited` makes them not ready.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from services.matching import repository as repo
from services.matching.proposals import propose_for_participant, top_up
from services.matching.settings import MatchingSettings
from services.matching.views import pool_columns
from shared.events.caseplan import ParticipantReadyForMatching
from shared.events.intake import ParticipantProfile
from shared.events.matching import MatchProposed
from shared.messaging import RetryLater


async def register_candidate(
    conn: asyncpg.Connection, profile: ParticipantProfile, *, at: datetime, walking_km: float
) -> None:
    """A registered participant enters the pool (not yet proposable: see `make_ready`)."""
    await repo.insert_candidate(conn, at=at, **pool_columns(profile, walking_km))


async def update_candidate(
    conn: asyncpg.Connection,
    profile: ParticipantProfile,
    *,
    at: datetime,
    settings: MatchingSettings,
    now: datetime,
) -> list[MatchProposed]:
    """A corrected profile replaces the stored one (before the registration: retry later);
    a ready participant with free proposal slots may now fit more openings."""
    columns = pool_columns(profile, settings.walking_km)
    if not await repo.update_candidate(conn, at=at, **columns):
        raise RetryLater(f"participant {profile.participant_id} is not registered yet")
    return await propose_for_participant(conn, profile.participant_id, settings=settings, now=now)


async def remove_candidate(
    conn: asyncpg.Connection, participant_id: UUID, *, settings: MatchingSettings, now: datetime
) -> list[MatchProposed]:
    """Consent withdrawn or erased: out of the pool, live proposals withdrawn, slots refilled."""
    await repo.lock_proposals(conn)
    withdrawn = await repo.withdraw_live(
        conn, reason="participant left the pool", participant_id=participant_id
    )
    await repo.delete_candidate(conn, participant_id)
    freed = [r["opening_id"] for r in withdrawn]
    return await top_up(conn, openings=freed, settings=settings, now=now)


async def retire_candidate(
    conn: asyncpg.Connection, participant_id: UUID, *, settings: MatchingSettings, now: datetime
) -> list[MatchProposed]:
    """The participant left the operation: not proposable, live proposals withdrawn."""
    await repo.lock_proposals(conn)
    withdrawn = await repo.withdraw_live(
        conn, reason="participant left the operation", participant_id=participant_id
    )
    await repo.mark_not_ready(conn, participant_id)
    freed = [r["opening_id"] for r in withdrawn]
    return await top_up(conn, openings=freed, settings=settings, now=now)


async def make_ready(
    conn: asyncpg.Connection,
    ready: ParticipantReadyForMatching,
    *,
    settings: MatchingSettings,
    now: datetime,
) -> list[MatchProposed]:
    """A support worker marked the participant ready: propose them the best openings."""
    kinds = [str(k) for k in ready.opening_kinds]
    if not await repo.mark_ready(
        conn, ready.participant_id, kinds=kinds, contact=ready.support_worker_contact
    ):
        raise RetryLater(f"participant {ready.participant_id} is not registered yet")
    return await propose_for_participant(conn, ready.participant_id, settings=settings, now=now)

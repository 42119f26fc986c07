"""Use cases of the candidate pool, fed by intake's and caseplan's events.

A registered participant is in the pool (GET /v1/candidates/{id} answers 200) but is NOT
proposable: only caseplan's `participant.ready_for_matching` (a support worker's decision)
makes them a candidate for proposals. Someone accepted for a placement is not proposed again
until a new `participant.ready_for_matching`; `participant.exited` makes them not ready.
Erasure and exit are remembered for good (`domain.departure`): a late, replayed or reordered
registration never puts an erased participant back, a readiness never revives an exit.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from services.matching import repository as repo
from services.matching import withdrawals
from services.matching.catalog import OpeningCatalog
from services.matching.domain.departure import Step, admits, leaves_pool
from services.matching.proposals import propose_for_participant, propose_to_ready, top_up
from services.matching.settings import MatchingSettings
from services.matching.views import pool_columns
from shared import audit, idempotency
from shared.events.caseplan import ParticipantReadyForMatching
from shared.events.intake import ParticipantProfile
from shared.events.matching import MatchProposed, MatchWithdrawn
from shared.messaging import RetryLater


async def register_candidates(
    conn: asyncpg.Connection,
    registered: list[tuple[ParticipantProfile, datetime]],
    *,
    walking_km: float,
) -> None:
    """Registered participants (profile, when) enter the pool in one statement, unless they
    were erased; they are not yet proposable (see `make_ready`)."""
    await repo.hold_erasure_lock(conn, exclusive=False)  # first: committed erasures are seen
    gone = await repo.departures(conn, [p.participant_id for p, _ in registered])
    rows = [
        pool_columns(profile, walking_km) | {"at": at}
        for profile, at in registered
        if admits(gone.get(profile.participant_id), Step.REGISTRATION)
    ]
    await repo.insert_candidates(conn, rows)


async def update_candidate(
    conn: asyncpg.Connection,
    profile: ParticipantProfile,
    *,
    at: datetime,
    catalog: OpeningCatalog,
    settings: MatchingSettings,
    now: datetime,
) -> list[MatchProposed]:
    """A corrected profile replaces the stored one (before the registration: retry later;
    after an erasure: nothing); a ready participant with free proposal slots may now fit more
    openings."""
    columns = pool_columns(profile, settings.walking_km)
    if not await repo.update_candidate(conn, at=at, **columns):
        gone = await repo.departures(conn, [profile.participant_id])
        if not admits(gone.get(profile.participant_id), Step.CORRECTION):
            return []
        raise RetryLater(f"participant {profile.participant_id} is not registered yet")
    return await propose_for_participant(
        conn, profile.participant_id, catalog=catalog, settings=settings, now=now
    )


async def remove_candidate(
    conn: asyncpg.Connection,
    participant_id: UUID,
    *,
    catalog: OpeningCatalog,
    settings: MatchingSettings,
    now: datetime,
) -> list[MatchProposed | MatchWithdrawn]:
    """Out of the pool (consent to matching withdrawn, or erased): live proposals withdrawn,
    slots refilled."""
    await repo.lock_proposals(conn)
    withdrawn = await repo.withdraw_live(
        conn, reason="participant left the pool", participant_id=participant_id
    )
    told = await withdrawals.notified(conn, withdrawn, reason="participant left the pool")
    await repo.delete_candidate(conn, participant_id)
    freed = [r["opening_id"] for r in withdrawn]
    return [*told, *await top_up(conn, openings=freed, catalog=catalog, settings=settings, now=now)]


async def erase_candidate(
    conn: asyncpg.Connection,
    participant_id: UUID,
    *,
    at: datetime,
    catalog: OpeningCatalog,
    settings: MatchingSettings,
    now: datetime,
) -> list[MatchProposed | MatchWithdrawn]:
    """Erased: remembered for good (id and time only), then out of the pool as on withdrawal."""
    await repo.hold_erasure_lock(conn, exclusive=True)  # before the proposal lock, always
    await repo.record_erasure(conn, participant_id, at)
    await idempotency.forget_answers_mentioning(conn, str(participant_id))
    return await remove_candidate(conn, participant_id, catalog=catalog, settings=settings, now=now)


async def withdraw_consent(
    conn: asyncpg.Connection,
    participant_id: UUID,
    purposes: list[str],
    *,
    at: datetime,
    catalog: OpeningCatalog,
    settings: MatchingSettings,
    now: datetime,
) -> list[MatchProposed | MatchWithdrawn]:
    """Consent withdrawn: when matching rests on a purpose withdrawn (`leaves_pool`), the
    candidate is remembered as withdrawn (id and time) and leaves the pool, audited;
    otherwise nothing in matching changes."""
    if not leaves_pool(purposes):
        return []
    await repo.hold_erasure_lock(conn, exclusive=True)  # a later registration sees it
    await repo.record_matching_withdrawn(conn, participant_id, at)
    await audit.record(conn, None, "consent.matching_withdrawn", [participant_id], ["candidate"])
    return await remove_candidate(conn, participant_id, catalog=catalog, settings=settings, now=now)


async def retire_candidate(
    conn: asyncpg.Connection,
    participant_id: UUID,
    *,
    at: datetime,
    catalog: OpeningCatalog,
    settings: MatchingSettings,
    now: datetime,
) -> list[MatchProposed | MatchWithdrawn]:
    """The participant left the operation, for good: not proposable, live proposals withdrawn."""
    await repo.lock_proposals(conn)
    await repo.record_exit(conn, participant_id, at)
    withdrawn = await repo.withdraw_live(
        conn, reason="participant left the operation", participant_id=participant_id
    )
    told = await withdrawals.notified(conn, withdrawn, reason="participant left the operation")
    await repo.mark_not_ready(conn, participant_id)
    freed = [r["opening_id"] for r in withdrawn]
    return [*told, *await top_up(conn, openings=freed, catalog=catalog, settings=settings, now=now)]


async def make_ready(
    conn: asyncpg.Connection,
    ready: list[ParticipantReadyForMatching],
    *,
    catalog: OpeningCatalog,
    settings: MatchingSettings,
    now: datetime,
) -> list[MatchProposed]:
    """Support workers marked participants ready: propose them the best openings, in turn.

    A participant marked ready twice in one batch splits it, so each readiness applies in
    order as if handled alone; one who left (erased, exited) is skipped; one not yet
    registered fails the batch (`RetryLater`), which the consumer then applies event by event."""
    proposed: list[MatchProposed] = []
    for run in distinct_runs(ready):
        await repo.lock_proposals(conn)  # first: the pool rows are locked under it, not before
        gone = await repo.departures(conn, [r.participant_id for r in run])
        part = [r for r in run if admits(gone.get(r.participant_id), Step.READINESS)]
        if not part:
            continue
        kinds = [(r.participant_id, [str(k) for k in r.opening_kinds], r.support_worker_contact,
                  r.organisation_id) for r in part]  # fmt: skip
        found = {row["participant_id"]: row for row in await repo.mark_ready_many(conn, kinds)}
        missing = [r.participant_id for r in part if r.participant_id not in found]
        if missing:
            raise RetryLater(f"participant {missing[0]} is not registered yet")
        rows = [found[r.participant_id] for r in part]
        proposed += await propose_to_ready(conn, rows, catalog=catalog, settings=settings, now=now)
    return proposed


def distinct_runs(
    ready: list[ParticipantReadyForMatching],
) -> list[list[ParticipantReadyForMatching]]:
    """The events in order, cut wherever a participant comes again."""
    runs: list[list[ParticipantReadyForMatching]] = [[]]
    seen: set[UUID] = set()
    for r in ready:
        if r.participant_id in seen:
            runs.append([])
            seen.clear()
        runs[-1].append(r)
        seen.add(r.participant_id)
    return [run for run in runs if run]

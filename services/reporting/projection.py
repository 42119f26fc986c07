"""The read model's use cases: apply consumed events, and rebuild everything from the log."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any
from uuid import UUID

import asyncpg

from services.reporting.aggregator import recompute_all
from services.reporting.repository import caseplan_projection as cp
from services.reporting.repository import erasure, figure_store
from services.reporting.repository import matching_projection as mp
from services.reporting.repository import meeting_projection as meetings
from services.reporting.repository import projection as store
from services.reporting.settings import ReportingSettings
from shared.events import EVENT_TYPES, Envelope, Payload, caseplan, decode, intake, matching
from shared.events.streams import ALL_EVENT_STREAMS

Apply = Callable[[asyncpg.Connection, Sequence[Envelope[Any]]], Awaitable[None]]


async def _logged_only(conn: asyncpg.Connection, events: Sequence[Envelope[Any]]) -> None:
    """Events that change no figure: kept in the event log (a rebuild replays them), nothing
    more (a follow-up falling due is a reminder; refused rows never became participants)."""


PROJECTIONS: dict[str, Apply] = {
    intake.ParticipantRegistered.TYPE: store.participant_registered,
    intake.ParticipantUpdated.TYPE: store.participant_updated,
    intake.ParticipantTransferred.TYPE: store.participant_transferred,
    intake.ParticipantConsentWithdrawn.TYPE: store.consent_withdrawn,
    intake.ParticipantErased.TYPE: erasure.participant_erased,  # records erased_at too
    intake.IntakeRowsRefused.TYPE: _logged_only,
    caseplan.CaseplanOpened.TYPE: cp.caseplan_opened,
    caseplan.CaseplanWorkerAssigned.TYPE: cp.worker_assigned,
    caseplan.CaseplanWaitlisted.TYPE: cp.waitlisted,
    caseplan.ParticipantReadyForMatching.TYPE: cp.ready_for_matching,
    caseplan.ActivityRecorded.TYPE: cp.activity_recorded,
    caseplan.ActivityHoursLogged.TYPE: cp.activity_hours_logged,
    caseplan.PlacementStarted.TYPE: cp.placement_started,
    caseplan.PlacementEnded.TYPE: cp.placement_ended,
    caseplan.PlacementHoursLogged.TYPE: cp.placement_hours_logged,
    caseplan.ParticipantExited.TYPE: cp.participant_exited,
    caseplan.ParticipantFollowedUp.TYPE: cp.participant_followed_up,
    caseplan.ParticipantFollowUpDue.TYPE: _logged_only,
    caseplan.MeetingScheduled.TYPE: meetings.meeting_scheduled,
    caseplan.MeetingCancelled.TYPE: meetings.meeting_cancelled,
    caseplan.MeetingAttendanceRecorded.TYPE: meetings.meeting_attendance_recorded,
    matching.OpeningPosted.TYPE: mp.opening_posted,
    matching.OpeningUpdated.TYPE: mp.opening_posted,
    matching.OpeningClosed.TYPE: mp.opening_closed,
    matching.MatchProposed.TYPE: mp.match_proposed,
    matching.MatchAccepted.TYPE: mp.match_accepted,
    matching.MatchDeclined.TYPE: mp.match_declined,
    matching.MatchExpired.TYPE: mp.match_expired,
    matching.MatchWithdrawn.TYPE: mp.match_withdrawn,
    matching.OrganisationRegistered.TYPE: mp.organisation_changed,
    matching.OrganisationUpdated.TYPE: mp.organisation_changed,
}
"""How each event type changes the read model."""

REPLAYED: dict[str, Apply] = {
    **PROJECTIONS,
    intake.ParticipantErased.TYPE: partial(store.participant_privacy, column="erased_at"),
}
"""The same, for a rebuild: the log of an erased participant is anonymised already."""


def consumed_payloads() -> list[type[Payload]]:
    """Every event type published on the intake, caseplan and matching streams."""
    return [cls for cls in EVENT_TYPES.values() if cls.STREAM in ALL_EVENT_STREAMS]


async def apply_events(conn: asyncpg.Connection, events: Sequence[Envelope[Any]]) -> None:
    """Log the envelopes and project them, in stream order, inside the caller's transaction;
    note whose figures changed (the aggregator recomputes them). Erasures cut the batch: what
    follows one is remapped to the anonymous id it left."""
    for part in erasures_apart(events):
        await _apply_part(conn, part)


def erasures_apart(events: Sequence[Envelope[Any]]) -> list[list[Envelope[Any]]]:
    """The events in order, cut where a run of erasures starts or ends."""
    parts: list[list[Envelope[Any]]] = []
    for event in events:
        erased = event.type == intake.ParticipantErased.TYPE
        if not parts or (parts[-1][0].type == intake.ParticipantErased.TYPE) != erased:
            parts.append([])
        parts[-1].append(event)
    return parts


async def _apply_part(conn: asyncpg.Connection, events: Sequence[Envelope[Any]]) -> None:
    events = await erasure.remap_erased(conn, events)
    await store.log_events(conn, events)
    await project(conn, events)
    if events and events[0].type != intake.ParticipantErased.TYPE:  # an erasure changes no figure
        await figure_store.mark_dirty(conn, _participants(events))


def _participants(events: Sequence[Envelope[Any]]) -> list[UUID]:
    found = (getattr(e.payload, "participant_id", None) for e in events)
    return [p for p in found if p is not None]  # a team meeting has no participant


async def project(
    conn: asyncpg.Connection, events: Sequence[Envelope[Any]], *, replay: bool = False
) -> None:
    """Apply events to the read model, grouping consecutive events of one type."""
    projections = REPLAYED if replay else PROJECTIONS
    run: list[Envelope[Any]] = []
    for event in events:
        if run and run[0].type != event.type:
            await _project_run(conn, run, projections)
            run = []
        run.append(event)
    if run:
        await _project_run(conn, run, projections)


async def _project_run(
    conn: asyncpg.Connection, run: list[Envelope[Any]], projections: dict[str, Apply]
) -> None:
    apply = projections.get(run[0].type)
    if apply is not None:  # a type added later is logged now, projected by a rebuild
        await apply(conn, run)


async def rebuild(
    pool: asyncpg.Pool,
    *,
    chunk: int = 1000,
    progress: Callable[[int, int], None] | None = None,
    settings: ReportingSettings | None = None,
) -> int:
    """Truncate the read model, replay the event log into it and recompute the figure store,
    in one transaction."""
    done = 0
    async with pool.acquire() as conn, conn.transaction():
        await store.hold_read_model_lock(conn, exclusive=True)  # before any table: no deadlock
        await store.lock_log(conn)
        await figure_store.hold_aggregator_lock(conn)
        total = await store.log_size(conn)
        await store.truncate_read_model(conn)
        after = 0
        while rows := await store.read_log(conn, after, chunk):
            events = [decode(r["envelope"]) for r in rows]
            await project(conn, [e for e in events if e is not None], replay=True)
            after = rows[-1]["seq"]
            done += len(rows)
            if progress is not None:
                progress(done, total)
        await recompute_all(conn, settings or ReportingSettings())
    return done

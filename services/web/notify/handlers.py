"""The events the web front hears: what it needs to address notices, and the facts that
cause them. Each notice is recorded in the transaction of the event's inbox entry, so an
event is told once however often it is delivered."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg

from services.web import demo as demo_people
from services.web.notify import repository, rules, service
from shared.events import Envelope
from shared.events.caseplan import (
    CaseplanWorkerAssigned,
    MeetingCancelled,
    MeetingScheduled,
    ParticipantFollowUpDue,
    PlacementStarted,
)
from shared.events.intake import IntakeRowsRefused, ParticipantErased
from shared.events.matching import (
    MatchAccepted,
    MatchDeclined,
    MatchProposed,
    MatchWithdrawn,
    OpeningPosted,
    OpeningUpdated,
)
from shared.events.vocabulary import OpeningKind
from shared.messaging import EventConsumer

Emitted = list[Envelope[Any]]


async def _tell(
    conn: asyncpg.Connection, event: Envelope[Any], notice: rules.Notice | None
) -> None:
    if rules.is_news(event.occurred_at, datetime.now(UTC)):
        await service.record(conn, notice)


def register_handlers(consumer: EventConsumer, *, demo: bool = False) -> None:
    """Subscribe the web front to the events its notices follow (with `demo`, the demo
    people join the first support organisation and the first proposal's organisation)."""

    async def on_opening(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        p = event.payload
        await repository.remember_opening(conn, p.opening_id, p.organisation_id, p.title)
        return []

    consumer.on(OpeningPosted)(on_opening)
    consumer.on(OpeningUpdated)(on_opening)

    @consumer.on(CaseplanWorkerAssigned)
    async def on_worker_assigned(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        p = event.payload
        if p.organisation_id is not None:
            await repository.remember_case(conn, p.participant_id, p.organisation_id)
            if demo:
                await demo_people.join(conn, "support_worker", p.organisation_id)
        notice = rules.case_new(
            organisation_id=p.organisation_id,
            participant_id=p.participant_id,
            cause_id=event.event_id,
        )
        await _tell(conn, event, notice)
        return []

    @consumer.on(ParticipantFollowUpDue)
    async def on_follow_up_due(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        p = event.payload
        keeper = p.organisation_id or await repository.case_organisation(conn, p.participant_id)
        notice = rules.follow_up_due(organisation_id=keeper, participant_id=p.participant_id,
                                     due_on=p.follow_up_due_on, cause_id=event.event_id)  # fmt: skip
        await _tell(conn, event, notice)
        return []

    @consumer.on(MatchProposed)
    async def on_proposed(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        p = event.payload
        if demo:
            await demo_people.join(conn, "employer", p.organisation_id)
        title = await repository.opening_title(conn, p.opening_id) or "-"
        notice = rules.proposal_new(
            organisation_id=p.organisation_id, title=title, cause_id=event.event_id
        )
        await _tell(conn, event, notice)
        return []

    async def on_placement_started(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        """Tells nobody: the demo's workshop person joins the first workshop placing someone."""
        if event.payload.opening_kind is OpeningKind.WORKSHOP_PLACE:
            await demo_people.join(conn, "workshop", event.payload.organisation_id)
        return []

    if demo:  # only the demo hears of placements
        consumer.on(PlacementStarted)(on_placement_started)

    @consumer.on(MatchWithdrawn)
    async def on_withdrawn(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        p = event.payload
        notice = rules.proposal_withdrawn(
            organisation_id=p.organisation_id,
            title=await repository.opening_title(conn, p.opening_id) or "-",
            reason=p.reason,
            cause_id=event.event_id,
        )
        await _tell(conn, event, notice)
        return []

    @consumer.on(MeetingScheduled)
    async def on_meeting(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        p = event.payload
        live = await repository.remember_meeting(
            conn, p.meeting_id, p.organisation_id, p.kind.value, p.starts_at
        )
        notice = rules.meeting(kind=p.kind.value, organisation_id=p.organisation_id,
                               starts_at=p.starts_at, cause_id=event.event_id, reminder=False)  # fmt: skip
        await _tell(conn, event, notice if live else None)
        return []

    @consumer.on(MeetingCancelled)
    async def on_cancelled(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        p = event.payload
        await repository.cancel_meeting(
            conn, p.meeting_id, p.organisation_id, p.kind.value, p.starts_at
        )
        return []

    async def on_decided(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        p = event.payload
        notice = rules.proposal_decided(
            accepted=isinstance(p, MatchAccepted),
            case_organisation=await repository.case_organisation(conn, p.participant_id),
            participant_id=p.participant_id,
            title=await repository.opening_title(conn, p.opening_id) or "-",
            reason=getattr(p, "reason", ""),
            cause_id=event.event_id,
        )
        await _tell(conn, event, notice)
        return []

    consumer.on(MatchAccepted)(on_decided)
    consumer.on(MatchDeclined)(on_decided)

    @consumer.on(IntakeRowsRefused)
    async def on_rows_refused(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        p = event.payload
        notice = rules.rows_refused(
            municipality=p.municipality, source=p.source, ref=rules.local_time(event.occurred_at),
            count=p.refused, total=p.total, rows=[str(r) for r in p.rows] or p.request_ids,
            cause_id=event.event_id,
        )  # fmt: skip
        await _tell(conn, event, notice)
        return []

    @consumer.on(ParticipantErased)
    async def on_erased(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        await repository.forget_participant(conn, event.payload.participant_id)
        return []

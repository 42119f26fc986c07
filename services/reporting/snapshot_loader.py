"""Turn the read model's rows into the domain's values: a whole Snapshot (the reference the
tests and the bench compare with), or the facts of a few participants (the aggregator's)."""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

import asyncpg

from services.reporting.domain.contributions import ParticipantFacts
from services.reporting.domain.record import ParticipantRecord, Placement
from services.reporting.domain.snapshot import (
    Activity,
    HoursLog,
    Match,
    MeetingRecord,
    Opening,
    PlacementFact,
    Snapshot,
    WorkPracticeHours,
)
from services.reporting.repository import organisation_queries, queries


async def load_snapshot(conn: asyncpg.Connection) -> Snapshot:
    """Everything the figures need, read in one repeatable-read transaction."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        placement_rows = await queries.placements(conn)
        activity_rows = await queries.activities(conn)
        placements = [_placement(r) for r in placement_rows]
        by_participant: dict[UUID, list[Placement]] = defaultdict(list)
        for fact in placements:
            by_participant[fact.participant_id].append(fact.placement)
        participants = [
            _participant(r, by_participant[r["participant_id"]])
            for r in await queries.participants(conn)
        ]
        return Snapshot(
            participants=participants,
            placements=placements,
            activities=[_activity(r) for r in activity_rows],
            hours=[HoursLog(**dict(r)) for r in await queries.activity_hours(conn)],
            openings=[_opening(r) for r in await queries.openings(conn)],
            matches=[_match(r) for r in await queries.matches(conn)],
            worker_limits=await queries.worker_limits(conn),
            placement_hours=[
                WorkPracticeHours(**dict(r)) for r in await queries.placement_hours(conn)
            ],
            organisations=await organisation_queries.organisations(conn),
            meetings=[MeetingRecord(**dict(r)) for r in await queries.meetings(conn)],
        )


async def load_facts(conn: asyncpg.Connection, ids: list[UUID]) -> list[ParticipantFacts]:
    """The facts of each participant id (inside the caller's transaction)."""
    placement_rows = await queries.placements(conn, ids)
    facts = {i: ParticipantFacts(i, None) for i in ids}
    by_participant: dict[UUID, list[Placement]] = defaultdict(list)
    for r in placement_rows:
        by_participant[r["participant_id"]].append(_placement(r).placement)
        if r["starts_on"] is not None and r["ended_on"] is None and r["opening_id"] is not None:
            facts[r["participant_id"]].open_placements.append((r["opening_id"], r["starts_on"]))
    for r in await queries.participants(conn, ids):
        pid = r["participant_id"]
        facts[pid].record = _participant(r, by_participant[pid])
    for r in await queries.activities(conn, ids):
        facts[r["participant_id"]].activities.append(_activity(r))
    for r in await queries.activity_hours(conn, ids):
        facts[r["participant_id"]].hours.append(HoursLog(**dict(r)))
    for r in await queries.matches(conn, ids):
        facts[r["participant_id"]].matches.append(_match(r))
    for r in await queries.placement_hours(conn, ids):
        facts[r["participant_id"]].work_practice.append(WorkPracticeHours(**dict(r)))
    return list(facts.values())


def _participant(r: asyncpg.Record, placements: list[Placement]) -> ParticipantRecord:
    orgs = {pl.organisation_id for pl in placements if pl.organisation_id is not None}
    orgs |= set(r["activity_organisations"] or [])
    if r["case_organisation_id"] is not None:
        orgs.add(r["case_organisation_id"])
    return ParticipantRecord(
        participant_id=r["participant_id"],
        registered_on=r["registered_on"],
        municipality=r["municipality"],
        age_at_entry=r["age_at_entry"],
        age_band=r["age_band"],
        sex=r["sex"],
        status_at_entry=r["labour_market_status"],
        months_unemployed=r["months_unemployed"],
        in_education_at_entry=r["in_education_or_training"],
        isced_level=r["isced_level"],
        risk_groups=frozenset(r["risk_groups"]),
        special_categories_refused=r["special_categories_refused"],
        organisation_ids=frozenset(orgs),
        exited_on=r["exited_on"],
        exit_outcome=r["exit_outcome"],
        followed_up_on=r["followed_up_on"],
        follow_up_outcome=r["follow_up_outcome"],
        follow_up_due_on=r["follow_up_due_on"],
        follow_up_withdrawn=r["follow_up_withdrawn"],
        placements=tuple(sorted(placements, key=lambda p: str(p.placement_id))),
        case_opened_on=r["opened_on"],
        waitlisted_on=r["waitlisted_on"],
        support_worker_id=r["support_worker_id"],
        assigned_on=r["assigned_on"],
    )


def _placement(r: asyncpg.Record) -> PlacementFact:
    placement = Placement(
        placement_id=r["placement_id"],
        organisation_id=r["organisation_id"],
        starts_on=r["starts_on"],
        ended_on=r["ended_on"],
        outcome=r["outcome"],
        opening_kind=r["opening_kind"],
    )
    return PlacementFact(r["participant_id"], placement, float(r["hours"]))


def _activity(r: asyncpg.Record) -> Activity:
    on = r["starts_on"] or r["recorded_at"].date()
    return Activity(r["participant_id"], r["activity_type"], r["status"], r["organisation_id"], on)


def _opening(r: asyncpg.Record) -> Opening:
    return Opening(
        opening_id=r["opening_id"],
        organisation_id=r["organisation_id"],
        organisation_kind=r["organisation_kind"],
        municipality=r["municipality"],
        kind=r["kind"],
        seats=r["seats"],
        posted_on=r["posted_on"],
        closed_on=r["closed_on"],
        filled=int(r["filled"]),
    )


def _match(r: asyncpg.Record) -> Match:
    return Match(
        r["match_id"], r["participant_id"], r["organisation_id"], r["proposed_on"],
        r["accepted_on"],
    )  # fmt: skip

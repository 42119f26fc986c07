"""Fault 6: every event delivered twice, and an update arriving before its registration."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from uuid import uuid4

import asyncpg
from conftest import BackgroundLoad, assert_end_state
from fault_tools import (
    PIPELINE_FAMILIES,
    dead_letters,
    metric,
    metric_families,
    publish,
    sql_value,
)

from shared.events import new_event, streams
from shared.events.intake import ParticipantRegistered, ParticipantUpdated
from tests.support import Stack, wait_until


def test_every_registration_delivered_twice_is_counted_once(
    stack: Stack, migrated_database_url: str, redis_url: str
) -> None:
    expected = BackgroundLoad(stack["intake"].url, migrated_database_url).start().join()
    assert_end_state(migrated_database_url, expected)
    bodies = asyncio.run(_registrations(migrated_database_url))
    for body in bodies:
        publish(redis_url, streams.INTAKE, {"__data__": body})
    for service in ("caseplan", "matching", "reporting"):
        duplicates = (
            f'polku_events_consumed_total{{outcome="duplicate",service="{service}",'
            f'stream="{streams.INTAKE}",type="participant.registered"}}'
        )
        wait_until(
            lambda s=service, d=duplicates: metric(stack[s].url, d) >= len(bodies),
            what=f"{service} skipped every copy",
        )
    assert_end_state(migrated_database_url, expected)
    assert dead_letters(redis_url) == []
    for sp in stack.all():  # every service's /metrics parses and has the pipeline families
        families = metric_families(sp.url)
        assert PIPELINE_FAMILIES <= set(families), (sp.service, PIPELINE_FAMILIES - set(families))
        assert families["polku_outbox_backlog"], sp.service
        if sp.service != "intake":  # the three consumers of intake's events
            assert families["polku_handler_duration_seconds"], sp.service
            assert families["polku_events_consumed"] and families["polku_consumer_lag"]
    assert metric_families(stack["intake"].url)["polku_events_published"]


async def _registrations(dsn: str) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT body FROM intake.outbox WHERE type = 'participant.registered'"
        )
    finally:
        await conn.close()
    return [r["body"] for r in rows]


def test_an_update_before_its_registration_waits_for_it_and_is_applied(
    stack_factory: type[Stack], migrated_database_url: str, redis_url: str
) -> None:
    stack_factory(max_attempts="6", claim_idle_ms="300").start()  # type: ignore[call-arg]
    late, never = uuid4(), uuid4()
    update = _event(ParticipantUpdated, late, changed_fields=["municipality"])
    orphan = _event(ParticipantUpdated, never, changed_fields=["municipality"])
    publish(redis_url, streams.INTAKE, {"__data__": update.model_dump_json()})
    publish(redis_url, streams.INTAKE, {"__data__": orphan.model_dump_json()})
    attempts = "SELECT attempts FROM caseplan.failed_attempt WHERE entry_key = $1"
    wait_until(
        lambda: sql_value(migrated_database_url, attempts, str(update.event_id)),
        what="the early update retried, not dropped",
    )
    registered = _event(ParticipantRegistered, late)
    publish(redis_url, streams.INTAKE, {"__data__": registered.model_dump_json()})
    processed = "SELECT count(*) FROM caseplan.inbox WHERE event_id = ANY($1::uuid[])"
    ids = [update.event_id, registered.event_id]
    wait_until(
        lambda: sql_value(migrated_database_url, processed, ids) == 2,
        what="registration and then the update applied",
    )
    municipality = "SELECT municipality FROM caseplan.case_plan WHERE participant_id = $1"
    assert sql_value(migrated_database_url, municipality, late) == "Tartu linn"
    # An update whose registration never comes is retried a bounded number of times, then
    # dead-lettered with the reason: never silently dropped.
    [dead] = wait_until(
        lambda: [
            d
            for d in dead_letters(redis_url)
            if d["event_id"] == str(orphan.event_id) and d["consumer"] == "caseplan"
        ],
        timeout=60,
        what="orphan update dead-lettered by caseplan",
    )
    assert (dead["reason"], dead["attempts"]) == ("prerequisite_missing", "6")
    assert not [d for d in dead_letters(redis_url) if d["event_id"] == str(update.event_id)]


def _event(
    kind: type[ParticipantRegistered] | type[ParticipantUpdated], pid: object, **extra: object
):  # type: ignore[no-untyped-def]
    """An intake event for `pid`; updates move the participant to Tartu."""
    town = "Tartu linn" if kind is ParticipantUpdated else "Rapla vald"
    payload = kind(
        participant_id=pid, municipality=town, registered_on=datetime.now(UTC).date(), **extra
    )
    return new_event(payload, producer="fault-test")

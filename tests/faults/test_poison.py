"""Fault 5: poison events end in the dead-letter stream with their reason; the rest flows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from conftest import BackgroundLoad, assert_end_state
from fault_tools import dead_letters, metric, polku, publish, sql_value

from shared.events import new_event, streams
from shared.events.intake import ParticipantRegistered
from shared.events.matching import MatchAccepted
from tests.support import Stack, wait_until

CONSUMERS_OF_INTAKE = ("caseplan", "matching", "reporting")


def registration(participant_id: Any = None) -> str:
    """A participant.registered event as another producer would publish it."""
    payload = ParticipantRegistered(
        participant_id=participant_id or uuid4(),
        municipality="Rapla vald",
        registered_on=datetime.now(UTC).date(),
    )
    return new_event(payload, producer="fault-test").model_dump_json()


def test_poison_events_are_dead_lettered_and_a_fixed_one_replays_once(
    stack_factory: type[Stack], migrated_database_url: str, redis_url: str
) -> None:
    stack = stack_factory(max_attempts="3", claim_idle_ms="500").start()  # type: ignore[call-arg]
    future = json.loads(registration()) | {"version": 99}
    invalid = json.loads(registration())
    invalid["payload"]["registered_on"] = "not a date"
    poison = {
        "malformed": publish(redis_url, streams.INTAKE, {"__data__": "{not json"}),
        "unknown_version": publish(redis_url, streams.INTAKE, {"__data__": json.dumps(future)}),
        "invalid_payload": publish(redis_url, streams.INTAKE, {"__data__": json.dumps(invalid)}),
    }
    stranger = uuid4()  # a participant caseplan has never seen
    accepted = new_event(
        MatchAccepted(
            match_id=uuid4(),
            participant_id=stranger,
            opening_id=uuid4(),
            organisation_id=uuid4(),
            hours_per_week=20,
        ),
        producer="matching",
    )
    publish(redis_url, streams.MATCHING, {"__data__": accepted.model_dump_json()})

    expected = BackgroundLoad(stack["intake"].url, migrated_database_url).start().join()
    assert_end_state(migrated_database_url, expected)

    def dead_by(reason: str, consumer: str, entry: str | None = None) -> dict[str, str] | None:
        for d in dead_letters(redis_url):
            if (d["reason"], d["consumer"]) == (reason, consumer) and entry in (
                None,
                d["entry_id"],
            ):
                return d
        return None

    for reason, entry_id in poison.items():
        for consumer in CONSUMERS_OF_INTAKE:
            wait_until(lambda r=reason, c=consumer, e=entry_id: dead_by(r, c, e), what=reason)
    refused = wait_until(
        lambda: dead_by("prerequisite_missing", "caseplan"), what="match.accepted dead-lettered"
    )
    assert refused["event_id"] == str(accepted.event_id)
    assert refused["attempts"] == "3"
    assert f"no case plan yet for participant {stranger}" in refused["error"]

    # The fix: the missing registration arrives. Then the operator replays the acceptance.
    publish(redis_url, streams.INTAKE, {"__data__": registration(stranger)})
    wait_until(
        lambda: sql_value(
            migrated_database_url,
            "SELECT 1 FROM caseplan.case_plan WHERE participant_id = $1",
            stranger,
        ),
        what="the stranger's case plan",
    )
    listed = polku(migrated_database_url, redis_url, "dlq", "list", "--limit", "1000")
    assert refused["id"] in listed
    polku(migrated_database_url, redis_url, "dlq", "replay", refused["id"])
    placements = "SELECT count(*) FROM caseplan.placement WHERE match_id = $1"
    wait_until(
        lambda: sql_value(migrated_database_url, placements, accepted.payload.match_id) == 1,
        what="placement started by the replayed acceptance",
    )
    # Delivered once more (a second replay by mistake): the inbox drops it.
    publish(redis_url, streams.MATCHING, {"__data__": accepted.model_dump_json()})
    duplicate = (
        'polku_events_consumed_total{outcome="duplicate",service="caseplan",'
        f'stream="{streams.MATCHING}",type="match.accepted"}}'
    )
    wait_until(lambda: metric(stack["caseplan"].url, duplicate) == 1, what="duplicate skipped")
    assert sql_value(migrated_database_url, placements, accepted.payload.match_id) == 1
    started = (
        "SELECT count(*) FROM caseplan.outbox WHERE type = 'placement.started'"
        " AND body::json->'payload'->>'match_id' = $1"
    )
    assert sql_value(migrated_database_url, started, str(accepted.payload.match_id)) == 1
    assert_end_state(migrated_database_url, expected, downstream_only=frozenset({str(stranger)}))

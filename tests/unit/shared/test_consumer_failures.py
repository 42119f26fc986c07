"""The consumer tells an outage (cannot reach the database) from a failed attempt (the
database answered, the statement failed or timed out), and never acknowledges an entry
whose `type` field disagrees with its body. Small fakes, no servers."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import asyncpg
import pytest
from consumer_fakes import entry, make_consumer, registration

from shared.events import intake, new_event
from shared.events.streams import INTAKE
from shared.messaging import check_unwanted_type, failure_reason

LIMIT_S = 5.0
"""No test here waits on a real clock: each one finishes at once or is stuck."""


def timing_out(env: Any) -> None:
    raise TimeoutError  # what asyncpg raises when `command_timeout` runs out


async def process(consumer: Any, *entries: Any) -> list[bytes]:
    async with asyncio.timeout(LIMIT_S):
        return await consumer.process(INTAKE, list(entries))  # type: ignore[no-any-return]


async def test_a_statement_timeout_is_a_counted_attempt_then_a_dead_letter() -> None:
    consumer, db, redis, applied = make_consumer(timing_out, max_attempts=3)
    slow = registration()
    for attempt in (1, 2):
        assert await process(consumer, entry(slow, 1)) == []  # left pending for the claim loop
        assert db.attempts == {("unit", str(slow.event_id)): attempt}
    assert await process(consumer, entry(slow, 1)) == [b"1-0"]
    [dead] = redis.dead
    assert (dead["reason"], dead["attempts"], dead["event_id"]) == (
        "timed_out",
        "3",
        str(slow.event_id),
    )
    assert "TimeoutError" in dead["error"]
    assert redis.acked == [b"1-0"] and applied == []


async def test_a_slow_event_does_not_hold_up_the_rest_of_its_batch() -> None:
    slow = registration("Slowtown")

    def slow_one(env: Any) -> None:
        if env.event_id == slow.event_id:
            raise asyncpg.exceptions.QueryCanceledError(
                "canceling statement due to statement timeout"
            )

    consumer, db, redis, _ = make_consumer(slow_one, max_attempts=1)
    good = [registration(), registration()]
    settled = await process(consumer, entry(good[0], 1), entry(slow, 2), entry(good[1], 3))
    assert sorted(settled) == [b"1-0", b"2-0", b"3-0"]
    assert {event_id for _, event_id in db.inbox} == {e.event_id for e in good}  # committed
    assert [d["reason"] for d in redis.dead] == ["timed_out"]


async def test_an_outage_is_waited_out_and_never_counted() -> None:
    calls = 0

    def lose_the_database_twice(env: Any) -> None:
        nonlocal calls
        calls += 1
        if calls <= 2:
            db.down = True  # the server went away under the statement
            asyncio.get_running_loop().call_soon(_come_back)
            raise ConnectionResetError("connection lost")

    def _come_back() -> None:
        db.down = False

    consumer, db, redis, applied = make_consumer(lose_the_database_twice)
    event = registration()
    assert await process(consumer, entry(event, 1)) == [b"1-0"]
    assert [e.event_id for e in applied] == [event.event_id]
    assert db.attempts == {} and redis.dead == []


async def test_a_failure_while_the_database_is_unreachable_is_an_outage_not_an_attempt() -> None:
    calls = 0

    def fail_and_lose(env: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:  # an ambiguous error, and the database does not answer the probe
            db.down = True
            asyncio.get_running_loop().call_later(0.05, setattr, db, "down", False)
            raise asyncpg.exceptions.InterfaceError("cannot perform operation")

    consumer, db, redis, applied = make_consumer(fail_and_lose)
    event = registration()
    assert await process(consumer, entry(event, 1)) == [b"1-0"]
    assert [e.event_id for e in applied] == [event.event_id]
    assert db.attempts == {} and redis.dead == []


async def test_a_statement_error_while_the_database_answers_is_an_attempt() -> None:
    def refuse(env: Any) -> None:
        raise asyncpg.exceptions.InterfaceError("cannot perform operation")

    consumer, db, redis, _ = make_consumer(refuse, max_attempts=1)
    event = registration()
    assert await process(consumer, entry(event, 1)) == [b"1-0"]
    assert db.probes == 1  # asked once whether the database answers: it did
    assert [d["reason"] for d in redis.dead] == ["handler_failed"]


async def test_stopping_during_an_outage_leaves_the_entry_pending_uncounted() -> None:
    consumer, db, redis, _ = make_consumer()
    db.down = True
    consumer.stop()
    event = registration()
    try:
        await process(consumer, entry(event, 1))
        raise AssertionError("an entry was settled while the database was down")
    except ConnectionRefusedError:
        pass
    assert redis.acked == [] and db.attempts == {}


async def test_a_wrong_type_field_naming_an_unwanted_type_is_dead_lettered() -> None:
    consumer, _, redis, applied = make_consumer()
    lost = registration()  # a valid registration, but its type field names another event
    assert await process(consumer, entry(lost, 1, type_field="caseplan.opened")) == [b"1-0"]
    [dead] = redis.dead
    assert dead["reason"] == "type_mismatch"
    assert "caseplan.opened" in dead["error"] and "participant.registered" in dead["error"]
    assert json.loads(dead["fields"])["type"] == "caseplan.opened"
    assert applied == []


async def test_a_wanted_type_field_on_a_body_of_another_type_is_dead_lettered() -> None:
    consumer, _, redis, applied = make_consumer()
    profile = registration().payload.model_dump()
    updated = new_event(intake.ParticipantUpdated(**profile), producer="unit")
    assert await process(consumer, entry(updated, 1, type_field="participant.registered")) == [
        b"1-0"
    ]
    assert [d["reason"] for d in redis.dead] == ["type_mismatch"]
    assert applied == []


async def test_entries_of_unwanted_types_are_still_skipped_without_a_dead_letter() -> None:
    consumer, _, redis, applied = make_consumer()
    other = new_event(
        intake.ParticipantUpdated(**registration().payload.model_dump()), producer="u"
    )
    assert await process(consumer, entry(other, 1)) == [b"1-0"]
    assert redis.dead == [] and applied == []


def test_the_type_check_of_unwanted_entries_reads_past_reordered_json() -> None:
    body = {"payload": {"type": "x"}, "type": "caseplan.opened", "event_id": "e"}
    check_unwanted_type(json.dumps(body, indent=2).encode(), "caseplan.opened")
    check_unwanted_type(b"{not json", "caseplan.opened")  # not ours to judge
    try:
        check_unwanted_type(json.dumps(body).encode(), "caseplan.closed")
        raise AssertionError("a disagreeing type passed")
    except Exception as exc:
        assert getattr(exc, "reason", None) == "type_mismatch"


def test_failure_reasons() -> None:
    from shared.messaging import RetryLater

    assert failure_reason(TimeoutError()) == "timed_out"
    assert failure_reason(asyncpg.exceptions.QueryCanceledError("x")) == "timed_out"
    assert failure_reason(RetryLater("x")) == "prerequisite_missing"
    assert failure_reason(ValueError("x")) == "handler_failed"


async def test_a_connection_error_the_event_causes_while_the_database_answers_is_an_attempt() -> (
    None
):
    def always(env: Any) -> None:
        raise ConnectionResetError("reset")  # yet the database answers every probe

    consumer, db, redis, _ = make_consumer(always, max_attempts=1)
    event = registration()
    assert await process(consumer, entry(event, 1)) == [b"1-0"]  # not retried for ever
    assert db.probes == 2  # waited out twice (max_attempts + 1), then counted
    assert [d["reason"] for d in redis.dead] == ["handler_failed"]


async def test_a_raw_entry_refused_as_poison_is_told_before_its_dead_letter() -> None:
    from shared.events.envelope import InvalidPayload

    consumer, _, redis, _ = make_consumer()
    told: list[tuple[bytes, str, int]] = []

    def refuse(fields: dict[bytes, bytes]) -> Any:
        raise InvalidPayload("national_id: checksum does not match")

    async def on_refused(
        pool: Any, entry_id: bytes, fields: dict[bytes, bytes], reason: str
    ) -> None:
        told.append((entry_id, reason, len(redis.dead)))  # how many dead letters by then

    consumer.subscribe_raw("unit.requests", refuse, on_refused=on_refused)
    async with asyncio.timeout(LIMIT_S):
        settled = await consumer.process("unit.requests", [(b"7-0", {b"data": b"{}"})])
    assert settled == [b"7-0"] and told == [(b"7-0", "invalid_payload", 0)]
    assert len(redis.dead) == 1


async def test_a_refusal_that_cannot_be_told_leaves_the_entry_pending() -> None:
    from shared.events.envelope import InvalidPayload

    consumer, _, redis, _ = make_consumer()

    def refuse(fields: dict[bytes, bytes]) -> Any:
        raise InvalidPayload("municipality: Field required")

    async def on_refused(
        pool: Any, entry_id: bytes, fields: dict[bytes, bytes], reason: str
    ) -> None:
        raise ConnectionRefusedError("cannot connect")

    consumer.subscribe_raw("unit.requests", refuse, on_refused=on_refused)
    with pytest.raises(ConnectionRefusedError):  # the read loop logs it; the claimer retries
        async with asyncio.timeout(LIMIT_S):
            await consumer.process("unit.requests", [(b"8-0", {b"data": b"{}"})])
    assert redis.dead == [] and redis.acked == []  # claimed again later, told then

"""Decoding events: malformed, unknown version, invalid payload, tolerant of additions."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from uuid import uuid4

import pytest

from shared.events import (
    EVENT_TYPES,
    InvalidPayload,
    MalformedEvent,
    Payload,
    UnknownVersion,
    decode,
    new_event,
)
from shared.events.intake import ParticipantRegistered


def registered_json(**changes: Any) -> dict[str, Any]:
    """A valid participant.registered event as a JSON-ready dict."""
    payload = ParticipantRegistered(
        participant_id=uuid4(), municipality="Tartu linn", registered_on=date(2026, 3, 1)
    )
    body: dict[str, Any] = json.loads(new_event(payload, producer="intake").model_dump_json())
    body.update(changes)
    return body


def test_a_valid_event_round_trips() -> None:
    body = registered_json()
    env = decode(json.dumps(body))
    assert env is not None
    assert isinstance(env.payload, ParticipantRegistered)
    assert str(env.event_id) == body["event_id"]
    assert env.payload.municipality == "Tartu linn"


@pytest.mark.parametrize("raw", ["{not json", "[]", "null", '{"type": "participant.registered"}'])
def test_malformed_entries_are_poison_with_a_reason(raw: str) -> None:
    with pytest.raises(MalformedEvent) as caught:
        decode(raw)
    assert caught.value.reason == "malformed"
    assert caught.value.detail


def test_an_unknown_version_is_poison_naming_the_known_ones() -> None:
    with pytest.raises(UnknownVersion) as caught:
        decode(json.dumps(registered_json(version=7)))
    assert caught.value.reason == "unknown_version"
    assert "version 7" in caught.value.detail and "[1]" in caught.value.detail


def test_an_unknown_type_is_poison_unless_the_consumer_does_not_want_it() -> None:
    body = json.dumps(registered_json(type="participant.teleported"))
    with pytest.raises(UnknownVersion):
        decode(body)
    assert decode(body, wanted={"participant.registered"}) is None


def test_an_invalid_payload_is_poison_naming_the_field() -> None:
    body = registered_json()
    body["payload"]["participant_id"] = "not-a-uuid"
    with pytest.raises(InvalidPayload) as caught:
        decode(json.dumps(body))
    assert caught.value.reason == "invalid_payload"
    assert "participant_id" in caught.value.detail


def test_unknown_fields_in_envelope_and_payload_are_ignored() -> None:
    body = registered_json(trace_parent="00-abc", schema_hint="v2")
    body["payload"]["favourite_colour"] = "green"
    env = decode(json.dumps(body))
    assert env is not None and env.payload.municipality == "Tartu linn"
    assert "favourite_colour" not in env.payload.model_dump()


class _ThingV1(Payload):
    TYPE: ClassVar[str] = "test.thing"
    STREAM: ClassVar[str] = "polku.test"
    thing_id: str


class _ThingV1Newer(_ThingV1):
    """What a newer producer sends: the same version with an added optional field."""

    colour: str | None = None


def test_an_additive_change_is_tolerated_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(EVENT_TYPES, ("test.thing", 1), _ThingV1)
    newer = new_event(_ThingV1Newer(thing_id="a", colour="red"), producer="test")
    old_reader = decode(newer.model_dump_json())
    assert old_reader is not None and old_reader.payload == _ThingV1(thing_id="a")
    monkeypatch.setitem(EVENT_TYPES, ("test.thing", 1), _ThingV1Newer)
    older = new_event(_ThingV1(thing_id="b"), producer="test")
    new_reader = decode(older.model_dump_json())
    assert new_reader is not None and new_reader.payload.colour is None


def test_follow_keeps_the_correlation_and_names_the_cause() -> None:
    first = decode(json.dumps(registered_json()))
    assert first is not None
    then = first.follow(first.payload, producer="caseplan")
    assert then.correlation_id == first.correlation_id
    assert then.causation_id == first.event_id
    assert then.event_id != first.event_id
    assert then.occurred_at.tzinfo is not None and then.occurred_at <= datetime.now(UTC)

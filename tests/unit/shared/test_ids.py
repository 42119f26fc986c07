"""Time-ordered ids (UUIDv7) for events and growing tables."""

from __future__ import annotations

import time

from shared.ids import uuid7 as new_event_id


def test_event_ids_are_version_7_and_carry_the_time() -> None:
    before = time.time_ns() // 1_000_000
    event_id = new_event_id()
    after = time.time_ns() // 1_000_000
    assert event_id.version == 7
    assert event_id.variant == "specified in RFC 4122"
    assert before <= event_id.int >> 80 <= after


def test_event_ids_are_unique_and_ordered_by_millisecond() -> None:
    ids = [new_event_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    millis = [i.int >> 80 for i in ids]
    assert millis == sorted(millis)

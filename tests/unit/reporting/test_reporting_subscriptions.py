"""Reporting consumes every event type of every stream, and projects each one."""

from services.reporting.projection import PROJECTIONS, REPLAYED, consumed_payloads
from shared.events import EVENT_TYPES
from shared.events.streams import ALL_EVENT_STREAMS


def test_every_published_event_type_is_consumed_and_projected() -> None:
    published = {cls.TYPE for cls in EVENT_TYPES.values() if cls.STREAM in ALL_EVENT_STREAMS}
    assert {cls.TYPE for cls in consumed_payloads()} == published
    assert set(PROJECTIONS) == set(REPLAYED) == published

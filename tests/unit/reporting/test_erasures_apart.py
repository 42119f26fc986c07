"""Reporting's batch handler takes a batch in stream order; erasures cut it into parts."""

from datetime import date
from uuid import uuid4

from services.reporting.projection import erasures_apart
from shared.events import new_event
from shared.events.intake import ParticipantErased, ParticipantRegistered, ParticipantUpdated


def test_erasures_cut_a_batch_where_they_start_and_end_keeping_its_order() -> None:
    x, y = uuid4(), uuid4()
    on = date(2026, 3, 1)

    def reg(p):  # type: ignore[no-untyped-def]
        return new_event(ParticipantRegistered(participant_id=p, municipality="Rapla vald",
                                               registered_on=on), producer="intake")  # fmt: skip

    def upd(p):  # type: ignore[no-untyped-def]
        return new_event(ParticipantUpdated(participant_id=p, municipality="Rapla vald",
                                            registered_on=on), producer="intake")  # fmt: skip

    def era(p):  # type: ignore[no-untyped-def]
        return new_event(ParticipantErased(participant_id=p), producer="intake")

    events = [reg(x), upd(x), era(x), era(y), reg(y), upd(y), era(x)]
    parts = erasures_apart(events)
    assert parts == [events[0:2], events[2:4], events[4:6], events[6:7]]
    assert erasures_apart([]) == []
    assert erasures_apart(events[:2]) == [events[:2]]

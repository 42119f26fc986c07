"""An outage costs a bounded number of log lines: one on losing, reminders, one on regaining."""

from __future__ import annotations

import logging

import pytest

from shared.outage import Backoff, OutageLog


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "test.outage"]


def test_a_long_outage_writes_one_line_a_reminder_per_interval_and_one_on_recovery(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock, log = Clock(), logging.getLogger("test.outage")
    outage = OutageLog(log, "the database", reminder_s=30, clock=clock)
    caplog.set_level(logging.INFO, "test.outage")
    for _ in range(600):  # 120 s of tries every 0.2 s
        outage.failed(ConnectionRefusedError("refused"))
        clock.now += 0.2
    assert outage.down
    outage.recovered()
    outage.recovered()  # a second success says nothing
    written = lines(caplog)
    assert len(written) == 1 + 3 + 1, written  # lost; at 30, 60, 90 s; regained
    assert written[0].startswith("the database unavailable (ConnectionRefusedError")
    assert "still unavailable after 30s" in written[1]
    assert written[-1].startswith("the database available again after 120.0s (600 tries)")
    assert not outage.down


def test_a_new_outage_after_recovery_is_announced_again(caplog: pytest.LogCaptureFixture) -> None:
    clock, log = Clock(), logging.getLogger("test.outage")
    outage = OutageLog(log, "x", reminder_s=30, clock=clock)
    caplog.set_level(logging.INFO, "test.outage")
    outage.recovered()  # never lost: nothing to say
    outage.failed(OSError("down"))
    outage.recovered()
    outage.failed(OSError("down again"))
    assert len(lines(caplog)) == 3


def test_a_failure_that_is_not_an_outage_is_an_error_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    outage = OutageLog(logging.getLogger("test.outage"), "x", clock=Clock())
    caplog.set_level(logging.INFO, "test.outage")
    try:
        raise ValueError("a bug")
    except ValueError as exc:
        outage.failed(exc)
    [record] = [r for r in caplog.records if r.name == "test.outage"]
    assert record.levelno == logging.ERROR and record.exc_info is not None


def test_backoff_doubles_to_its_ceiling_and_resets() -> None:
    backoff = Backoff(first=0.2, cap=1.0)
    assert [backoff.next() for _ in range(5)] == [0.2, 0.4, 0.8, 1.0, 1.0]
    backoff.reset()
    assert backoff.next() == 0.2

"""`polku up`'s supervisor with tiny child processes: a crashed child is started again after
a growing back-off and the supervisor says so; the others are left alone; stop ends them all."""

from __future__ import annotations

import io
import sys
import threading

from polku.supervisor import Supervisor, restart_delay
from tests.support import wait_until

CRASH = [sys.executable, "-c", "import sys; print('crashing'); sys.exit(3)"]
STEADY = [sys.executable, "-c", "import signal; print('steady', flush=True); signal.pause()"]
"""A healthy service: it runs until it is signalled (the supervisor's stop ends it)."""


def test_restart_delay_doubles_up_to_its_cap() -> None:
    assert [restart_delay(n, first=1, cap=30) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_crashed_child_waits_its_back_off_and_a_long_run_resets_it() -> None:
    clock, out = Clock(), io.StringIO()
    sup = Supervisor({"caseplan": CRASH}, env={}, out=out, clock=clock, healthy_after=60)
    child = sup.children["caseplan"]
    sup.start_all()

    def crash_and_tend() -> float:
        assert child.proc is not None
        child.proc.wait(10)
        sup.tend()
        assert child.due is not None
        return child.due - clock.now

    assert crash_and_tend() == 1.0
    clock.now += 0.5
    sup.tend()
    assert len(child.history) == 1, "started again before its back-off was over"
    clock.now += 0.5
    sup.tend()
    assert len(child.history) == 2
    assert crash_and_tend() == 2.0  # a second crash in a row waits twice as long
    clock.now += 2
    sup.tend()
    clock.now += 61  # this time it ran for over a minute before crashing
    assert crash_and_tend() == 1.0
    text = out.getvalue()
    assert "polku: caseplan exited with code 3; restarting it in 1s (restart 1 in a row)" in text
    assert "polku: caseplan exited with code 3; restarting it in 2s (restart 2 in a row)" in text
    assert "polku: starting caseplan again (restart 1)" in text
    assert "caseplan | crashing" in text


def test_run_restarts_the_crashed_child_leaves_the_others_and_stop_ends_all() -> None:
    out = io.StringIO()
    sup = Supervisor(
        {"caseplan": CRASH, "matching": STEADY}, env={}, out=out, first_delay=0.05, max_delay=0.1
    )
    sup.start_all()
    stop = threading.Event()
    runner = threading.Thread(target=sup.run, args=(stop,), kwargs={"interval": 0.02})
    runner.start()
    try:
        wait_until(lambda: len(sup.children["caseplan"].history) >= 3, what="three restarts")
    finally:
        stop.set()
        runner.join(10)
        sup.stop_all(timeout=10)
    steady = sup.children["matching"]
    assert len(steady.history) == 1, "a healthy child was restarted"
    assert steady.proc is not None and steady.proc.poll() is not None, "stop left it running"
    assert "matching | steady" in out.getvalue()
    assert out.getvalue().count("polku: caseplan exited with code 3") >= 2

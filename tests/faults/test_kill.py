"""Fault 1 and 2: a service SIGKILLed mid-load, and two replicas of every consumer."""

from __future__ import annotations

import pytest
from conftest import BackgroundLoad, assert_end_state

from shared.testing import Stack


@pytest.mark.parametrize("victim", ["intake", "caseplan", "matching", "reporting"])
def test_service_killed_mid_load_is_restarted_and_nothing_is_lost_or_doubled(
    stack: Stack, migrated_database_url: str, victim: str
) -> None:
    load = BackgroundLoad(stack["intake"].url).start()
    load.wait_sent(0.3)
    stack[victim].kill()
    stack[victim].start()
    expected = load.join()
    state = assert_end_state(migrated_database_url, expected)
    assert len(state.intake) == len(load.ids)


def test_two_replicas_of_every_consumer_reach_the_same_end_state(
    stack_factory: type[Stack], migrated_database_url: str
) -> None:
    stack = stack_factory().start(replicas=2)  # type: ignore[call-arg]
    load = BackgroundLoad(stack["intake"].url).start()
    expected = load.join()
    state = assert_end_state(migrated_database_url, expected)
    assert len(state.caseplan) == len(load.ids)
    for name in ("caseplan", "matching", "reporting"):
        a, b = stack.services[name]
        assert a.proc is not None and a.proc.poll() is None, f"{name} replica died"
        assert b.proc is not None and b.proc.poll() is None, f"{name} replica died"

"""Fault 1 and 2: a service SIGKILLed mid-load, and two replicas of every consumer."""

from __future__ import annotations

import socket

from conftest import BackgroundLoad, assert_end_state
from fault_tools import pending_entries
from redis_tools import consumers

from tests.support import Stack, wait_until


def test_each_service_killed_in_turn_mid_load_loses_and_doubles_nothing(
    stack: Stack, migrated_database_url: str, redis_url: str
) -> None:
    load = BackgroundLoad(stack["intake"].url, migrated_database_url).start()
    for turn, victim in enumerate(("intake", "caseplan", "matching", "reporting")):
        load.wait_sent(0.15 + 0.2 * turn)
        stack[victim].kill()  # SIGKILL: no cleanup, in-flight entries stay pending
        stack[victim].start()
    expected = load.join()
    state = assert_end_state(migrated_database_url, expected)
    assert len(state.intake) == len(load.ids)
    # What each killed consumer had read and not acknowledged was claimed by its successor.
    wait_until(lambda: not pending_entries(redis_url), what="no entry left pending")


def test_two_replicas_of_every_consumer_reach_the_same_end_state(
    stack_factory: type[Stack], migrated_database_url: str
) -> None:
    stack = stack_factory().start(replicas=2)  # type: ignore[call-arg]
    load = BackgroundLoad(stack["intake"].url, migrated_database_url).start()
    expected = load.join()
    state = assert_end_state(migrated_database_url, expected)
    assert len(state.caseplan) == len(load.ids)
    for name in ("caseplan", "matching", "reporting"):
        a, b = stack.services[name]
        assert a.proc is not None and a.proc.poll() is None, f"{name} replica died"
        assert b.proc is not None and b.proc.poll() is None, f"{name} replica died"


def test_one_of_two_replicas_killed_mid_load_its_successor_settles_and_it_is_removed(
    stack_factory: type[Stack], migrated_database_url: str, redis_url: str
) -> None:
    """SIGKILL the second replica of every service mid-load: the first claims what it left
    pending, the end state is exact, and the dead consumer leaves every group (idle, nothing
    pending) instead of staying there for good."""
    stack = stack_factory(consumer_remove_idle_ms="3000").start(replicas=2)  # type: ignore[call-arg]
    load = BackgroundLoad(stack["intake"].url, migrated_database_url).start()
    load.wait_sent(0.4)
    host = socket.gethostname()
    dead = set()
    for service, (_, victim) in stack.services.items():
        assert victim.proc is not None
        dead.add(f"{service}-{host}-{victim.proc.pid}")
        victim.kill()
    expected = load.join()
    assert_end_state(migrated_database_url, expected)
    wait_until(lambda: not pending_entries(redis_url), what="no entry left pending")
    wait_until(lambda: not dead & consumers(redis_url), timeout=30, what="dead consumers removed")
    for service, (alive, _) in stack.services.items():
        assert alive.proc is not None and alive.proc.poll() is None, f"{service} died"

"""Fault 8: PostgreSQL down. SIGTERM stops every service within its grace period, and the
outage costs a bounded number of log lines (one on losing, reminders, one on regaining)."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import BackgroundLoad, assert_end_state

from shared.migrate import migrate
from shared.settings import SERVICES
from tests.support import Stack, wait_until
from tests.support.postgres import PrivatePostgres
from tests.support.servers import ServiceProcess, free_port

GRACE_S = 30
"""docker-compose's stop_grace_period (Kubernetes gives 45 s)."""
REMINDER_S = 2
"""The reminder interval the log test runs with (30 s by default)."""


def _ready(url: str) -> int:
    try:
        return httpx.get(f"{url}/readyz", timeout=3).status_code
    except httpx.TransportError:
        return 0


def _stop_all_within_grace(services: list[ServiceProcess]) -> None:
    """SIGTERM to every service at once, as `docker compose stop` does; each must exit
    cleanly within the grace period."""
    started = time.monotonic()
    for sp in services:
        assert sp.proc is not None
        sp.proc.send_signal(signal.SIGTERM)
    for sp in services:
        assert sp.proc is not None
        try:
            code = sp.proc.wait(max(0.1, GRACE_S - (time.monotonic() - started)))
        except subprocess.TimeoutExpired as exc:
            sp.kill()
            raise AssertionError(
                f"{sp.service} still running after {GRACE_S}s:\n{sp.log()[-3000:]}"
            ) from exc
        # uvicorn re-raises SIGTERM after a clean shutdown (-15)
        assert code in (0, -signal.SIGTERM), f"{sp.service} exited {code}:\n{sp.log()[-3000:]}"


def _all_not_ready(stack: Stack) -> None:
    for sp in stack.all():
        wait_until(lambda sp=sp: _ready(sp.url) == 503, timeout=15, what=f"{sp.service} 503")


def test_sigterm_during_a_postgres_outage_stops_every_service_in_its_grace_period(
    private_stack: Stack, private_postgres: PrivatePostgres
) -> None:
    load = BackgroundLoad(private_stack["intake"].url, private_postgres.url).start()
    load.wait_sent(0.3)
    private_postgres.stop()
    _all_not_ready(private_stack)
    services = list(private_stack.all())
    _stop_all_within_grace(services)
    for sp in services:
        assert "Application shutdown complete" in sp.log(), sp.log()[-3000:]
    private_postgres.start()
    for sp in services:
        sp.start()
    assert_end_state(private_postgres.url, load.join())


def test_sigterm_while_waiting_for_postgres_to_start_stops_every_service_in_its_grace_period(
    private_postgres: PrivatePostgres, redis_url: str, tmp_path: Path
) -> None:
    asyncio.run(migrate(private_postgres.url, SERVICES))
    private_postgres.stop()
    env = Stack(private_postgres.url, redis_url, tmp_path).env
    services = [ServiceProcess(s, env, tmp_path, free_port()).start(wait=False) for s in SERVICES]
    for sp in services:  # each start waits for PostgreSQL (up to a minute)
        wait_until(
            lambda sp=sp: "database of" in sp.log(), timeout=60, what=f"{sp.service} waiting"
        )
    _stop_all_within_grace(services)
    for sp in services:
        assert "SIGTERM while starting: stopping" in sp.log(), sp.log()[-3000:]
        assert "Application shutdown complete" in sp.log(), sp.log()[-3000:]


@pytest.fixture
def quick_reminder_stack(
    private_postgres: PrivatePostgres, redis_url: str, tmp_path: Path
) -> Iterator[Stack]:
    """All four services on the private PostgreSQL, reminding of an outage every 2 s."""
    asyncio.run(migrate(private_postgres.url, SERVICES))
    stack = Stack(private_postgres.url, redis_url, tmp_path, outage_reminder_s=str(REMINDER_S))
    try:
        yield stack.start()
    finally:
        stack.stop()


def _reminders(sp: object, since: int) -> int:
    return len(re.findall(r"outbox relay of \w+ still unavailable", sp.log()[since:]))  # type: ignore[attr-defined]


def test_an_outage_costs_a_bounded_number_of_log_lines(
    quick_reminder_stack: Stack, private_postgres: PrivatePostgres
) -> None:
    stack = quick_reminder_stack
    load = BackgroundLoad(stack["intake"].url, private_postgres.url).start()
    load.wait_sent(0.3)
    marks = {sp.service: len(sp.log()) for sp in stack.all()}
    private_postgres.stop()
    stopped = time.monotonic()
    _all_not_ready(stack)
    # Each relay's own reminders are the clock: three of them is an outage of 6 s or more.
    for sp in stack.all():
        wait_until(
            lambda sp=sp: _reminders(sp, marks[sp.service]) >= 3,
            timeout=60,
            what=f"{sp.service} reminders",
        )
    outage = {sp.service: sp.log()[marks[sp.service] :].splitlines() for sp in stack.all()}
    lasted = time.monotonic() - stopped
    private_postgres.start()
    for sp in stack.all():
        wait_until(lambda sp=sp: _ready(sp.url) == 200, timeout=30, what=f"{sp.service} ready")
    assert_end_state(private_postgres.url, load.join())
    # At most eight loops per service meet the database (consumer, claim loop, relay, pool
    # start-up, aggregator, gauges, webhook sender, expiry): each a line on losing it and a
    # reminder every 2 s; and asyncpg's own pool warns with a doubling back-off. One line per
    # retry wrote thousands (matching's sender: ~43,000 in this test).
    bound = int(8 * (1 + lasted / REMINDER_S) + 10)
    counts = {service: len(lines) for service, lines in outage.items()}
    for lines in outage.values():
        assert len(lines) <= bound, (
            f"{counts} lines in {lasted:.0f}s (at most {bound} each):\n" + "\n".join(lines[:80])
        )

"""Faults 3 and 4: Redis restarted empty, and PostgreSQL restarted, in the middle of the load."""

from __future__ import annotations

import httpx
from conftest import BackgroundLoad, assert_end_state

from tests.support import RedisServer, Stack, wait_until
from tests.support.postgres import PrivatePostgres


def test_redis_restarted_empty_mid_load_loses_nothing(
    stack: Stack, redis_server: RedisServer, migrated_database_url: str
) -> None:
    pids = {sp.service: sp.proc.pid for sp in stack.all() if sp.proc is not None}
    load = BackgroundLoad(stack["intake"].url, migrated_database_url).start()
    load.wait_sent(0.4)
    redis_server.restart_empty()
    expected = load.join()
    assert_end_state(migrated_database_url, expected)
    # Nobody was restarted: the same processes reconnected and recreated their groups.
    assert {sp.service: sp.proc.pid for sp in stack.all() if sp.proc is not None} == pids
    for sp in stack.all():
        assert "polku_redis_resets_total" in (metrics := httpx.get(f"{sp.url}/metrics").text)
        assert f'polku_redis_resets_total{{service="{sp.service}"}} 1.0' in metrics


def _status(url: str) -> int:
    try:
        return httpx.get(f"{url}/readyz", timeout=3).status_code
    except httpx.TransportError:
        return 0


def test_postgres_restarted_mid_load_services_wait_and_continue(
    private_stack: Stack, private_postgres: PrivatePostgres
) -> None:
    pids = {sp.service: sp.proc.pid for sp in private_stack.all() if sp.proc is not None}
    load = BackgroundLoad(private_stack["intake"].url, private_postgres.url).start()
    load.wait_sent(0.3)
    private_postgres.stop()
    for sp in private_stack.all():
        wait_until(lambda sp=sp: _status(sp.url) == 503, timeout=15, what=f"{sp.service} 503")
    private_postgres.start()
    for sp in private_stack.all():
        wait_until(lambda sp=sp: _status(sp.url) == 200, timeout=30, what=f"{sp.service} ready")
    expected = load.join()
    assert_end_state(private_postgres.url, expected)
    assert {sp.service: sp.proc.pid for sp in private_stack.all() if sp.proc is not None} == pids

"""The outbox relay waits out a lost database with a back-off and one log line, and stops
after its back-off. Fakes, no servers."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import Any

import asyncpg
import pytest

from shared.metrics import ServiceMetrics
from shared.outbox import OutboxRelay
from shared.settings import Settings


async def test_relay_backs_off_quietly_while_the_database_is_down_and_stops(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    tries, third = 0, asyncio.Event()

    async def refused(*_: Any, **__: Any) -> None:
        nonlocal tries
        tries += 1
        if tries == 3:
            third.set()
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(asyncpg, "connect", refused)
    redis: Any = SimpleNamespace(register_script=lambda _source: None)
    relay = OutboxRelay(
        pool=None,  # type: ignore[arg-type]
        redis=redis,
        schema="unit",
        settings=Settings(outage_reminder_s=30),
        metrics=ServiceMetrics("unit"),
    )
    caplog.set_level(logging.INFO, "polku.outbox")
    task = asyncio.ensure_future(relay.run())
    async with asyncio.timeout(10):
        await third.wait()  # after 0.2 + 0.4 s of back-off
    relay.stop()
    async with asyncio.timeout(2):  # after its 0.8 s back-off
        await task
    logged = [r.getMessage() for r in caplog.records if r.name == "polku.outbox"]
    assert len(logged) == 1, logged
    assert logged[0].startswith("outbox relay of unit unavailable (ConnectionRefusedError")
    assert tries <= 4

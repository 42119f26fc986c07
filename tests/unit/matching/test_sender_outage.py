"""The webhook sender waits out a lost database with a back-off and a bounded log, and
stops when cancelled (its reconnect loop once spun and swallowed the cancellation)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from types import SimpleNamespace
from typing import Any

import asyncpg
import pytest

from services.matching.sender import WebhookSender
from services.matching.settings import MatchingSettings
from shared.settings import Settings


async def test_sender_backs_off_quietly_while_the_database_is_down_and_stops_on_cancel(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:9/none")
    runtime: Any = SimpleNamespace(db=None, settings=settings)
    sender = WebhookSender(runtime, MatchingSettings(), client=None)  # type: ignore[arg-type]
    tries, fourth = 0, asyncio.Event()

    async def refused(*_: Any, **__: Any) -> None:
        nonlocal tries
        tries += 1
        if tries == 4:
            fourth.set()
        sender.wake.set()  # what the lost LISTEN connection's termination callback does
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(asyncpg, "connect", refused)
    caplog.set_level(logging.INFO, "polku.matching.webhooks")
    task = asyncio.ensure_future(sender.run())
    async with asyncio.timeout(10):
        await fourth.wait()  # after 0.2 + 0.4 + 0.8 s of back-off
    task.cancel()
    async with asyncio.timeout(2):  # cancelled mid-back-off with `wake` set: it ends
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert task.done()
    assert tries <= 5, f"{tries} reconnects: the loop spins"
    logged = [r.getMessage() for r in caplog.records if r.name == "polku.matching.webhooks"]
    assert len(logged) == 1, logged
    assert logged[0].startswith("webhook sender's database unavailable")

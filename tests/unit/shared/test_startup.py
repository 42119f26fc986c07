"""A SIGTERM during start-up cancels it at once, and the handler in place still sees it."""

from __future__ import annotations

import asyncio
import os
import signal
from types import FrameType

from shared.startup import interruptible


async def test_sigterm_cancels_a_waiting_start_and_reaches_the_handler_in_place() -> None:
    seen: list[int] = []

    def uvicorn_like(sig: int, frame: FrameType | None) -> None:
        seen.append(sig)

    before = signal.signal(signal.SIGTERM, uvicorn_like)
    try:
        asyncio.get_running_loop().call_later(0.05, os.kill, os.getpid(), signal.SIGTERM)
        async with asyncio.timeout(5):
            started = await interruptible(asyncio.sleep(60))  # PostgreSQL not answering
        assert started is False
        assert seen == [signal.SIGTERM]
        assert signal.getsignal(signal.SIGTERM) is uvicorn_like  # put back afterwards
    finally:
        signal.signal(signal.SIGTERM, before)


async def test_a_start_that_completes_says_so_and_leaves_the_handlers_alone() -> None:
    handler = signal.getsignal(signal.SIGINT)
    assert await interruptible(asyncio.sleep(0)) is True
    assert signal.getsignal(signal.SIGINT) is handler

"""Let SIGTERM interrupt a service's start-up.

uvicorn notes a signal that comes while the application starts, but acts on it only once
the start-up is over: a start waiting for PostgreSQL (up to a minute) outlived the grace
period of `docker compose stop` and Kubernetes, and the process was killed."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Awaitable
from types import FrameType
from typing import Any

log = logging.getLogger("polku.runtime")
SIGNALS = (signal.SIGTERM, signal.SIGINT)


async def interruptible(starting: Awaitable[None]) -> bool:
    """Await `starting`; False when a SIGTERM or SIGINT cancelled it meanwhile.

    The handler in place (uvicorn's) still sees the signal, so uvicorn stops as soon as the
    start-up returns; what was started is stopped by the usual shutdown."""
    if threading.current_thread() is not threading.main_thread():
        await starting  # signals reach only the main thread
        return True
    task = asyncio.ensure_future(starting)
    loop = asyncio.get_running_loop()
    previous = {sig: signal.getsignal(sig) for sig in SIGNALS}
    interrupted: list[signal.Signals] = []

    def on_signal(sig: int, frame: FrameType | None) -> Any:
        interrupted.append(signal.Signals(sig))
        loop.call_soon_threadsafe(task.cancel)
        handler = previous[signal.Signals(sig)]
        return handler(sig, frame) if callable(handler) else None

    for sig in SIGNALS:
        signal.signal(sig, on_signal)
    try:
        await task
        return True
    except asyncio.CancelledError:
        if not interrupted or not task.cancelled():
            raise
        log.warning("%s while starting: stopping", interrupted[0].name)
        return False
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if interrupted and not callable(previous[interrupted[0]]):
            signal.raise_signal(interrupted[0])  # nobody else acts on it: the default does

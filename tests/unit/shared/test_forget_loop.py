"""The erasure sweep's pace (its sweep replaced, no servers): every interval while events
wait for a group to settle them, every idle interval while none is queued."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from shared import erasure


@pytest.mark.parametrize(("queued", "expected"), [(0, range(2, 4)), (3, range(15, 40))])
async def test_the_sweep_waits_longer_while_nothing_is_queued(
    monkeypatch: pytest.MonkeyPatch, queued: int, expected: range
) -> None:
    sweeps: list[int] = []

    async def sweep(_pool: Any, _redis: Any) -> tuple[int, int]:
        sweeps.append(queued)
        return queued, 0

    monkeypatch.setattr(erasure, "_sweep", sweep)
    stop = asyncio.Event()
    loop = asyncio.ensure_future(
        erasure.forget_loop(
            None,  # type: ignore[arg-type]
            None,  # type: ignore[arg-type]
            interval_s=0.02,
            idle_interval_s=0.3,
            stopping=stop.is_set,
        )
    )
    await asyncio.sleep(0.5)
    stop.set()
    await asyncio.wait_for(loop, 1)
    assert len(sweeps) in expected, sweeps

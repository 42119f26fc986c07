"""The pipeline gauges are read when /metrics is scraped, at most every `max_age_s`; a
refresh that fails or hangs leaves the scrape answering with the last values."""

from __future__ import annotations

import asyncio
import time

import pytest

from shared.runtime.gauges import GaugesOnScrape


async def test_scrapes_within_the_age_read_the_last_values() -> None:
    calls: list[float] = []

    async def refresh() -> None:
        calls.append(time.monotonic())

    on_scrape = GaugesOnScrape(refresh, max_age_s=0.3)
    for _ in range(5):
        await on_scrape()
    assert len(calls) == 1
    await asyncio.sleep(0.35)
    await on_scrape()
    await on_scrape()
    assert len(calls) == 2


@pytest.mark.parametrize("how", ["fails", "hangs"])
async def test_a_failed_or_hanging_refresh_does_not_fail_the_scrape(how: str) -> None:
    async def refresh() -> None:
        if how == "fails":
            raise ConnectionError("Redis down")
        await asyncio.sleep(10)

    on_scrape = GaugesOnScrape(refresh, max_age_s=5, timeout_s=0.1)
    started = time.monotonic()
    await on_scrape()
    assert time.monotonic() - started < 1

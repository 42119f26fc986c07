"""Matching's background jobs besides webhooks: expiring unanswered proposals."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from services.matching import service
from services.matching.settings import MatchingSettings
from shared.outage import OutageLog
from shared.runtime import Runtime

log = logging.getLogger("polku.matching.jobs")


async def expire_once(runtime: Runtime, settings: MatchingSettings) -> int:
    """Expire due proposals and record `match.expired` for each, in one transaction."""
    return await service.expire_due(runtime.db, settings=settings)


def make_expiry_job(settings: MatchingSettings) -> Callable[[Runtime], Awaitable[None]]:
    """The background job: expire unanswered proposals every `expiry_interval_s`."""

    async def expire_proposals(runtime: Runtime) -> None:
        reminder_s = runtime.settings.outage_reminder_s
        outage = OutageLog(log, "proposal expiry's database", reminder_s=reminder_s)
        while True:
            try:
                while await expire_once(runtime, settings):
                    pass
                outage.recovered()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                outage.failed(exc)
            await asyncio.sleep(settings.expiry_interval_s)

    return expire_proposals

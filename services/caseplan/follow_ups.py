"""The follow-up job: tells once per case that its follow-up fell due
(`participant.follow_up_due`, through the outbox, with the mark that it was told)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import asyncpg
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.caseplan.commands import PRODUCER, today
from services.caseplan.domain.follow_ups import follow_up_due_event, told_since
from services.caseplan.repository import follow_ups as storage
from shared import outbox
from shared.events.envelope import new_event
from shared.outage import OutageLog

if TYPE_CHECKING:
    from shared.runtime import Runtime

log = logging.getLogger("polku.caseplan.follow_ups")
BATCH = 200


class FollowUpSettings(BaseSettings):
    """How often the follow-up job looks, from `POLKU_CASEPLAN_*`."""

    model_config = SettingsConfigDict(env_prefix="POLKU_CASEPLAN_", extra="ignore")

    follow_up_interval_s: float = Field(600.0, gt=0, description="how often the job runs")


async def tell_due(pool: asyncpg.Pool, on: date | None = None) -> int:
    """Record `participant.follow_up_due` for each case whose follow-up fell due and was not
    told, in the transaction that marks it told; how many were told."""
    day = on or today()
    told = 0
    while True:
        async with pool.acquire() as conn, conn.transaction():
            plans = await storage.claim_untold(conn, since=told_since(day), today=day, limit=BATCH)
            events = [e for p, org in plans if (e := follow_up_due_event(p, org, day)) is not None]
            await storage.mark_told(conn, [p.case_plan_id for p, _ in plans], datetime.now(UTC))
            await outbox.record(conn, [new_event(e, producer=PRODUCER) for e in events])
        told += len(events)
        if len(plans) < BATCH:
            return told


async def follow_up_job(runtime: Runtime) -> None:
    """Background loop: tell the follow-ups that fell due, then sleep."""
    settings = FollowUpSettings()
    outage = OutageLog(
        log, "follow-up job's database", reminder_s=runtime.settings.outage_reminder_s
    )
    while True:
        try:
            if told := await tell_due(runtime.db):
                log.info("told %d follow-ups due", told)
            outage.recovered()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            outage.failed(exc)
        await asyncio.sleep(settings.follow_up_interval_s)

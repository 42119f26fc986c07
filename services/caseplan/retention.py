"""Retention: closed case plans older than the retention period are anonymised by a job."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING

import asyncpg
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.caseplan.commands import today
from services.caseplan.repository import retention as storage
from shared.outage import OutageLog

if TYPE_CHECKING:
    from shared.runtime import Runtime

log = logging.getLogger("polku.caseplan.retention")


class RetentionSettings(BaseSettings):
    """How long closed case plans keep their link to the person, from `POLKU_CASEPLAN_*`."""

    model_config = SettingsConfigDict(env_prefix="POLKU_CASEPLAN_", extra="ignore")

    retention_days: int = Field(5 * 365, ge=1, description="closed plans kept this long")
    retention_interval_s: float = Field(3600.0, gt=0, description="how often the job runs")


def cutoff(on: date, retention_days: int) -> date:
    """Plans closed before this day are past retention."""
    return on - timedelta(days=retention_days)


async def anonymise_closed(conn: asyncpg.Connection, before: date) -> int:
    """Cut closed plans (closed before `before`) from the person; returns how many."""
    async with conn.transaction():
        ids = await storage.closed_before(conn, before)
        await storage.anonymise(conn, ids)
    return len(ids)


async def retention_job(runtime: Runtime) -> None:
    """Background loop: anonymise closed plans past retention, then sleep."""
    settings = RetentionSettings()
    reminder_s = runtime.settings.outage_reminder_s
    outage = OutageLog(log, "retention job's database", reminder_s=reminder_s)
    while True:
        try:
            async with runtime.db.acquire() as conn:
                done = await anonymise_closed(conn, cutoff(today(), settings.retention_days))
            if done:
                log.info("anonymised %d closed case plans past retention", done)
            outage.recovered()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            outage.failed(exc)
        await asyncio.sleep(settings.retention_interval_s)

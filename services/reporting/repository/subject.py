"""Reads of everything reporting keeps under one participant's id (a subject access request)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

TABLES = (
    "participant_fact",
    "participant_privacy",
    "case_fact",
    "activity_fact",
    "placement_fact",
    "exit_fact",
    "follow_up_fact",
    "match_fact",
    "figure_entry",
    "participant_org",
    "waiting_interval",
    "activity_gap",
    "meeting_fact",
)
"""Reporting's tables keyed by the participant's id (the figure store's contributions too)."""


async def municipality(conn: asyncpg.Connection, participant_id: UUID) -> str | None:
    """The participant's municipality as reporting knows it, or None when it holds none."""
    found: str | None = await conn.fetchval(
        "SELECT municipality FROM participant_fact WHERE participant_id = $1", participant_id
    )
    return found


async def every_fact(conn: asyncpg.Connection, participant_id: UUID) -> dict[str, list[Any]]:
    """Each table's rows of the participant, by table."""
    return {
        table: [
            dict(r)
            for r in await conn.fetch(
                f"SELECT * FROM {table} WHERE participant_id = $1", participant_id
            )
        ]
        for table in TABLES
    }

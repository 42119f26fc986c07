"""Declines by reason in the read model: each decline once under its code (an older event
without one as other), whatever order its events arrive in, in the period asked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import asyncpg
import pytest

from services.reporting.main import create_app
from services.reporting.projection import apply_events
from shared.db import create_pool
from shared.events import Envelope, new_event
from shared.events import matching as mt
from shared.events.vocabulary import DeclineCode
from shared.settings import Settings
from tests.support import keyed_client


@pytest.fixture
async def pool(migrated_database_url: str) -> AsyncIterator[asyncpg.Pool]:
    p = await create_pool(migrated_database_url, schema="reporting")
    try:
        yield p
    finally:
        await p.close()


def _ids() -> dict[str, Any]:
    return {"match_id": uuid4(), "participant_id": uuid4(), "opening_id": uuid4(),
            "organisation_id": uuid4()}  # fmt: skip


def declined(ids: dict[str, Any], code: DeclineCode | None, on: datetime) -> Envelope[Any]:
    event = new_event(mt.MatchDeclined(**ids, reason="x", code=code), producer="test")
    return event.model_copy(update={"occurred_at": on})


async def test_declines_are_counted_by_reason_in_the_period(
    pool: asyncpg.Pool, settings: Settings, admin_key: str
) -> None:
    march, may = datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 5, 4, tzinfo=UTC)
    filled = [_ids() for _ in range(2)]
    events = [
        declined(filled[0], DeclineCode.POSITION_FILLED, march),
        declined(filled[1], DeclineCode.POSITION_FILLED, may),
        declined(_ids(), None, march),  # before the codes: other
        declined(_ids(), DeclineCode.NOT_REACHABLE, may),
    ]
    proposed = new_event(mt.MatchProposed(**filled[0], score=0.5), producer="test")
    async with pool.acquire() as conn:
        for batch in ([events[0]], [proposed], events[1:], [events[0]]):  # replayed too
            async with conn.transaction():
                await apply_events(conn, batch)
    app = create_app(settings)
    async with app.router.lifespan_context(app), keyed_client(app, admin_key) as http:
        every = await http.get("/v1/declines-by-reason")
        spring = await http.get("/v1/declines-by-reason", params={"from": "2026-03-01",
                                                                   "to": "2026-03-31"})  # fmt: skip
        wrong = await http.get("/v1/declines-by-reason", params={"from": "2026-04-01",
                                                                  "to": "2026-03-01"})  # fmt: skip
    assert every.status_code == 200, every.text
    assert {r["reason"]: r["declines"] for r in every.json()} == {
        "not_reachable": 1, "position_filled": 2, "skills_do_not_fit": 0,
        "participant_declined": 0, "other": 1,
    }  # fmt: skip
    counted = {r["reason"]: r["declines"] for r in spring.json() if r["declines"]}
    assert counted == {"position_filled": 1, "other": 1}
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["field"] == "to"

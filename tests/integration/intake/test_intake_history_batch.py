"""A spreadsheet of a past project: each row's own `registered_on`, only with the history scope."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
from intake_helpers import numbered_estonian_id

from services.intake.main import create_app
from shared.settings import Settings
from tests.support import create_api_key, keyed_client

HEADER = ["national_id", "given_name", "family_name", "labour_market_status",
          "consent_purposes", "consent_given_at", "consent_recorded_by", "registered_on"]  # fmt: skip


def _csv(days: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    for n, day in enumerate(days):
        writer.writerow({
            "national_id": numbered_estonian_id(500 + n), "given_name": f"Given{n}",
            "family_name": "Archive", "labour_market_status": "long_term_unemployed",
            "consent_purposes": "case_management;reporting",
            "consent_given_at": "2007-03-01T10:00:00+02:00",
            "consent_recorded_by": "Rapla archive", "registered_on": day,
        })  # fmt: skip
    return out.getvalue().encode()


@pytest.fixture
async def importer(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    key = await create_api_key(
        settings.database_url, role="municipality", municipality="Rapla vald", scopes=["history"]
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with keyed_client(app, key, base_url="http://intake") as http:
            yield http


async def _upload(http: httpx.AsyncClient, days: list[str]) -> list[dict[str, object]]:
    files = {"file": ("past.csv", _csv(days), "text/csv")}
    r = await http.post("/v1/intakes/batch", params={"municipality": "Rapla vald"}, files=files)
    assert r.status_code == 200, r.text
    return r.json()["results"]  # type: ignore[no-any-return]


async def test_an_import_key_registers_each_row_on_its_own_day(
    importer: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    results = await _upload(importer, ["2007-04-02", "2007-09-17", "", tomorrow, "1999-12-31"])
    assert [r["status"] for r in results] == ["created"] * 3 + ["rejected"] * 2
    assert [e["reason"] for r in results[3:] for e in r["errors"]] == [  # type: ignore[attr-defined]
        "registered_in_future", "registered_before_floor",
    ]  # fmt: skip
    events = await db.fetch("SELECT body FROM outbox WHERE type = 'participant.registered'")
    days = sorted(json.loads(e["body"])["payload"]["registered_on"] for e in events)
    today = datetime.now(UTC).date().isoformat()
    assert days == sorted(["2007-04-02", "2007-09-17", today])
    audit = await db.fetch(
        "SELECT participant_id, imported FROM audit_log WHERE action = 'participant.batch'"
    )
    marked = {str(a["participant_id"]): a["imported"] for a in audit}
    assert [marked[str(r["participant_id"])] for r in results[:3]] == [True, True, False]


async def test_without_the_history_scope_a_dated_row_is_rejected(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    results = await _upload(client, ["2007-04-02", ""])
    assert [r["status"] for r in results] == ["rejected", "created"]
    assert results[0]["errors"][0]["reason"] == "history_import_not_allowed"  # type: ignore[index]
    assert await db.fetchval("SELECT count(*) FROM participant") == 1

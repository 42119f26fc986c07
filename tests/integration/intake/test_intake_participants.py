"""Corrections, consent withdrawal and the municipality's list of participants."""

from __future__ import annotations

import json

import asyncpg
import httpx
from intake_helpers import intake_body


async def _events(db: asyncpg.Connection) -> list[dict[str, object]]:
    return [json.loads(r["body"]) for r in await db.fetch("SELECT body FROM outbox ORDER BY id")]


async def test_correction_emits_updated_with_changed_fields(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    pid = (await client.post("/v1/intakes", json=intake_body())).json()["participant_id"]
    fix = {
        "given_name": "Maria",
        "languages": ["et", "fi"],
        "home": {"lat": 59.3771, "lon": 28.1901},
    }
    r = await client.patch(f"/v1/participants/{pid}", json=fix)
    assert r.status_code == 200, r.text
    assert r.json()["given_name"] == "Maria"
    assert r.json()["profile"]["location"]["lat"] == 59.38
    updated = (await _events(db))[-1]
    assert updated["type"] == "participant.updated"
    assert updated["payload"]["changed_fields"] == ["languages", "location"]  # type: ignore[index]

    name_only = await client.patch(f"/v1/participants/{pid}", json={"family_name": "Kask"})
    assert name_only.json()["family_name"] == "Kask"
    assert len(await _events(db)) == 2  # a name is not the other services' business

    bad = await client.patch(f"/v1/participants/{pid}", json={"isced_level": 9, "shoe_size": 44})
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json()["detail"]} == {"isced_level", "shoe_size"}


async def test_consent_withdrawal_emits_event_and_blocks_corrections(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    pid = (await client.post("/v1/intakes", json=intake_body())).json()["participant_id"]
    url = f"/v1/participants/{pid}/consent-withdrawal"
    partial = await client.post(url, json={"purposes": ["matching"], "recorded_by": "desk"})
    assert partial.json()["purposes_still_held"] == ["case_management", "reporting"]
    full = await client.post(url, json={"recorded_by": "desk"})
    assert full.status_code == 200 and full.json()["purposes_still_held"] == []
    events = await _events(db)
    assert [e["type"] for e in events][-2:] == ["participant.consent_withdrawn"] * 2
    assert events[-1]["payload"]["purposes"] == ["case_management", "reporting"]  # type: ignore[index]

    again = await client.post(url, json={"recorded_by": "desk"})
    assert (again.status_code, again.json()["detail"]["reason"]) == (409, "consent_withdrawn")
    fix = await client.patch(f"/v1/participants/{pid}", json={"isced_level": 4})
    assert fix.status_code == 409
    got = (await client.get(f"/v1/participants/{pid}")).json()
    assert got["consent_withdrawn_at"] is not None


async def test_participants_are_listed_per_municipality_a_page_at_a_time(
    client: httpx.AsyncClient,
) -> None:
    for town in ["Paide linn"] * 5 + ["Keila linn"]:
        assert (
            await client.post("/v1/intakes", json=intake_body(municipality=town))
        ).status_code == 201
    seen: list[str] = []
    after = None
    while True:
        params = {"municipality": "Paide linn", "limit": 2, **({"after": after} if after else {})}
        page = (await client.get("/v1/participants", params=params)).json()
        seen += [p["participant_id"] for p in page["items"]]
        assert all(p["municipality"] == "Paide linn" for p in page["items"])
        after = page["next_after"]
        if after is None:
            break
    assert len(seen) == len(set(seen)) == 5


async def test_unknown_participant_is_404_with_reason(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/participants/00000000-0000-4000-8000-000000000000")
    assert (r.status_code, r.json()["detail"]["reason"]) == (404, "participant_not_found")


async def test_a_nul_character_in_a_filter_is_refused_not_a_server_error(
    client: httpx.AsyncClient,
) -> None:
    r = await client.get("/v1/participants", params={"municipality": "Rapla\x00vald"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"]["reason"] == "invalid_character"

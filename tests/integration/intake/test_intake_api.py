"""POST /v1/intakes: validation, privacy at rest, one person = one participant, idempotency."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json

import asyncpg
import httpx
from intake_helpers import broken, estonian_id, finnish_id, intake_body

from shared import receipts
from shared.settings import Settings


async def _outbox(db: asyncpg.Connection) -> list[dict[str, object]]:
    rows = await db.fetch("SELECT type, body FROM outbox ORDER BY id")
    return [{"type": r["type"], **json.loads(r["body"])} for r in rows]


async def test_registration_stores_hash_and_sealed_personal_data(
    client: httpx.AsyncClient, db: asyncpg.Connection, settings: Settings
) -> None:
    nid = estonian_id()
    r = await client.post("/v1/intakes", json=intake_body(nid))
    assert r.status_code == 201, r.text
    pid = r.json()["participant_id"]
    assert r.json()["status"] == "created"
    receipt = receipts.receipt(settings.id_hash_secret, pid, "Rapla vald")
    assert r.json()["registration_receipt"] == receipt  # caseplan's "not yet" proof

    row = await db.fetchrow("SELECT * FROM participant WHERE participant_id = $1", pid)
    expected = hmac.new(settings.id_hash_secret.encode(), nid.encode(), hashlib.sha256).digest()
    assert bytes(row["id_hash"]) == expected
    assert b"Secretname" not in row["personal"] and b"mari.secret" not in row["personal"]
    stored = json.dumps(dict(row), default=str)
    assert nid not in stored and "Secretname" not in stored

    profile = json.loads(row["profile"])
    assert profile["location"] == {"municipality": "Rapla vald", "lat": 59.01, "lon": 24.79}
    got = (await client.get(f"/v1/participants/{pid}")).json()
    assert got["family_name"] == "Tamm-Secretname"
    assert got["contact"]["email"] == "mari.secret@example.ee"
    assert got["profile"]["isced_level"] == 3

    [event] = await _outbox(db)
    assert event["type"] == "participant.registered"
    assert event["payload"]["participant_id"] == pid  # type: ignore[index]


async def test_bad_checksum_is_422_with_reason_and_nothing_is_stored(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    body = intake_body(broken(finnish_id()), languages=["xx"], unknown_field=1)
    r = await client.post("/v1/intakes", json=body)
    assert r.status_code == 422
    detail = {(d["field"], d["reason"]) for d in r.json()["detail"]}
    assert ("national_id", "checksum does not match") in detail
    assert ("languages.0", "not an ISO 639-1 language code") in detail
    assert "unknown_field" in {field for field, _ in detail}
    assert await db.fetchval("SELECT count(*) FROM participant") == 0
    assert await db.fetchval("SELECT count(*) FROM outbox") == 0


async def test_the_same_person_registered_again_is_one_participant(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    nid = finnish_id()
    first = await client.post("/v1/intakes", json=intake_body(nid, municipality="Kaustinen"))
    again = intake_body(nid.lower(), municipality="Kaustinen", home=None, months_unemployed=30)
    second = await client.post("/v1/intakes", json=again)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() | {"registration_receipt": ""} == {
        "participant_id": first.json()["participant_id"],
        "status": "updated",
        "registration_receipt": "",
    }
    assert await db.fetchval("SELECT count(*) FROM participant") == 1

    registered, updated = await _outbox(db)
    assert (registered["type"], updated["type"]) == (
        "participant.registered",
        "participant.updated",
    )
    payload = updated["payload"]
    assert payload["municipality"] == "Kaustinen"  # type: ignore[index]
    assert payload["location"] == {"municipality": "Kaustinen", "lat": 63.55, "lon": 23.7}  # type: ignore[index]
    assert payload["months_unemployed"] == 18  # type: ignore[index]  # frozen at first entry
    assert "location" in payload["changed_fields"]  # type: ignore[index]


async def test_another_municipality_registering_the_person_moves_nobody(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    """Told as a first registration would be; the person stays; a transfer is asked."""
    nid = finnish_id()
    first = await client.post("/v1/intakes", json=intake_body(nid, municipality="Kaustinen"))
    second = await client.post("/v1/intakes", json=intake_body(nid, municipality="Veteli"))
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["status"] == "created"
    assert second.json()["participant_id"] != first.json()["participant_id"]
    assert await db.fetchval("SELECT municipality FROM participant") == "Kaustinen"
    [registered] = await _outbox(db)
    assert registered["type"] == "participant.registered"
    asked = await db.fetchrow("SELECT * FROM transfer_request")
    assert (asked["from_municipality"], asked["to_municipality"], asked["status"]) == (
        "Kaustinen",
        "Veteli",
        "requested",
    )
    assert str(asked["transfer_id"]) == second.json()["participant_id"]


async def test_retried_post_with_idempotency_key_registers_once(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    body = intake_body()
    headers = {"Idempotency-Key": "case-system-42"}
    answers = [await client.post("/v1/intakes", json=body, headers=headers) for _ in range(3)]
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["participant_id"] for a in answers}) == 1
    assert await db.fetchval("SELECT count(*) FROM outbox") == 1

    other = await client.post("/v1/intakes", json=intake_body(), headers=headers)
    assert other.status_code == 422
    assert other.json()["detail"]["reason"] == "idempotency_key_reused"
    assert await db.fetchval("SELECT count(*) FROM participant") == 1


async def test_simultaneous_registrations_of_one_person_make_one_participant(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    body = intake_body()
    answers = await asyncio.gather(*(client.post("/v1/intakes", json=body) for _ in range(8)))
    assert sorted(a.json()["status"] for a in answers) == ["created"] + ["updated"] * 7
    assert len({a.json()["participant_id"] for a in answers}) == 1
    assert await db.fetchval("SELECT count(*) FROM participant") == 1

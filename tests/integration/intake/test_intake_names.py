"""Names by ids: the registering municipality reads its own; a support worker only those its
case receipts open; everything else is left out as if unknown; every read is audited."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
from intake_helpers import intake_body

from shared import case_receipts
from shared.settings import Settings
from tests.support import bearer, create_api_key


async def _register(client: httpx.AsyncClient, municipality: str, given: str, **body: Any) -> UUID:
    r = await client.post(
        "/v1/intakes", json=intake_body(municipality=municipality, given_name=given, **body)
    )
    assert r.status_code == 201, r.text
    return UUID(r.json()["participant_id"])


async def _names(client: httpx.AsyncClient, key: str, asks: list[dict[str, Any]]) -> dict[str, str]:
    r = await client.post(
        "/v1/participants/names", json={"participants": asks}, headers=bearer(key)
    )
    assert r.status_code == 200, r.text
    return {n["participant_id"]: n["given_name"] for n in r.json()}


async def test_names_only_for_the_callers_own_participants_and_cases(
    client: httpx.AsyncClient, settings: Settings, db: asyncpg.Connection
) -> None:
    rapla, tartu = "Rapla vald", "Tartu linn"
    mine, theirs = await _register(client, rapla, "Aino"), await _register(client, tartu, "Liis")
    dsn, secret = settings.database_url, settings.id_hash_secret
    clerk = await create_api_key(dsn, role="municipality", municipality=rapla)
    both = [{"participant_id": str(p)} for p in (mine, theirs, uuid4())]
    assert await _names(client, clerk, both) == {str(mine): "Aino"}

    org, other_org = uuid4(), uuid4()
    worker = await create_api_key(dsn, role="support_worker", organisation_id=org)
    assert await _names(client, worker, both) == {}  # no receipt, no name
    asks = [
        {"participant_id": str(mine), "case_receipt": case_receipts.receipt(secret, mine, org)},
        {"participant_id": str(theirs),  # another organisation's receipt opens nothing
         "case_receipt": case_receipts.receipt(secret, theirs, other_org)},
    ]  # fmt: skip
    assert await _names(client, worker, asks) == {str(mine): "Aino"}
    expired = case_receipts.receipt(secret, mine, org, now=1000)
    gone = [{"participant_id": str(mine), "case_receipt": expired}]
    assert await _names(client, worker, gone) == {}

    audited = await db.fetch(
        "SELECT participant_id FROM audit_log WHERE action = 'participant.names' AND role = $1",
        "support_worker",
    )
    assert mine in [a["participant_id"] for a in audited]
    assert theirs not in [a["participant_id"] for a in audited]
    operator = await create_api_key(dsn, role="operator", organisation_id=uuid4())
    refused = await client.post(
        "/v1/participants/names", json={"participants": []}, headers=bearer(operator)
    )
    assert refused.status_code == 403, refused.text


async def test_an_employer_reads_only_the_given_name_of_whom_it_accepted_by_consent(
    client: httpx.AsyncClient, settings: Settings, db: asyncpg.Connection
) -> None:
    agreed = {"purposes": ["case_management", "matching", "employer_contact"],
              "given_at": "2026-01-05T10:00:00+00:00", "recorded_by": "test"}  # fmt: skip
    placed = await _register(client, "Rapla vald", "Aino", consent=agreed)
    unwilling = await _register(client, "Rapla vald", "Liis")  # no employer contact
    dsn, secret = settings.database_url, settings.id_hash_secret
    org = uuid4()
    employer = await create_api_key(dsn, role="employer", organisation_id=org)

    def receipt(pid: UUID, organisation: UUID, purpose: bytes) -> dict[str, str]:
        token = case_receipts.receipt(secret, pid, organisation, purpose=purpose)
        return {"participant_id": str(pid), "placement_receipt": token}

    assert await _names(client, employer, [{"participant_id": str(placed)}]) == {}
    r = await client.post(
        "/v1/participants/names", headers=bearer(employer),
        json={"participants": [receipt(placed, org, case_receipts.PLACEMENT)]},
    )  # fmt: skip
    assert r.json() == [{"participant_id": str(placed), "given_name": "Aino", "family_name": None}]
    for refused in (
        receipt(unwilling, org, case_receipts.PLACEMENT),  # no consent to employer contact
        receipt(placed, uuid4(), case_receipts.PLACEMENT),  # another organisation's
        receipt(placed, org, b"polku case receipt v1|"),  # a case receipt is not one
    ):
        assert await _names(client, employer, [refused]) == {}, refused
    case = {"participant_id": str(placed),
            "case_receipt": case_receipts.receipt(secret, placed, org)}  # fmt: skip
    assert await _names(client, employer, [case]) == {}
    audited = await db.fetch(
        "SELECT participant_id, fields FROM audit_log WHERE action = 'participant.names'"
        " AND role = 'employer'"
    )
    assert [(a["participant_id"], list(a["fields"])) for a in audited if a["participant_id"]] == [
        (placed, ["given_name"])
    ]


async def test_a_waiting_receipt_opens_the_waiting_persons_name_to_its_organisation_only(
    client: httpx.AsyncClient, settings: Settings, db: asyncpg.Connection
) -> None:
    waiting, other = (
        await _register(client, "Rapla vald", "Mari"),
        await _register(client, "Rapla vald", "Kati"),
    )
    dsn, secret = settings.database_url, settings.id_hash_secret
    org = uuid4()
    worker = await create_api_key(dsn, role="support_worker", organisation_id=org)

    def ask(pid: UUID, organisation: UUID, purpose: bytes, *, field: str = "waiting_receipt"
            ) -> dict[str, str]:  # fmt: skip
        token = case_receipts.receipt(secret, pid, organisation, purpose=purpose)
        return {"participant_id": str(pid), field: token}

    r = await client.post(
        "/v1/participants/names", headers=bearer(worker),
        json={"participants": [ask(waiting, org, case_receipts.WAITING)]},
    )  # fmt: skip
    [name] = r.json()
    assert name["participant_id"] == str(waiting) and name["given_name"] == "Mari"
    assert name["family_name"]  # first name and last name, as on the case list
    for refused in (
        ask(other, uuid4(), case_receipts.WAITING),  # another organisation's
        ask(other, org, case_receipts.PLACEMENT),  # a placement receipt is not one
        {"participant_id": str(other), "waiting_receipt": case_receipts.receipt(
            secret, other, org, now=1000, purpose=case_receipts.WAITING)},  # expired
        ask(other, org, case_receipts.WAITING, field="case_receipt"),  # not a case receipt
    ):  # fmt: skip
        assert await _names(client, worker, [refused]) == {}, refused
    audited = await db.fetch(
        "SELECT action, participant_id, fields FROM audit_log WHERE organisation_id = $1"
        " AND participant_id IS NOT NULL",
        org,
    )
    assert [(a["action"], a["participant_id"], list(a["fields"])) for a in audited] == [
        ("participant.names.waiting", waiting, ["given_name", "family_name"])
    ]

"""The access matrix: every intake endpoint × every role × own/other organisation → status."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx
import pytest
from conftest import Keys
from fastapi import FastAPI
from security_helpers import OTHER, OWN, estonian_id, intake_body

from tests.support import bearer

WHO = (
    "admin",
    "operator",
    "municipality",
    "other_municipality",
    "support_worker",
    "workshop",
    "employer",
    None,
)
DENIED_ROLES = {"operator": 403, "support_worker": 403, "workshop": 403, "employer": 403, None: 401}

# (method, path, body, {who: expected}); {pid} is a participant registered to OWN just before.
MATRIX: list[tuple[str, str, Any, dict[str | None, int]]] = [
    (
        "POST",
        "/v1/intakes",
        "intake",
        {"admin": 201, "municipality": 201, "other_municipality": 403},
    ),
    (
        "POST",
        "/v1/intakes/batch?municipality=Rapla%20vald",
        "batch",
        {"admin": 200, "municipality": 200, "other_municipality": 403},
    ),
    (
        "GET",
        "/v1/intakes/template.xlsx",
        None,
        {"admin": 200, "municipality": 200, "other_municipality": 200},  # no one's data
    ),
    (
        "GET",
        "/v1/participants/{pid}",
        None,
        {"admin": 200, "municipality": 200, "other_municipality": 404},
    ),
    (
        "GET",
        "/v1/participants?municipality=Rapla%20vald",
        None,
        {"admin": 200, "municipality": 200, "other_municipality": 403},
    ),
    (
        "PATCH",
        "/v1/participants/{pid}",
        {"given_name": "Corrected"},
        {"admin": 200, "municipality": 200, "other_municipality": 404},
    ),
    (
        "POST",
        "/v1/participants/{pid}/consent-withdrawal",
        {"purposes": ["matching"], "recorded_by": "x"},
        {"admin": 200, "municipality": 200, "other_municipality": 404},
    ),
    (
        "POST",
        "/v1/participants/search",
        {"municipality": OWN, "name": "Corrected"},
        {"admin": 200, "municipality": 200, "other_municipality": 403},
    ),
    (
        "POST",
        "/v1/participants/names",
        {"participants": []},  # what each may read: tests/integration/intake/test_intake_names
        {
            "admin": 200,
            "municipality": 200,
            "other_municipality": 200,
            "support_worker": 200,
            "workshop": 200,
            "employer": 200,
        },
    ),
    (
        "GET",
        "/v1/participants/{pid}/export",
        None,
        {"admin": 200, "municipality": 200, "other_municipality": 404},
    ),
    (
        "POST",
        "/v1/participants/{pid}/erasure",
        None,
        {"admin": 200, "municipality": 200, "other_municipality": 404},
    ),
    (
        "POST",
        "/v1/keys",
        {"organisation_id": "5d6b2c1e-0000-4000-8000-000000000001", "role": "operator"},
        {"admin": 201, "municipality": 403, "other_municipality": 403},
    ),
    ("GET", "/v1/keys", None, {"admin": 200, "municipality": 403, "other_municipality": 403}),
    (
        "POST",
        "/v1/transfers",
        {"municipality": OWN, "national_id": estonian_id()},
        {"admin": 202, "municipality": 202, "other_municipality": 403},
    ),
    (
        "GET",
        "/v1/transfers",
        None,
        {"admin": 200, "operator": 200, "municipality": 200, "other_municipality": 200},
    ),
    (
        "POST",
        "/v1/transfers/{tid}/approval",
        None,
        {"admin": 200, "operator": 200, "municipality": 200, "other_municipality": 404},
    ),
    (
        "POST",
        "/v1/transfers/{tid}/decline",
        None,
        {"admin": 200, "operator": 200, "municipality": 200, "other_municipality": 404},
    ),
    (
        "POST",
        "/v1/keys/{kid}/revoke",
        None,
        {"admin": 404, "municipality": 403, "other_municipality": 403},
    ),
    (
        "GET",
        "/v1/audit?participant_id={pid}",
        None,
        {"admin": 200, "municipality": 403, "other_municipality": 403},
    ),
]


def _expected(cell: dict[str | None, int], who: str | None) -> int:
    return cell[who] if who in cell else DENIED_ROLES[who]


def _request(method: str, path: str, body: Any) -> dict[str, Any]:
    if body == "intake":
        return {"json": intake_body(OWN)}
    if body == "batch":
        line = intake_body(OWN)
        del line["municipality"]
        import json

        return {
            "files": {"file": ("rows.jsonl", json.dumps(line).encode(), "application/x-ndjson")}
        }
    return {} if body is None else {"json": body}


async def test_every_intake_endpoint_for_every_role(intake_app: FastAPI, keys: Keys) -> None:
    transport = httpx.ASGITransport(app=intake_app)
    failures = []
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
        for method, path, body, cell in MATRIX:
            for who in WHO:
                admin, person = bearer(keys["admin"]), intake_body(OWN)
                made = await http.post("/v1/intakes", json=person, headers=admin)
                pid = made.json()["participant_id"]
                elsewhere = intake_body(OTHER, person["national_id"])
                asked = await http.post("/v1/intakes", json=elsewhere, headers=admin)
                tid = asked.json()["participant_id"]  # the transfer asked for in its place
                headers = bearer(keys[who]) if who else {}
                r = await http.request(
                    method,
                    path.format(pid=pid, kid=uuid4(), tid=tid),
                    headers=headers,
                    **_request(method, path, body),
                )
                if r.status_code != _expected(cell, who):
                    failures.append(f"{method} {path} as {who}: {r.status_code} {r.text[:200]}")
    assert not failures, "\n".join(failures)


def test_every_v1_operation_needs_a_key_and_is_in_the_matrix(intake_app: FastAPI) -> None:
    operations = {
        (method.upper(), path): op
        for path, item in intake_app.openapi()["paths"].items()
        if path.startswith("/v1")
        for method, op in item.items()
    }
    assert all(op.get("security") for op in operations.values())  # the Allow dependency's bearer
    in_matrix = {
        (
            m,
            p.split("?")[0]
            .replace("{pid}", "{participant_id}")
            .replace("{kid}", "{key_id}")
            .replace("{tid}", "{transfer_id}")
            .replace("template.xlsx", "template.{kind}"),
        )
        for m, p, _, _ in MATRIX
    }
    assert set(operations) == in_matrix


@pytest.mark.parametrize("who", ["municipality", "admin"])
async def test_participant_list_of_a_municipality_holds_only_its_own(
    intake_app: FastAPI, keys: Keys, who: str
) -> None:
    transport = httpx.ASGITransport(app=intake_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
        admin = bearer(keys["admin"])
        own = (await http.post("/v1/intakes", json=intake_body(OWN), headers=admin)).json()
        await http.post("/v1/intakes", json=intake_body("Tartu linn"), headers=admin)
        page = await http.get(
            "/v1/participants", params={"municipality": OWN}, headers=bearer(keys[who])
        )
        assert [p["participant_id"] for p in page.json()["items"]] == [own["participant_id"]]

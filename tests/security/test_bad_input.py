"""Bad input through intake's API: a 422 naming the field, never a 500; one bad row of a batch
never spoils the others; implausible values are refused with a reason."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from conftest import Keys
from fastapi import FastAPI
from security_helpers import OWN, intake_body

from services.intake import batch
from services.intake.schemas import IntakeIn
from services.intake.service import vault_of
from shared.db import create_pool
from shared.settings import Settings
from tests.support import bearer


def _client(app: FastAPI, key: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://intake", headers=bearer(key)
    )


NUL_FIELDS: list[tuple[dict[str, Any], str]] = [
    ({"skills": ["cleaning\x00"]}, "skills.0"),
    ({"interests": ["woodwork\x00"]}, "interests.0"),
    ({"accessibility_needs": ["ramp\x00"]}, "accessibility_needs.0"),
    ({"given_name": "Mari\x1b[2J"}, "given_name"),
]


@pytest.mark.parametrize(("extra", "field"), NUL_FIELDS)
async def test_nul_or_escapes_in_a_registration_are_a_422_with_the_field(
    intake_app: FastAPI, keys: Keys, extra: dict[str, Any], field: str
) -> None:
    async with _client(intake_app, keys["municipality"]) as http:
        r = await http.post("/v1/intakes", json=intake_body(OWN, **extra))
    assert r.status_code == 422, r.text
    assert [d["field"] for d in r.json()["detail"]] == [field]


async def test_nul_in_the_consent_recorder_is_a_422(intake_app: FastAPI, keys: Keys) -> None:
    body = intake_body(OWN)
    body["consent"]["recorded_by"] = "case\x00system"
    async with _client(intake_app, keys["municipality"]) as http:
        r = await http.post("/v1/intakes", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"] == "consent.recorded_by"


async def test_nul_in_a_correction_is_a_422_and_changes_nothing(
    intake_app: FastAPI, keys: Keys
) -> None:
    async with _client(intake_app, keys["municipality"]) as http:
        pid = (await http.post("/v1/intakes", json=intake_body(OWN))).json()["participant_id"]
        r = await http.patch(f"/v1/participants/{pid}", json={"skills": ["x\x00"]})
        assert r.status_code == 422, r.text
        assert r.json()["detail"][0]["field"] == "skills.0"
        r = await http.patch(f"/v1/participants/{pid}", json={"availability_hours": True})
        assert r.status_code == 422, r.text
        after = (await http.get(f"/v1/participants/{pid}")).json()
    assert after["profile"]["skills"] == ["cleaning"]
    assert after["profile"]["availability_hours"] == 20


async def test_one_bad_row_never_spoils_a_batch(intake_app: FastAPI, keys: Keys) -> None:
    rows = [intake_body(OWN) for _ in range(3)]
    rows[1]["skills"] = ["cleaning\x00"]
    rows.append(intake_body(OWN, **{"nul\x00key": 1}))
    for row in rows:
        del row["municipality"]
    upload = "\n".join(json.dumps(r) for r in rows).encode()
    async with _client(intake_app, keys["municipality"]) as http:
        r = await http.post(
            "/v1/intakes/batch",
            params={"municipality": OWN},
            files={"file": ("rows.jsonl", upload, "application/x-ndjson")},
            headers={"Idempotency-Key": "nul-batch"},  # the answer is stored too
        )
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["created"], out["rejected"]) == (2, 2)
    assert out["results"][1]["errors"][0]["field"] == "skills.0"
    assert out["results"][3]["errors"][0]["field"] == "nul\\x00key"


async def test_a_csv_row_with_nul_is_rejected_alone(intake_app: FastAPI, keys: Keys) -> None:
    header = "national_id,given_name,family_name,labour_market_status,"
    header += "consent_purposes,consent_given_at,consent_recorded_by"
    lines = [header]
    for recorder in ("case system", "case\x00system"):
        row = intake_body(OWN)
        lines.append(
            f"{row['national_id']},{row['given_name']},{row['family_name']},unemployed,"
            f"matching,2026-01-05T10:00:00+02:00,{recorder}"
        )
    async with _client(intake_app, keys["municipality"]) as http:
        r = await http.post(
            "/v1/intakes/batch",
            params={"municipality": OWN},
            files={"file": ("rows.csv", "\n".join(lines).encode(), "text/csv")},
        )
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["created"], out["rejected"]) == (1, 1)
    assert [e["field"] for e in out["results"][1]["errors"]] == ["consent.recorded_by"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"availability_hours": True}, "availability_hours"),
        ({"months_unemployed": False}, "months_unemployed"),
        ({"national_id": "53101010004"}, "national_id"),  # born 2031: an age of -5
        ({"national_id": "15001010001"}, "national_id"),  # born 1850: an age of 176
    ],
)
async def test_implausible_values_are_refused_with_a_reason(
    intake_app: FastAPI, keys: Keys, extra: dict[str, Any], field: str
) -> None:
    async with _client(intake_app, keys["municipality"]) as http:
        r = await http.post("/v1/intakes", json=intake_body(OWN, **extra))
    assert r.status_code == 422, r.text
    [detail] = r.json()["detail"]
    assert detail["field"] == field and detail["reason"]


async def test_a_row_the_database_refuses_is_rejected_alone(settings: Settings) -> None:
    """Should a value slip past validation, the database's refusal rejects that row only."""
    good = [IntakeIn.model_validate(intake_body(OWN)) for _ in range(2)]
    slipped = IntakeIn.model_validate(intake_body(OWN)).model_copy(update={"skills": ["x\x00"]})
    rows: list[batch.ParsedRow] = [(1, good[0]), (2, slipped), (3, good[1])]
    pool = await create_pool(settings.database_url, schema="intake")
    try:
        out = await batch.register_rows(pool, rows, vault=vault_of(settings))
        stored = await pool.fetchval("SELECT count(*) FROM participant")
    finally:
        await pool.close()
    statuses = [r["status"] for r in out.body["results"]]
    assert statuses == ["created", "rejected", "created"]
    assert out.body["results"][1]["errors"][0]["field"] == "row"
    assert stored == 2

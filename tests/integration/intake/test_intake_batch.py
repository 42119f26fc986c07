"""POST /v1/intakes/batch: 10,000 rows with 2% bad ones, CSV and JSON lines."""

from __future__ import annotations

import csv
import io
import json

import asyncpg
import httpx
from intake_helpers import broken, intake_body, numbered_estonian_id

HEADER = [
    "national_id",
    "given_name",
    "family_name",
    "phone",
    "email",
    "languages",
    "risk_groups",
    "labour_market_status",
    "months_unemployed",
    "isced_level",
    "lat",
    "lon",
    "transport",
    "consent_purposes",
    "consent_given_at",
    "consent_recorded_by",
]
BAD = {
    0: ("national_id", "checksum does not match"),
    1: ("languages.1", "not an ISO 639-1 language code"),
    2: ("family_name", "Field required"),
    3: (
        "labour_market_status",
        "Input should be 'unemployed', 'long_term_unemployed', 'inactive' or 'employed'",
    ),
    4: ("contact.email", "String should match pattern '^[^@\\s]{1,64}@[^@\\s]+\\.[A-Za-z]{2,}$'"),
}


def _row(n: int) -> dict[str, str]:
    return {
        "national_id": numbered_estonian_id(n),
        "given_name": f"Given{n}",
        "family_name": f"Family{n}",
        "phone": "+372 5555 0000",
        "email": f"person{n}@example.ee",
        "languages": "et;ru",
        "risk_groups": "long_term_unemployed;low_skills",
        "labour_market_status": "long_term_unemployed",
        "months_unemployed": "13",
        "isced_level": str(n % 9),
        "lat": "59.3" if n % 2 else "",
        "lon": "24.4" if n % 2 else "",
        "transport": "public",
        "consent_purposes": "case_management;matching",
        "consent_given_at": "2026-01-05T10:00:00+02:00",
        "consent_recorded_by": "Rapla intake desk",
    }


def _spoil(row: dict[str, str], kind: int) -> None:
    if kind == 0:
        row["national_id"] = broken(row["national_id"])
    elif kind == 1:
        row["languages"] = "et;zz"
    elif kind == 2:
        row["family_name"] = ""
    elif kind == 3:
        row["labour_market_status"] = "retired"
    else:
        row["email"] = "not-an-address"


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


async def test_ten_thousand_rows_with_two_percent_bad_register_exactly_the_good(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    rows, expected_bad = [], {}
    for n in range(10_000):
        row = _row(n)
        if n % 50 == 7:  # 2%
            kind = (n // 50) % len(BAD)
            _spoil(row, kind)
            expected_bad[n + 1] = BAD[kind]
        rows.append(row)
    files = {"file": ("intakes.csv", _csv(rows), "text/csv")}
    r = await client.post(
        "/v1/intakes/batch", params={"municipality": "Rapla vald"}, files=files, timeout=120
    )
    assert r.status_code == 200, r.text[:2000]
    out = r.json()
    assert (out["created"], out["updated"], out["rejected"]) == (9800, 0, 200)
    rejected = {x["row"]: x["errors"] for x in out["results"] if x["status"] == "rejected"}
    assert set(rejected) == set(expected_bad)
    for row_number, (field, reason) in expected_bad.items():
        assert {"field": field, "reason": reason} in [
            {"field": e["field"], "reason": e["reason"]} for e in rejected[row_number]
        ], (row_number, rejected[row_number])

    assert await db.fetchval("SELECT count(*) FROM participant") == 9800
    assert await db.fetchval("SELECT count(*) FROM outbox") == 9801  # and the refusals' one
    created_ids = {x["participant_id"] for x in out["results"] if x["status"] == "created"}
    stored_ids = {
        str(r["participant_id"]) for r in await db.fetch("SELECT participant_id FROM participant")
    }
    assert created_ids == stored_ids


async def test_json_lines_batch_reports_repeats_as_updates_and_bad_lines(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    same = intake_body()
    del same["municipality"]
    lines = [
        json.dumps(same),
        "{not json",
        json.dumps({**same, "given_name": "Maria"}),
        json.dumps(intake_body(municipality="Narva linn")),
    ]
    files = {"file": ("intakes.jsonl", "\n".join(lines).encode(), "application/x-ndjson")}
    r = await client.post("/v1/intakes/batch", params={"municipality": "Rapla vald"}, files=files)
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["created", "rejected", "updated", "rejected"]
    assert {x["sheet_row"] for x in results} == {None}  # JSON lines have no sheet
    assert results[0]["participant_id"] == results[2]["participant_id"]
    assert results[1]["errors"][0]["reason"] == "the line is not valid JSON"
    assert results[3]["errors"][0]["field"] == "municipality"
    got = (await client.get(f"/v1/participants/{results[0]['participant_id']}")).json()
    assert got["given_name"] == "Maria"
    assert await db.fetchval("SELECT count(*) FROM participant") == 1


async def test_unknown_upload_format_is_refused(client: httpx.AsyncClient) -> None:
    files = {"file": ("intakes.xls", b"\xd0\xcf\x11\xe0", "application/vnd.ms-excel")}
    r = await client.post("/v1/intakes/batch", params={"municipality": "Rapla vald"}, files=files)
    assert r.status_code == 415
    assert r.json()["detail"]["reason"] == "unsupported_format"


async def test_retried_upload_with_idempotency_key_registers_once(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    data = _csv([_row(n) for n in range(30)])
    params, headers = {"municipality": "Rapla vald"}, {"Idempotency-Key": "upload-2026-03"}

    async def upload(content: bytes) -> httpx.Response:
        files = {"file": ("intakes.csv", content, "text/csv")}
        return await client.post("/v1/intakes/batch", params=params, files=files, headers=headers)

    first, again = await upload(data), await upload(data)
    assert first.json() == again.json()
    assert first.json()["created"] == 30
    assert await db.fetchval("SELECT count(*) FROM outbox") == 30
    other = await upload(_csv([_row(n) for n in range(31)]))
    assert (other.status_code, other.json()["detail"]["reason"]) == (422, "idempotency_key_reused")


async def test_refused_rows_are_told_to_the_municipality_by_number_with_the_upload(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    rows = [_row(n) for n in range(5)]
    _spoil(rows[1], 0)
    _spoil(rows[3], 2)
    files = {"file": ("intakes.csv", _csv(rows), "text/csv")}
    r = await client.post("/v1/intakes/batch", params={"municipality": "Rapla vald"}, files=files)
    assert r.status_code == 200 and r.json()["rejected"] == 2, r.text
    (told,) = await db.fetch("SELECT body FROM outbox WHERE type = 'intake.rows_refused'")
    payload = json.loads(told["body"])["payload"]  # rows numbered as the sheet numbers them
    assert payload == {"municipality": "Rapla vald", "source": "upload", "refused": 2,
                       "total": 5, "rows": [3, 5], "request_ids": []}  # fmt: skip
    assert await db.fetchval("SELECT count(*) FROM outbox") == 4  # 3 registered, 1 refusal

    clean = {"file": ("intakes.csv", _csv([_row(n) for n in range(10, 12)]), "text/csv")}
    r = await client.post("/v1/intakes/batch", params={"municipality": "Rapla vald"}, files=clean)
    assert r.json()["rejected"] == 0
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE type = 'intake.rows_refused'") == 1

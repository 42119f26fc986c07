"""POST /v1/intakes/batch with the sheets people have: Excel's `;` CSV with a BOM, Windows-1252,
.xlsx with date cells and text dates; and the template that documents the columns."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import asyncpg
import httpx
from intake_helpers import broken, numbered_estonian_id
from openpyxl import Workbook, load_workbook

from shared import spreadsheet

HEADER = ["national_id", "given_name", "family_name", "languages", "labour_market_status",
          "months_unemployed", "lat", "lon", "consent_purposes", "consent_given_at",
          "consent_recorded_by"]  # fmt: skip
PARAMS = {"municipality": "Rapla vald"}
COLUMN = {"national_id": "national_id", "consent.given_at": "consent_given_at",
          "languages.1": "languages"}  # fmt: skip


def _row(n: int, when: Any = "15.01.2026") -> list[Any]:
    return [numbered_estonian_id(n), f"Jüri{n}", "Õunapuu-Šmidt", "et;ru", "unemployed", "7",
            "59,0071", "24,7926", "case_management;matching", when, "Rapla vallavalitsus"]  # fmt: skip


def _spoiled(n: int) -> tuple[list[Any], str]:
    """A row with one fault, and the field the service names for it."""
    row = _row(n)
    kind = n % 3
    if kind == 0:
        row[0] = broken(row[0])
        return row, "national_id"
    if kind == 1:
        row[9] = "31.02.2026"
        return row, "consent.given_at"
    row[3] = "et;zz"
    return row, "languages.1"


def _sheet(bad_every: int, count: int) -> tuple[list[list[Any]], dict[int, str]]:
    rows, bad = [], {}
    for n in range(count):
        if n % bad_every == bad_every - 1:
            row, field = _spoiled(n)
            bad[n + 1] = field
        else:
            row = _row(n, "5.1.2026" if n % 2 else "15.01.2026 09:30")
        rows.append(row)
    return rows, bad


async def _upload(client: httpx.AsyncClient, name: str, data: bytes, ctype: str) -> dict[str, Any]:
    files = {"file": (name, data, ctype)}
    r = await client.post("/v1/intakes/batch", params=PARAMS, files=files, timeout=60)
    assert r.status_code == 200, r.text[:2000]
    return r.json()  # type: ignore[no-any-return]


def _check(out: dict[str, Any], count: int, bad: dict[int, str]) -> None:
    assert (out["created"], out["updated"], out["rejected"]) == (count - len(bad), 0, len(bad))
    rejected = {x["row"]: x["errors"] for x in out["results"] if x["status"] == "rejected"}
    assert set(rejected) == set(bad)
    assert all(x["sheet_row"] == x["row"] + 1 for x in out["results"])  # the header is row 1
    for row, field in bad.items():
        assert [e["field"] for e in rejected[row]] == [field], (row, rejected[row])
        assert [e["column"] for e in rejected[row]] == [COLUMN[field]]


async def test_estonian_excel_csv_with_bom_and_semicolons(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    rows, bad = _sheet(7, 60)
    text = spreadsheet.csv_text(HEADER, rows, delimiter=";").replace("\n", "\r\n")
    out = await _upload(client, "osalejad.csv", ("\ufeff" + text).encode(), "text/csv")
    _check(out, 60, bad)
    assert (len(bad), await db.fetchval("SELECT count(*) FROM participant")) == (8, 52)


async def test_windows_1252_tab_separated(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    rows, bad = _sheet(5, 40)
    data = spreadsheet.csv_text(HEADER, rows, delimiter="\t").encode("cp1252")
    out = await _upload(client, "osallistujat.csv", data, "text/csv")
    _check(out, 40, bad)
    assert await db.fetchval("SELECT count(*) FROM participant") == 32
    first = out["results"][0]["participant_id"]
    got = (await client.get(f"/v1/participants/{first}")).json()
    assert (got["given_name"], got["family_name"]) == ("Jüri0", "Õunapuu-Šmidt")


async def test_xlsx_with_date_cells_text_dates_and_bad_rows(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    rows, bad = _sheet(6, 30)
    for n, row in enumerate(rows):
        if n % 3 == 0 and n + 1 not in bad:
            row[9] = datetime(2026, 1, 15, 9, 30)  # a date cell
            row[5] = 7  # a number cell
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out_file = io.BytesIO()
    book.save(out_file)
    out = await _upload(client, "people.xlsx", out_file.getvalue(), spreadsheet.XLSX_TYPE)
    _check(out, 30, bad)
    assert await db.fetchval("SELECT count(*) FROM participant") == 25


async def test_the_templates_document_the_columns_and_register(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    csv_file = await client.get("/v1/intakes/template.csv")
    xlsx_file = await client.get("/v1/intakes/template.xlsx")
    assert csv_file.status_code == xlsx_file.status_code == 200
    assert csv_file.headers["content-type"].startswith("text/csv")
    assert xlsx_file.headers["content-type"] == spreadsheet.XLSX_TYPE
    assert "attachment" in xlsx_file.headers["content-disposition"]
    header = csv_file.content.decode("utf-8-sig").splitlines()[0].split(";")
    book = load_workbook(io.BytesIO(xlsx_file.content))
    assert book.active is not None
    head, example = list(book.active.iter_rows(values_only=True))
    assert list(head) == header and set(HEADER) <= set(header)
    assert example[header.index("consent_given_at")] == datetime(2026, 1, 15, 9, 30)
    out = await _upload(client, "template.xlsx", xlsx_file.content, spreadsheet.XLSX_TYPE)
    assert (out["created"], out["rejected"]) == (1, 0)
    again = await _upload(client, "template.csv", csv_file.content, "text/csv")
    assert (again["updated"], again["rejected"]) == (1, 0)  # the same example person
    assert await db.fetchval("SELECT count(*) FROM participant") == 1
    missing = await client.get("/v1/intakes/template.ods")
    assert missing.status_code == 422


async def test_unreadable_sheets_are_refused(client: httpx.AsyncClient) -> None:
    cases = [
        ("people.xlsx", b"PK\x03\x04 not a workbook", spreadsheet.XLSX_TYPE, "not_xlsx"),
        ("people.csv", b"a;b\n\x81\x8d;\x9d\n", "text/csv", "not_text"),
    ]
    for name, data, ctype, reason in cases:
        files = {"file": (name, data, ctype)}
        r = await client.post("/v1/intakes/batch", params=PARAMS, files=files)
        assert (r.status_code, r.json()["detail"]["reason"]) == (422, reason)

"""The clerk's spreadsheet: preview with problems by row and column, then confirm once."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import httpx
from openpyxl import Workbook, load_workbook

from demo.national_ids import isikukood
from services.web import upload
from shared import spreadsheet
from tests.support import Stack
from tests.support.people import create_person
from tests.support.web_browser import Browser

GIVEN = datetime.now(UTC).isoformat()
HEADER = ("national_id,given_name,family_name,labour_market_status,consent_purposes,"
          "consent_given_at,consent_recorded_by,email")  # fmt: skip


def _row(serial: int, given: str, family: str, national_id: str | None = None) -> str:
    nid = national_id or isikukood(date(1991, 1, 2), False, serial)
    return f"{nid},{given},{family},unemployed,case_management;matching,{GIVEN},Kati,"


def test_the_preview_names_each_problem_by_row_and_column() -> None:
    text = "\n".join(
        [HEADER, _row(1, "Ann", "Kask"), _row(2, "Ülle", ""), "", _row(3, "Tõnu", "Tamm")]
    )
    found = _preview(text.encode())
    assert found.count == 3 and found.columns[0] == "national_id"
    assert found.problems == [upload.Problem(3, "family_name", "missing")]
    cells = [line.split(",") for line in text.split("\n")]
    semicolons = spreadsheet.csv_text(cells[0], cells[1:], delimiter=";")
    assert _preview(("\ufeff" + semicolons).encode()) == found  # Estonian Excel's, with a BOM
    tabs = spreadsheet.csv_text(cells[0], cells[1:], delimiter="\t")
    assert _preview(tabs.encode("cp1252")) == found
    lacking = _preview(b"given_name,family_name\nA,B,C\n")
    codes = {(p.row, p.column, p.code) for p in lacking.problems}
    assert (1, "national_id", "column_missing") in codes and (2, "", "too_many_cells") in codes


def test_service_errors_map_to_the_sheets_columns_and_rows() -> None:
    assert upload.column_of("consent.purposes") == "consent_purposes"
    assert upload.column_of("contact.email") == "email"
    assert upload.column_of("skills.0") == "skills"
    assert upload.column_of("national_id") == "national_id"
    assert upload.sheet_row(1) == 2


def _preview(data: bytes) -> upload.Preview:
    sheet = upload.read(data, upload.kind_of("sheet.csv", data))
    assert sheet is not None
    return upload.preview(sheet)


def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_previews_like_its_csv() -> None:
    columns = HEADER.split(",")
    nid = isikukood(date(1991, 1, 2), False, 5)
    rows: list[list[object]] = [
        [int(nid), "Ann", "Kask", "unemployed", "case_management", datetime(2026, 1, 15), "Kati"],
        [],
        [nid, "Ülle", None, "unemployed", "matching", "15.01.2026", "Kati", "u@example.ee"],
    ]
    data = _workbook([columns, *rows])
    assert upload.kind_of("anything.csv", data) == "xlsx"  # by its signature, not its name
    assert upload.content_type("xlsx") == spreadsheet.XLSX_TYPE
    sheet = upload.read(data, "xlsx")
    assert sheet is not None
    found = upload.preview(sheet)
    assert (found.count, found.columns) == (2, columns)
    assert found.rows[0][:6] == [nid, "Ann", "Kask", "unemployed", "case_management", "2026-01-15"]
    assert found.problems == [upload.Problem(4, "family_name", "missing")]  # row 3 is blank
    assert upload.read(b"PK\x03\x04 broken", "xlsx") is None


async def test_a_clerk_uploads_previews_and_confirms_a_sheet(
    stack_factory: type[Stack], migrated_database_url: str
) -> None:
    stack = stack_factory().start("intake")  # type: ignore[call-arg]
    stack.start("web")
    clerk = await create_person(migrated_database_url, "municipality", municipality="Rapla vald")
    sheet = "\n".join([HEADER, _row(11, "Ann", "Kask"), _row(12, "Ülle", "Saar", "38001085710"),
                       _row(13, "Tõnu", "Tamm")]).encode()  # fmt: skip
    async with httpx.AsyncClient(base_url=stack["web"].url) as client:
        browser = Browser(client)
        await browser.sign_in(clerk.email, clerk.password)
        await browser.get("/participants/upload")
        shown = await browser.upload(
            "/participants/upload", {"file": ("rapla.csv", sheet, "text/csv")}
        )
        assert shown.status_code == 200 and 'id="preview"' in shown.text
        assert "rapla.csv: 3 people" in shown.text and "Ülle" in shown.text
        action = re.search(r'action="(/participants/upload/[0-9a-f-]+/confirm)"', shown.text)
        assert action
        done = await browser.post(action.group(1))
        assert done.status_code == 200, done.text[-1500:]
        outcome = re.search(
            r'data-created="(\d+)" data-updated="(\d+)" data-rejected="(\d+)"', done.text
        )
        assert outcome and outcome.groups() == ("2", "0", "1")
        assert 'data-row="3" data-column="national_id" data-code="national_id"' in done.text
        assert (
            "Row 3, column national_id: This is not a valid personal identification code."
            in done.text
        )
        again = await browser.post(action.group(1))
        assert again.status_code == 410  # sent once


async def test_a_clerk_uploads_a_workbook_and_downloads_the_templates(
    stack_factory: type[Stack], migrated_database_url: str
) -> None:
    stack = stack_factory().start("intake")  # type: ignore[call-arg]
    stack.start("web")
    clerk = await create_person(migrated_database_url, "municipality", municipality="Rapla vald")
    columns = HEADER.split(",")
    good = [isikukood(date(1992, 3, 4), True, n) for n in (21, 22)]
    book = _workbook([
        columns,
        [int(good[0]), "Ann", "Kask", "unemployed", "case_management", datetime(2026, 1, 15), "Kati"],
        [good[1], "Õie", "Mägi", "inactive", "matching", "5.1.2026", "Kati", "oie@example.ee"],
        ["38001085710", "Tõnu", "Tamm", "unemployed", "matching", "15.01.2026", "Kati"],
        [good[1][:-1], "Ülo", "Saar", "retired", "matching", "31.02.2026", "Kati"],
    ])  # fmt: skip
    async with httpx.AsyncClient(base_url=stack["web"].url) as client:
        browser = Browser(client)
        await browser.sign_in(clerk.email, clerk.password)
        form = await browser.get("/participants/upload")
        assert 'href="/participants/upload/template.xlsx"' in form.text
        got = {k: await browser.get(f"/participants/upload/template.{k}") for k in ("csv", "xlsx")}
        assert all(g.status_code == 200 for g in got.values())
        assert got["xlsx"].headers["content-type"] == spreadsheet.XLSX_TYPE
        assert got["csv"].content.decode("utf-8-sig").startswith("national_id;")
        template = load_workbook(io.BytesIO(got["xlsx"].content)).active
        assert template is not None
        assert set(columns) <= {c.value for c in template[1]}
        shown = await browser.upload(
            "/participants/upload", {"file": ("rapla.xlsx", book, spreadsheet.XLSX_TYPE)}
        )
        assert shown.status_code == 200 and "rapla.xlsx: 4 people" in shown.text
        assert "Õie" in shown.text and "2026-01-15" in shown.text
        action = re.search(r'action="(/participants/upload/[0-9a-f-]+/confirm)"', shown.text)
        assert action
        done = await browser.post(action.group(1))
        assert done.status_code == 200, done.text[-1500:]
        outcome = re.search(
            r'data-created="(\d+)" data-updated="(\d+)" data-rejected="(\d+)"', done.text
        )
        assert outcome and outcome.groups() == ("2", "0", "2")
        assert 'data-row="4" data-column="national_id" data-code="national_id"' in done.text
        for column in ("national_id", "labour_market_status", "consent_given_at"):
            assert f'data-row="5" data-column="{column}"' in done.text, column

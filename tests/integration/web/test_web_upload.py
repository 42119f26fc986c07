"""The clerk's spreadsheet: preview with problems by row and column, then confirm once."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import httpx

from demo.national_ids import isikukood
from services.web import upload
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
    found = upload.preview(text)
    assert found.count == 3 and found.columns[0] == "national_id"
    assert found.problems == [upload.Problem(3, "family_name", "missing")]
    lacking = upload.preview("given_name,family_name\nA,B,C\n")
    codes = {(p.row, p.column, p.code) for p in lacking.problems}
    assert (1, "national_id", "column_missing") in codes and (2, "", "too_many_cells") in codes


def test_service_errors_map_to_the_sheets_columns_and_rows() -> None:
    assert upload.column_of("consent.purposes") == "consent_purposes"
    assert upload.column_of("contact.email") == "email"
    assert upload.column_of("skills.0") == "skills"
    assert upload.column_of("national_id") == "national_id"
    assert upload.sheet_row(1) == 2
    assert upload.decode("given_name\nÜlle".encode("cp1252")) == "given_name\nÜlle"
    assert upload.decode("\ufeffa".encode()) == "a"


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

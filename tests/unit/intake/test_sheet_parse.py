"""A batch upload's sheet as Excel writes it: `;` with a BOM, Windows-1252, .xlsx, local dates."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone

import pytest
from openpyxl import Workbook

from services.intake import sheets
from services.intake.batch import detect_format, parse
from services.intake.errors import IntakeError
from services.intake.schemas import IntakeIn
from shared import spreadsheet

HEADER = ["national_id", "given_name", "family_name", "labour_market_status", "lat",
          "postal_code", "consent_purposes", "consent_given_at", "consent_recorded_by"]  # fmt: skip
GOOD = ["38001085718", "Jüri", "Õunapuu", "unemployed", "58,3776", "100",
        "case_management;matching", "15.01.2026", "Rapla vallavalitsus"]  # fmt: skip
EET = timezone(timedelta(hours=2))


def _rows(rows: list[list[str]], *, delimiter: str, encoding: str) -> bytes:
    return spreadsheet.csv_text(HEADER, rows, delimiter=delimiter).encode(encoding)


def _bad(**change: str) -> list[str]:
    return [change.get(c, v) for c, v in zip(HEADER, GOOD, strict=True)]


def _check_good(row: IntakeIn | list[dict[str, str]]) -> IntakeIn:
    assert isinstance(row, IntakeIn), row
    assert (row.given_name, row.family_name) == ("Jüri", "Õunapuu")
    assert row.home is not None and row.home.lat == pytest.approx(58.3776)
    assert row.home.postal_code == "00100"  # a number cell lost Helsinki's leading zeros
    assert row.consent.given_at == datetime(2026, 1, 15, tzinfo=EET)
    return row


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_a_csv_in_any_separator_and_encoding_registers_the_same(
    delimiter: str, encoding: str
) -> None:
    bad = _bad(consent_given_at="31.02.2026", family_name="")
    data = _rows([GOOD, [], bad], delimiter=delimiter, encoding=encoding)
    parsed = parse(data, kind="csv", municipality="Rapla vald")
    assert [n for n, _ in parsed] == [1, 3]  # the blank row is skipped but counted
    _check_good(parsed[0][1])
    errors = parsed[1][1]
    assert isinstance(errors, list)
    assert sorted(e["field"] for e in errors) == ["consent.given_at", "family_name"]
    assert sorted(e["column"] for e in errors) == ["consent_given_at", "family_name"]


def test_estonian_excel_csv_with_bom_and_semicolons() -> None:
    text = "\ufeff" + ";".join(HEADER) + "\r\n" + ";".join(f'"{c}"' for c in GOOD) + "\r\n"
    [(number, row)] = parse(text.encode("utf-8"), kind="csv", municipality="Rapla vald")
    assert number == 1
    _check_good(row)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("5.1.2026", datetime(2026, 1, 5, tzinfo=EET)),
        ("05.01.2026 09:30", datetime(2026, 1, 5, 9, 30, tzinfo=EET)),
        ("2026-01-05", datetime(2026, 1, 5, tzinfo=EET)),
        ("2026-07-05T10:00:00", datetime(2026, 7, 5, 10, tzinfo=timezone(timedelta(hours=3)))),
        ("2026-01-05T10:00:00+00:00", datetime(2026, 1, 5, 10, tzinfo=UTC)),
    ],
)
def test_excel_date_forms_are_local_time(cell: str, expected: datetime) -> None:
    assert datetime.fromisoformat(sheets.local_date_time(cell)) == expected


def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_first_sheet_of_a_workbook_with_date_cells_and_text_dates() -> None:
    as_cells: list[object] = [38001085718, "Jüri", "Õunapuu", "unemployed", 58.3776, 100,
                              "case_management;matching", datetime(2026, 1, 15), "Rapla"]  # fmt: skip
    as_text = [*as_cells[:7], "15.01.2026", "Rapla"]
    extra = [*as_cells, "one too many"]
    parsed = parse(
        _workbook([HEADER, as_cells, as_text, extra]), kind="xlsx", municipality="Rapla vald"
    )
    assert [n for n, _ in parsed] == [1, 2, 3]
    _check_good(parsed[0][1])
    _check_good(parsed[1][1])
    assert parsed[2][1] == [
        {"field": "row", "reason": "the row has more cells than the header", "type": "malformed",
         "column": ""}
    ]  # fmt: skip


def test_a_workbook_sent_as_csv_is_read_as_a_workbook() -> None:
    data = _workbook([HEADER, GOOD])
    [(_, row)] = parse(data, kind="csv", municipality="Rapla vald")
    _check_good(row)


def test_the_templates_example_row_registers() -> None:
    for data in (sheets.template_csv(), sheets.template_xlsx()):
        [(number, row)] = parse(data, kind="csv", municipality="Tartu")
        assert number == 1 and isinstance(row, IntakeIn)
        assert row.consent.given_at == datetime(2026, 1, 15, 9, 30, tzinfo=EET)
    assert sheets.template_csv().startswith("\ufeffnational_id;".encode())


def test_formats_and_refusals() -> None:
    xlsx = spreadsheet.XLSX_TYPE
    assert detect_format("people.XLSX", None) == "xlsx"
    assert detect_format("upload", xlsx) == "xlsx"
    assert detect_format("people.csv", "text/csv") == "csv"
    with pytest.raises(IntakeError) as unsupported:
        detect_format("people.xls", "application/vnd.ms-excel")
    assert (unsupported.value.status_code, unsupported.value.reason) == (415, "unsupported_format")
    with pytest.raises(IntakeError) as broken:
        parse(b"PK\x03\x04broken", kind="xlsx", municipality="Rapla vald")
    assert (broken.value.status_code, broken.value.reason) == (422, "not_xlsx")
    with pytest.raises(IntakeError) as binary:
        parse(b"a,b\n\x81\x9d\n", kind="csv", municipality="R")
    assert (binary.value.status_code, binary.value.reason) == (422, "not_text")


def test_the_column_of_each_field_an_error_names() -> None:
    assert sheets.column_of("contact.email") == "email"
    assert sheets.column_of("consent.purposes.0") == "consent_purposes"
    assert sheets.column_of("home.lat") == "lat"
    assert sheets.column_of("languages.1") == "languages"
    assert sheets.column_of("national_id") == "national_id"
    assert sheets.column_of("row") == ""

"""Spreadsheets as people have them: separators, encodings, BOMs, workbooks and Excel's dates."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from shared import spreadsheet
from shared.spreadsheet import UnreadableSheet, iso_date_text, read_csv, read_xlsx, sniff_delimiter

ROWS = [["Mägi", "Õun;Ülle", "1.2.2026"], ["Šmidt", "a,b", "31.12.2025"]]


def _csv(rows: list[list[str]], delimiter: str) -> str:
    return spreadsheet.csv_text(["name", "list", "day"], rows, delimiter=delimiter)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_every_separator_and_encoding_excel_writes_reads_the_same(
    delimiter: str, encoding: str
) -> None:
    sheet = read_csv(_csv(ROWS, delimiter).encode(encoding))
    assert sheet.header == ["name", "list", "day"]  # the BOM is not part of the first name
    assert sheet.rows == ROWS
    assert sheet.delimiter == delimiter
    assert sheet.encoding == ("cp1252" if encoding == "cp1252" else "utf-8-sig")


def test_windows_1252_is_only_the_fallback() -> None:
    text = "nimi;linn\r\nÕie;Tõrva\r\n"
    assert read_csv(text.encode("utf-8")).rows == [["Õie", "Tõrva"]]
    assert read_csv(text.encode("cp1252")).rows == [["Õie", "Tõrva"]]
    # UTF-8 read as cp1252 would give mojibake: the UTF-8 reading wins when it is valid
    assert "Ã" not in read_csv(text.encode("utf-8")).rows[0][0]


def test_excels_unicode_text_is_utf16_with_tabs() -> None:
    sheet = read_csv(_csv(ROWS, "\t").encode("utf-16"))  # with its BOM, as Excel saves it
    assert (sheet.header, sheet.rows, sheet.encoding, sheet.delimiter) == (
        ["name", "list", "day"], ROWS, "utf-16", "\t",
    )  # fmt: skip
    with pytest.raises(UnreadableSheet):
        read_csv(b"\xff\xfe\x00\xd8")  # a lone surrogate


def test_bytes_neither_encoding_has_are_refused() -> None:
    with pytest.raises(UnreadableSheet) as refused:
        read_csv(b"a,b\n\x81\x8d,\x9d\n")
    assert refused.value.reason == "not_text"


def test_a_separator_inside_quotes_does_not_decide() -> None:
    assert sniff_delimiter('"a;b;c;d",e,f\n1,2,3\n') == ","
    assert sniff_delimiter('a;"x,y,z";c\n') == ";"
    assert sniff_delimiter("only\n1\n") == ","


def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.create_sheet("second").append(["not", "read"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_first_sheet_of_a_workbook_as_text() -> None:
    data = _workbook(
        [
            ["id", "when", "day", "count", "ratio", "flag", None],
            [49001151239, datetime(2026, 1, 15, 9, 30), datetime(2026, 2, 1), 14.0, 58.25, True],
            [None, None, None, None, None, None],
            ["x", date(2025, 12, 31), "15.01.2026", 3, None, False, None],
        ]
    )
    assert spreadsheet.is_xlsx(data)
    sheet = read_xlsx(data)
    assert sheet.header == ["id", "when", "day", "count", "ratio", "flag"]
    assert sheet.rows == [
        ["49001151239", "2026-01-15T09:30:00", "2026-02-01", "14", "58.25", "true"],
        [],  # a blank row keeps its place, so the next row keeps its number
        ["x", "2025-12-31", "15.01.2026", "3", "", "false"],
    ]


def test_a_workbook_stops_after_the_rows_asked_for() -> None:
    data = _workbook([["a"]] + [[n] for n in range(10)])
    assert len(read_xlsx(data, max_rows=3).rows) == 4
    assert len(read_xlsx(data).rows) == 10


def test_a_broken_workbook_is_refused() -> None:
    with pytest.raises(UnreadableSheet) as refused:
        read_xlsx(b"PK\x03\x04 not really a zip")
    assert refused.value.reason == "not_xlsx"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("15.01.2026", "2026-01-15"),
        ("5.1.2026", "2026-01-05"),
        ("05.01.2026 9:30", "2026-01-05T09:30:00"),
        ("05.01.2026 09:30:15", "2026-01-05T09:30:15"),
        ("2026-01-15", "2026-01-15"),
        ("2026-01-15T09:30:00+02:00", "2026-01-15T09:30:00+02:00"),
        ("31.02.2026", "31.02.2026"),  # no such day: left for validation to name
        ("15.01.2026 25:00", "15.01.2026 25:00"),
        ("1/15/2026", "1/15/2026"),
    ],
)
def test_the_dates_excel_writes(text: str, iso: str) -> None:
    assert iso_date_text(text) == iso


def test_a_written_workbook_reads_back_with_dates_as_date_cells() -> None:
    data = spreadsheet.xlsx_bytes(
        ["figure", "value", "day", "groups"],
        [["a", 3, date(2026, 1, 2), ["x", "y"]], ["b", "<5", None, None]],
        title="indicators",
    )
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet is not None and sheet.title == "indicators"
    assert sheet["C2"].is_date
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["figure", "value", "day", "groups"],
        ["a", 3, datetime(2026, 1, 2), "x;y"],
        ["b", "<5", None, None],
    ]

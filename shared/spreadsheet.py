"""Spreadsheets as people have them: CSV in the encodings and separators Excel writes, and
.xlsx (the first sheet), read into rows of text; and tables written back as .xlsx or CSV.

Plumbing only: which columns mean what belongs to the services.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Literal

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
"""The content type of an .xlsx workbook."""
DELIMITERS = (",", ";", "\t")
"""The separators a CSV may use: `,`, `;` (Excel in Estonian and Finnish) or tab."""
ENCODINGS = ("utf-8-sig", "cp1252")
"""Tried in order: UTF-8 (with or without a byte-order mark), then Windows-1252 (Excel's
"CSV" in Western European Windows)."""
SheetKind = Literal["csv", "xlsx"]


class UnreadableSheet(ValueError):
    """The file is neither text in a known encoding nor an .xlsx workbook."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Sheet:
    """A table read from a file: the header's cells and each following row's cells, as text."""

    header: list[str]
    rows: list[list[str]]
    encoding: str = ""
    delimiter: str = ""


def is_xlsx(data: bytes) -> bool:
    """An .xlsx is a zip archive: it starts with the zip signature."""
    return data.startswith(b"PK\x03\x04")


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (a BOM stripped), else Windows-1252; and
    UTF-16 when its BOM starts the file (Excel's "Unicode text", tab-separated)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise UnreadableSheet("not_text", "the file is not valid UTF-16 text") from None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableSheet("not_text", "the file must be UTF-8 or Windows-1252 text")


def sniff_delimiter(text: str) -> str:
    """The separator of the header line: the most frequent of `,` `;` tab outside quotes."""
    line = _first_record(text)
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _first_record(text: str) -> str:
    """The header record, quoted parts left out (a quoted cell may hold any separator)."""
    outside, quoted = [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            if char in "\r\n":
                break
            outside.append(char)
    return "".join(outside)


def read_csv(data: bytes) -> Sheet:
    """A CSV file's rows, whatever its encoding (see ENCODINGS) and separator (DELIMITERS)."""
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = [h.strip() for h in records[0]] if records else []
    return Sheet(header, records[1:], encoding, delimiter)


MAX_COLUMNS = 200
"""Cells of an .xlsx row past this are not read (a sheet's dimension may claim thousands)."""


def read_xlsx(data: bytes, *, max_rows: int | None = None) -> Sheet:
    """The first sheet of a workbook; dates as ISO text, whole numbers without `.0`; at most
    `max_rows` + 1 data rows read (so a caller can tell that there were too many)."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableSheet("not_xlsx", "the file is not an .xlsx workbook") from exc
    records: list[list[str]] = []
    try:
        rows = book.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True)
        blank = filled = 0  # blank rows kept only when a filled one follows (they keep its number)
        for row in rows:
            cells = [cell_text(v) for v in row]
            if not any(cells):
                blank += 1
                continue
            records += [[] for _ in range(blank)] + [cells]
            blank, filled = 0, filled + 1
            if max_rows is not None and filled > max_rows + 1:
                break
    except (zipfile.BadZipFile, KeyError, IndexError, OSError, ValueError) as exc:
        raise UnreadableSheet("not_xlsx", "the workbook's sheet cannot be read") from exc
    finally:
        book.close()
    first = records[0] if records else []
    header = [h.strip() for h in first[: _last_filled(first)]]
    return Sheet(header, [r[: max(len(header), _last_filled(r))] for r in records[1:]], "xlsx")


def _last_filled(row: list[str]) -> int:
    """The length of the row without its trailing empty cells."""
    n = len(row)
    while n and not row[n - 1]:
        n -= 1
    return n


def read(data: bytes, kind: SheetKind, *, max_rows: int | None = None) -> Sheet:
    """A CSV's or an .xlsx workbook's rows."""
    return read_xlsx(data, max_rows=max_rows) if kind == "xlsx" else read_csv(data)


def cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_DOTTED = re.compile(
    r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)


def iso_date_text(text: str) -> str:
    """A date as Excel writes it (`dd.mm.yyyy`, `d.m.yyyy`, optionally `hh:mm[:ss]` after it)
    as ISO 8601 text; ISO text and anything else unchanged (validation names what is wrong)."""
    found = _DOTTED.fullmatch(text.strip())
    if found is None:
        return text
    try:
        day = date(int(found["y"]), int(found["m"]), int(found["d"]))
    except ValueError:
        return text
    if found["H"] is None:
        return day.isoformat()
    try:
        moment = time(int(found["H"]), int(found["M"]), int(found["S"] or 0))
    except ValueError:
        return text
    return datetime.combine(day, moment).isoformat()


def xlsx_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str = "") -> bytes:
    """A one-sheet workbook: the header row, then the rows (dates as date cells)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(title or "Sheet1")[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    """What a workbook cell can hold: lists joined by `;`, other objects as text."""
    if value is None or isinstance(value, str | int | float | bool | date):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return ";".join(str(v) for v in value)
    return str(value)


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]], *, delimiter: str = ",") -> str:
    """A CSV (`,`-separated unless told, `\\n` line ends) of the header and rows."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_csv_cell(v) for v in row] for row in rows])
    return out.getvalue()


def _csv_cell(value: Any) -> Any:
    cell = _cell(value)
    return cell.isoformat() if isinstance(cell, date) else cell

"""A clerk's spreadsheet (CSV or .xlsx): the preview with the problems a clerk can fix before
sending, and the service's per-row errors named by column and row as the clerk's sheet counts
them. The sheet is read as intake reads it (`shared/spreadsheet.py`: `,` `;` or tab, UTF-8 with
or without BOM else Windows-1252, the first sheet of a workbook)."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared import spreadsheet

REQUIRED_COLUMNS = ("national_id", "given_name", "family_name", "labour_market_status",
                    "consent_purposes", "consent_given_at", "consent_recorded_by")  # fmt: skip
NESTED = {"contact.phone": "phone", "contact.email": "email", "home.postal_code": "postal_code",
          "home.lat": "lat", "home.lon": "lon", "consent.purposes": "consent_purposes",
          "consent.given_at": "consent_given_at", "consent.recorded_by": "consent_recorded_by"}  # fmt: skip
PREVIEW_ROWS = 5
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """One thing wrong: the sheet's row (the header is row 1), the column, a message code."""

    row: int
    column: str
    code: str


@dataclass
class Preview:
    """What the clerk sees before confirming."""

    columns: list[str]
    rows: list[list[str]]
    count: int
    problems: list[Problem] = field(default_factory=list)


def kind_of(filename: str | None, data: bytes) -> spreadsheet.SheetKind:
    """A workbook (by its zip signature or its name) or CSV text."""
    xlsx = spreadsheet.is_xlsx(data) or (filename or "").lower().endswith(".xlsx")
    return "xlsx" if xlsx else "csv"


def content_type(kind: spreadsheet.SheetKind) -> str:
    """The content type the file is sent to intake with."""
    return spreadsheet.XLSX_TYPE if kind == "xlsx" else "text/csv"


def read(data: bytes, kind: spreadsheet.SheetKind) -> spreadsheet.Sheet | None:
    """The sheet, or None when it is neither text nor a workbook."""
    try:
        return spreadsheet.read(data, kind)
    except spreadsheet.UnreadableSheet:
        return None


def preview(sheet: spreadsheet.Sheet) -> Preview:
    """The header, the first rows, the row count and the problems found without the service."""
    header = sheet.header
    found = Preview(columns=header, rows=[], count=0)
    found.problems += [Problem(1, c, "column_missing") for c in REQUIRED_COLUMNS if c not in header]
    required = [(i, c) for i, c in enumerate(header) if c in REQUIRED_COLUMNS]
    for n, cells in enumerate(sheet.rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        found.count += 1
        if len(found.rows) < PREVIEW_ROWS:
            found.rows.append(cells)
        if len(cells) > len(header):
            found.problems.append(Problem(n, "", "too_many_cells"))
        found.problems += [
            Problem(n, c, "missing") for i, c in required if i >= len(cells) or not cells[i].strip()
        ]
    return found


def column_of(field_name: str) -> str:
    """The sheet's column of a field the service names (`consent.purposes` → `consent_purposes`)."""
    name = field_name.removeprefix("body.")
    if name in NESTED:
        return NESTED[name]
    head = name.split(".")[0]
    return NESTED.get(".".join(name.split(".")[:2]), head)


def sheet_row(service_row: int) -> int:
    """The service counts data rows from 1; the clerk's sheet counts the header as row 1."""
    return service_row + 1

"""A clerk's spreadsheet (CSV): the preview with the problems a clerk can fix before sending,
and the service's per-row errors named by column and row as the clerk's sheet counts them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

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


def decode(data: bytes) -> str | None:
    """The file's text (UTF-8, with or without BOM, else Windows-1252 as Excel writes it)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def preview(text: str) -> Preview:
    """The header, the first rows, the row count and the problems found without the service."""
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    found = Preview(columns=header, rows=[], count=0)
    found.problems += [Problem(1, c, "column_missing") for c in REQUIRED_COLUMNS if c not in header]
    required = [(i, c) for i, c in enumerate(header) if c in REQUIRED_COLUMNS]
    for n, cells in enumerate(reader, start=2):
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

"""A batch upload's sheet (CSV or .xlsx) as intake bodies: its columns, how a cell becomes a
value, and the template that documents them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from shared import spreadsheet

LIST_SEPARATOR = ";"
LOCAL_ZONE = ZoneInfo("Europe/Tallinn")
"""A date or time in a sheet without a zone is Estonian (= Finnish) local time."""
_LIST_COLUMNS = {"languages", "risk_groups", "skills", "interests", "accessibility_needs"}
_DECIMAL_COLUMNS = {"lat", "lon", "max_travel_km"}
_DATE_COLUMNS = {"consent_given_at"}
_NESTED = {
    "phone": ("contact", "phone"),
    "email": ("contact", "email"),
    "postal_code": ("home", "postal_code"),
    "lat": ("home", "lat"),
    "lon": ("home", "lon"),
    "consent_purposes": ("consent", "purposes"),
    "consent_given_at": ("consent", "given_at"),
    "consent_recorded_by": ("consent", "recorded_by"),
}
TEMPLATE: list[tuple[str, Any, str]] = [
    ("national_id", "49001151239", "Estonian isikukood or Finnish henkilötunnus (required)"),
    ("given_name", "Aino", "required"),
    ("family_name", "Tamm", "required"),
    ("phone", "+372 5555 0101", ""),
    ("email", "aino.tamm@example.org", ""),
    ("languages", "et;ru", "ISO 639-1 codes, separated by ;"),
    ("risk_groups", "long_term_unemployed", "separated by ;"),
    (
        "labour_market_status",
        "long_term_unemployed",
        "unemployed, long_term_unemployed, inactive or employed (required)",
    ),
    ("months_unemployed", 14, "whole months"),
    ("in_education_or_training", "false", "true or false"),
    ("isced_level", 3, "0 to 8"),
    ("skills", "customer service", "separated by ;"),
    ("interests", "", "separated by ;"),
    ("postal_code", "50090", "five digits"),
    ("lat", "", "decimal degrees (a decimal comma is read too)"),
    ("lon", "", "decimal degrees"),
    ("availability_hours", 20, "hours a week, 0 to 60"),
    ("transport", "public", "public, car, bicycle or none"),
    ("max_travel_km", 25, "kilometres"),
    ("telework_ready", "false", "true or false"),
    ("accessibility_needs", "", "separated by ;"),
    ("special_categories_refused", "false", "true or false"),
    ("consent_purposes", "case_management;matching;reporting", "separated by ; (required)"),
    (
        "consent_given_at",
        datetime(2026, 1, 15, 9, 30),
        "dd.mm.yyyy [hh:mm], d.m.yyyy, ISO 8601 or a date cell; local time (required)",
    ),
    ("consent_recorded_by", "Tartu social services", "who recorded the consent (required)"),
]
"""Every column of a sheet upload, an example value and what it takes."""


def records(sheet: spreadsheet.Sheet) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Each non-blank data row (numbered from 1, the header not counted) as a body, or why not."""
    width = len(sheet.header)
    for number, cells in enumerate(sheet.rows, start=1):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > width:
            yield number, "the row has more cells than the header"
            continue
        yield number, record_to_body(dict(zip(sheet.header, cells, strict=False)))


def record_to_body(record: dict[str, str | None]) -> dict[str, Any]:
    """A flat record as an intake body: nested groups, `;`-separated lists, blanks left out,
    Excel's dates as ISO date-times, decimal commas as points."""
    body: dict[str, Any] = {}
    for column, cell in record.items():
        value = (cell or "").strip()
        if not value:
            continue
        parsed: Any = value
        if column in _LIST_COLUMNS or column == "consent_purposes":
            parsed = [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
        elif column in _DECIMAL_COLUMNS:
            parsed = value.replace(",", ".")
        elif column in _DATE_COLUMNS:
            parsed = local_date_time(value)
        elif column == "postal_code" and value.isdigit() and len(value) < 5:
            parsed = value.zfill(5)  # a number cell loses Finland's leading zeros (00100)
        if column in _NESTED:
            group, key = _NESTED[column]
            body.setdefault(group, {})[key] = parsed
        else:
            body[column] = parsed
    return body


_COLUMN_OF = {f"{group}.{key}": column for column, (group, key) in _NESTED.items()}


def column_of(field: str) -> str:
    """The sheet's column of a field an error names (`contact.email` → `email`,
    `languages.1` → `languages`); none for the whole row."""
    if field == "row":
        return ""
    parts = field.split(".")
    return _COLUMN_OF.get(".".join(parts[:2]), parts[0])


def local_date_time(text: str) -> str:
    """A sheet's date or date-time as ISO text with a zone (LOCAL_ZONE when it has none)."""
    iso = spreadsheet.iso_date_text(text)
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return text  # validation names what is wrong with it
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_ZONE)
    return moment.isoformat()


def template_csv() -> bytes:
    """The template as Excel in Estonian or Finnish reads it: UTF-8 with a BOM, `;`-separated."""
    header = [c for c, _, _ in TEMPLATE]
    example = [
        v.strftime("%d.%m.%Y %H:%M") if isinstance(v, datetime) else v for _, v, _ in TEMPLATE
    ]
    text = spreadsheet.csv_text(header, [example], delimiter=";")
    return ("\ufeff" + text).encode("utf-8")


def template_xlsx() -> bytes:
    """The template as a workbook: the header row and one example row (the date as a date cell)."""
    header = [c for c, _, _ in TEMPLATE]
    return spreadsheet.xlsx_bytes(header, [[v for _, v, _ in TEMPLATE]], title="participants")

"""The ESF participant-level file: one row per participant with the fields the common
indicators are computed from, and no more (pseudonymous id, bands instead of ages, the
disadvantage flags the indicators ask for instead of the risk groups)."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.reporting.domain.esf import sex_of
from services.reporting.domain.record import (
    ParticipantRecord,
    is_long_term_unemployed,
    is_other_disadvantaged,
    last_labour_market_situation,
)
from services.reporting.settings import ReportingSettings

COLUMNS = (
    "participant_id",
    "sex",
    "age_band_at_entry",
    "labour_market_status_at_entry",
    "in_education_or_training_at_entry",
    "isced_level",
    "disability",
    "migrant_or_minority",
    "other_disadvantaged",
    "entry_date",
    "leaving_date",
    "result_on_leaving",
    "result_six_months_after",
)
"""The file's columns, in order."""

NOT_REPORTED = "not_reported"
"""A special-category flag of a participant who refused to give that data (never guessed)."""


def age_band_at_entry(age: int | None) -> str:
    """The bands every ESF and ESF+ age indicator is a union of: <18, 18-24, 25-29, 30-54, 55+."""
    if age is None:
        return "unknown"
    for upper, band in ((18, "<18"), (25, "18-24"), (30, "25-29"), (55, "30-54")):
        if age < upper:
            return band
    return "55+"


def labour_market_status(record: ParticipantRecord, settings: ReportingSettings) -> str:
    """Exactly one status at entry; long-term unemployment by the ESF thresholds (settings)."""
    if record.unemployed_at_entry:
        long_term = is_long_term_unemployed(record, settings)
        return "long_term_unemployed" if long_term else "unemployed"
    return "employed" if record.employed_at_entry else "inactive"


def _flag(record: ParticipantRecord, held: bool) -> str:
    if record.special_categories_refused:
        return NOT_REPORTED
    return "yes" if held else "no"


def result_on_leaving(record: ParticipantRecord, settings: ReportingSettings) -> str:
    """The situation upon leaving: the last labour-market event in the window (ESF+: only the
    last counts, e.g. hired after leaving as job searching), else the exit's own outcome."""
    if record.exited_on is None:
        return ""
    return last_labour_market_situation(record, settings) or record.exit_outcome or ""


def participant_row(record: ParticipantRecord, settings: ReportingSettings) -> dict[str, Any]:
    """One participant's row (dates as dates; blanks as empty text)."""
    groups = record.risk_groups
    return {
        "participant_id": str(record.participant_id),
        "sex": sex_of(record.sex),
        "age_band_at_entry": age_band_at_entry(record.age_at_entry),
        "labour_market_status_at_entry": labour_market_status(record, settings),
        "in_education_or_training_at_entry": "yes" if record.in_education_at_entry else "no",
        "isced_level": "" if record.isced_level is None else record.isced_level,
        "disability": _flag(record, "disability" in groups),
        "migrant_or_minority": _flag(record, "migrant_or_minority" in groups),
        "other_disadvantaged": _flag(record, is_other_disadvantaged(record, settings)),
        "entry_date": record.registered_on,
        "leaving_date": record.exited_on or "",
        "result_on_leaving": result_on_leaving(record, settings),
        "result_six_months_after": record.follow_up_outcome or "",
    }


def participant_rows(
    records: list[ParticipantRecord], settings: ReportingSettings
) -> list[dict[str, Any]]:
    """Every participant's row, by entry date then id."""
    ordered = sorted(records, key=lambda r: (r.registered_on, str(r.participant_id)))
    return [participant_row(r, settings) for r in ordered]


def as_json(row: dict[str, Any]) -> dict[str, Any]:
    """A row with its dates as ISO text."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}

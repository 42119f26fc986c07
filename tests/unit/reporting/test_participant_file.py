"""The ESF participant-level file's rules: bands, one status at entry, flags only as the
indicators need them (refusals 'not_reported'), the last labour-market event upon leaving."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest

from services.reporting.domain.participant_file import (
    COLUMNS,
    age_band_at_entry,
    as_json,
    participant_row,
    participant_rows,
)
from services.reporting.domain.record import ParticipantRecord, Placement
from services.reporting.settings import ReportingSettings

SETTINGS = ReportingSettings()
ENTRY, EXIT = date(2025, 1, 6), date(2025, 6, 30)


@pytest.mark.parametrize(
    ("age", "band"),
    [(None, "unknown"), (15, "<18"), (17, "<18"), (18, "18-24"), (24, "18-24"), (25, "25-29"),
     (29, "25-29"), (30, "30-54"), (54, "30-54"), (55, "55+"), (80, "55+")],
)  # fmt: skip
def test_age_bands_are_the_unions_every_indicator_needs(age: int | None, band: str) -> None:
    assert age_band_at_entry(age) == band


def _record(**given: object) -> ParticipantRecord:
    fields: dict[str, object] = {
        "participant_id": uuid4(),
        "registered_on": ENTRY,
        "age_at_entry": 30,
    }
    return ParticipantRecord(**(fields | given))  # type: ignore[arg-type]


def test_long_term_unemployment_follows_the_thresholds_by_age() -> None:
    status = "labour_market_status_at_entry"
    young = _record(age_at_entry=24, status_at_entry="unemployed", months_unemployed=7)
    older = _record(age_at_entry=25, status_at_entry="long_term_unemployed", months_unemployed=12)
    assert participant_row(young, SETTINGS)[status] == "long_term_unemployed"
    assert participant_row(older, SETTINGS)[status] == "unemployed"  # 25+: more than 12
    strict = ReportingSettings(long_term_months_under_25=12)
    assert participant_row(young, strict)[status] == "unemployed"


def test_flags_are_the_indicators_not_the_risk_groups() -> None:
    row = participant_row(
        _record(risk_groups=frozenset({"addiction_recovery", "disability"})), SETTINGS
    )
    assert (row["disability"], row["migrant_or_minority"], row["other_disadvantaged"]) == (
        "yes", "no", "yes",
    )  # fmt: skip
    assert "addiction_recovery" not in str(row.values())
    refused = participant_row(
        _record(risk_groups=frozenset({"disability"}), special_categories_refused=True), SETTINGS
    )
    assert {refused[c] for c in ("disability", "migrant_or_minority", "other_disadvantaged")} == {
        "not_reported"
    }
    low = _record(risk_groups=frozenset({"low_skills"}))
    assert participant_row(low, SETTINGS)["other_disadvantaged"] == "no"
    lows = ReportingSettings(low_skills_disadvantaged=True)
    assert participant_row(low, lows)["other_disadvantaged"] == "yes"


def test_the_last_labour_market_event_upon_leaving_is_the_result() -> None:
    hired = Placement(uuid4(), None, date(2025, 3, 1), date(2025, 7, 14), "hired")
    late = Placement(uuid4(), None, date(2025, 3, 1), date(2025, 9, 1), "hired")
    searching = dict(exited_on=EXIT, exit_outcome="job_searching")
    assert participant_row(_record(**searching, placements=(hired,)), SETTINGS)[
        "result_on_leaving"
    ] == "employed"  # fmt: skip
    assert participant_row(_record(**searching, placements=(late,)), SETTINGS)[
        "result_on_leaving"
    ] == "job_searching"  # fmt: skip
    left_inactive = participant_row(_record(exited_on=EXIT, exit_outcome="inactive"), SETTINGS)
    assert left_inactive["result_on_leaving"] == "inactive"
    staying = participant_row(_record(), SETTINGS)
    assert (staying["leaving_date"], staying["result_on_leaving"]) == ("", "")
    assert staying["result_six_months_after"] == ""


def test_rows_are_ordered_by_entry_with_every_column_and_json_dates() -> None:
    later = _record(registered_on=date(2025, 2, 1), sex="female", isced_level=0)
    first = _record(sex="x", exited_on=EXIT, exit_outcome="employed", follow_up_outcome="employed")
    rows = participant_rows([later, first], SETTINGS)
    assert [UUID(r["participant_id"]) for r in rows] == [first.participant_id, later.participant_id]
    assert all(tuple(r) == COLUMNS for r in rows)
    assert (rows[0]["sex"], rows[1]["sex"], rows[1]["isced_level"]) == ("unknown", "female", 0)
    assert as_json(rows[0])["entry_date"] == "2025-01-06"
    assert as_json(rows[0])["leaving_date"] == "2025-06-30"
    assert as_json(rows[1])["leaving_date"] == ""

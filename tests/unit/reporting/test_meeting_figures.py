"""Meetings as reported: held and cancelled by month and kind, the participants' no-show rate."""

from services.reporting.domain.meetings import MonthCounts, meeting_table, no_show_rate
from services.reporting.domain.privacy import suppress_row


def test_the_no_show_rate_is_over_recorded_participant_attendance() -> None:
    assert no_show_rate(present=2, excused=1, no_show=1) == 0.25
    assert no_show_rate(0, 0, 0) is None
    assert no_show_rate(0, 0, 3) == 1.0


def test_rows_by_month_then_kind() -> None:
    rows = meeting_table([
        MonthCounts("2026-03", "team_meeting", 2, 1, 1, 0, 0, 0),
        MonthCounts("2026-02", "participant_meeting", 4, 3, 1, 1, 0, 2),
        MonthCounts("2026-03", "participant_meeting", 1, 0, 0, 0, 0, 0),
    ])  # fmt: skip
    assert [(r["month"], r["kind"]) for r in rows] == [
        ("2026-02", "participant_meeting"), ("2026-03", "participant_meeting"),
        ("2026-03", "team_meeting"),
    ]  # fmt: skip
    assert rows[0]["no_show_rate"] == round(2 / 3, 3) and rows[0]["held"] == 3
    assert rows[2]["no_show_rate"] is None


def test_a_small_no_show_count_hides_its_rate_outside_the_network() -> None:
    [row] = meeting_table([MonthCounts("2026-02", "participant_meeting", 9, 9, 0, 6, 1, 2)])
    people = {"participant_present", "participant_excused", "participant_no_show"}
    shown = suppress_row(row, people)
    assert shown["participant_no_show"] == "<5" and shown["no_show_rate"] != row["no_show_rate"]
    assert shown["participant_present"] == 6

"""The six-month follow-up as reported: a withdrawal of follow-up consent makes it unknown."""

import pytest

from services.reporting.domain.follow_ups import (
    STATUSES,
    follow_up_status,
    follow_up_table,
    stops_follow_up,
)


@pytest.mark.parametrize(
    ("purposes", "stops"),
    [(["follow_up"], True), ([], True), (["matching"], False), (["case_management"], False)],
)
def test_only_follow_up_consent_ends_follow_up_contact(purposes: list[str], stops: bool) -> None:
    assert stops_follow_up(purposes) is stops


def test_not_collected_counts_as_unknown_and_a_recorded_outcome_stands() -> None:
    assert follow_up_status(None, withdrawn=True) == "unknown"
    assert follow_up_status(None, withdrawn=False) == "pending"
    assert follow_up_status("employed", withdrawn=True) == "employed"


def test_the_table_shows_every_status_once() -> None:
    rows = follow_up_table([(None, True, 2), (None, False, 1), ("employed", True, 3),
                            ("employed", False, 1)])  # fmt: skip
    counts = {r["status"]: r["participants"] for r in rows}
    assert [r["status"] for r in rows] == list(STATUSES)
    assert counts["unknown"] == 2 and counts["pending"] == 1 and counts["employed"] == 4
    assert sum(counts.values()) == 7

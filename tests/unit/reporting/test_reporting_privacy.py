"""Small counts are suppressed in exports for outside the network."""

from services.reporting.domain.privacy import SUPPRESSED, suppress, suppress_row, suppress_summary


def test_counts_between_one_and_four_are_suppressed() -> None:
    assert [suppress(n) for n in (0, 1, 4, 5, 120)] == [0, SUPPRESSED, SUPPRESSED, 5, 120]


def test_only_counts_of_people_are_suppressed() -> None:
    row = {"code": "CO01", "total": 3, "female": 0, "hours": 2, "male": 7}
    people = {"total", "female", "male"}
    assert suppress_row(row, people) == {
        "code": "CO01", "total": "<5", "female": 0, "hours": 2, "male": 7
    }  # fmt: skip


def test_what_is_derived_from_a_small_group_is_hidden_with_it() -> None:
    row = {"value": "female", "proposed": 3, "accepted": 2, "acceptance_rate": 0.667}
    assert suppress_row(row, {"proposed", "accepted"})["acceptance_rate"] == SUPPRESSED
    big = {"value": "male", "proposed": 30, "accepted": 20, "acceptance_rate": 0.667}
    assert suppress_row(big, {"proposed", "accepted"}) == big


def test_summary_hides_small_counts_and_averages_over_few_people() -> None:
    figures = {
        "participants_registered": 40,
        "waiting_list": 2,
        "participants_placed": 3,
        "average_days_to_first_placement": 12.5,
        "participants_employed": 9,
        "average_days_to_employment": 80.0,
        "open_seats": 1,
        "as_of": "2025-06-30",
    }
    assert suppress_summary(figures) == {
        **figures,
        "waiting_list": SUPPRESSED,
        "participants_placed": SUPPRESSED,
        "average_days_to_first_placement": SUPPRESSED,
    }

"""Small counts are suppressed in exports for outside the network."""

from services.reporting.domain.privacy import (
    HIDDEN,
    SUPPRESSED,
    complementary,
    suppress,
    suppress_row,
    suppress_summary,
)


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


def test_a_small_part_cannot_be_derived_from_its_total() -> None:
    # 56 - 47 - 5 = 4: with only the 4 hidden, the total gives it away; the 5 goes too
    row = {"code": "CO01", "total": 56, "female": 47, "male": 5, "non_binary": 4, "unknown": 0}
    sexes = ("female", "male", "non_binary", "unknown")
    out = suppress_row(row, {"total", *sexes}, totals={"total": sexes})
    assert out == {**row, "male": HIDDEN, "non_binary": SUPPRESSED}
    assert complementary({"female": 47, "male": 5, "non_binary": 4, "unknown": 0}) == ["male"]


def test_hidden_parts_together_are_no_small_group() -> None:
    # two '<5' cells summing to 3 would show a group of 3 (50 - 47): the next part goes too
    cells = {"female": 47, "male": 30, "non_binary": 2, "unknown": 1}
    assert complementary(cells) == ["male"]
    assert complementary({"female": 40, "male": 3, "non_binary": 4, "unknown": 0}) == []
    assert complementary({"female": 40, "male": 30, "non_binary": 0, "unknown": 0}) == []


def test_a_small_total_hides_everything_and_needs_no_complement() -> None:
    row = {"total": 4, "female": 3, "male": 1}
    out = suppress_row(row, {"total", "female", "male"}, totals={"total": ("female", "male")})
    assert out == {"total": SUPPRESSED, "female": SUPPRESSED, "male": SUPPRESSED}


def test_the_external_indicator_table_hides_the_complement() -> None:
    from services.reporting.service import external

    row = {"code": "CO01", "title": "t", "programme": "esf", "kind": "output", "total": 56,
           "female": 47, "male": 5, "non_binary": 4, "unknown": 0, "not_reported": None}  # fmt: skip
    [out] = external("indicators", [row], 5)
    assert (out["male"], out["non_binary"], out["total"]) == (HIDDEN, SUPPRESSED, 56)

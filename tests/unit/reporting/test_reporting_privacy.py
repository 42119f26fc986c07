"""Small counts are suppressed in exports for outside the network."""

from services.reporting.domain.privacy import SUPPRESSED, suppress, suppress_row


def test_counts_between_one_and_four_are_suppressed() -> None:
    assert [suppress(n) for n in (0, 1, 4, 5, 120)] == [0, SUPPRESSED, SUPPRESSED, 5, 120]


def test_only_counts_of_people_are_suppressed() -> None:
    row = {"code": "CO01", "total": 3, "female": 0, "hours": 2, "male": 7}
    assert suppress_row(row) == {"code": "CO01", "total": "<5", "female": 0, "hours": 2, "male": 7}

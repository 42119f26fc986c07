"""Age, age band, coarse coordinates and changed fields."""

from datetime import date

import pytest

from services.intake.domain import age_band, age_on, changed_fields, coarse


def test_age_counts_completed_years() -> None:
    assert age_on(date(2000, 6, 15), date(2025, 6, 14)) == 24
    assert age_on(date(2000, 6, 15), date(2025, 6, 15)) == 25


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (None, "unknown"),
        (16, "under_18"),
        (18, "18_24"),
        (24, "18_24"),
        (25, "25_29"),
        (29, "25_29"),
        (30, "30_54"),
        (54, "30_54"),
        (55, "55_plus"),
        (80, "55_plus"),
    ],
)
def test_age_bands_follow_esf_breaks(age: int | None, band: str) -> None:
    assert age_band(age) == band


def test_coordinates_are_rounded_to_about_a_kilometre() -> None:
    assert coarse(59.37734) == 59.38
    assert coarse(24.7931) == 24.79


def test_changed_fields_names_only_the_differences() -> None:
    old = {"languages": ["et"], "isced_level": 3, "transport": "public"}
    new = {"languages": ["et", "ru"], "isced_level": 3, "telework_ready": True}
    assert changed_fields(old, new) == ["languages", "telework_ready", "transport"]

"""ESF indicators: the worked examples of the reference file, and each rule's edges."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from services.reporting.domain.esf import all_indicators, indicator_table, membership
from services.reporting.domain.record import ParticipantRecord, Placement
from services.reporting.settings import ReportingSettings

SETTINGS = ReportingSettings()
ENTRY = date(2025, 1, 6)
EXIT = date(2025, 6, 30)
FOLLOW_UP = date(2025, 12, 30)
ESF_2014 = {"CO", "CR"}


def person(**fields: object) -> ParticipantRecord:
    """A participant record with the given characteristics."""
    base: dict[str, object] = {"participant_id": uuid4(), "registered_on": ENTRY}
    return ParticipantRecord(**{**base, **fields})  # type: ignore[arg-type]


def leaver(outcome: str, follow_up: str, **fields: object) -> ParticipantRecord:
    """A participant who left with `outcome` and was followed up with `follow_up`."""
    return person(
        exited_on=EXIT,
        exit_outcome=outcome,
        followed_up_on=FOLLOW_UP,
        follow_up_outcome=follow_up,
        **fields,
    )


WOMAN_23 = leaver(
    "employed", "employed", age_at_entry=23, status_at_entry="unemployed",
    months_unemployed=8, isced_level=2, sex="female",
)  # fmt: skip
MAN_57 = leaver(
    "job_searching", "inactive", age_at_entry=57, status_at_entry="inactive",
    isced_level=3, sex="male",
)  # fmt: skip
RELEASED_35 = leaver(
    "qualification_gained", "employed", age_at_entry=35, status_at_entry="unemployed",
    months_unemployed=10, isced_level=5, risk_groups=frozenset({"released_from_prison"}),
)  # fmt: skip
PART_TIMER_41 = leaver(
    "employed", "improved_situation", age_at_entry=41, status_at_entry="employed", isced_level=3
)
PUPIL_17 = leaver(
    "education_or_training", "education_or_training", age_at_entry=17,
    status_at_entry="inactive", in_education_at_entry=True, isced_level=2,
    special_categories_refused=True, risk_groups=frozenset({"disability"}),
)  # fmt: skip


def esf_2014(codes: set[str]) -> set[str]:
    return {c for c in codes if c[:2] in ESF_2014}


def esf_plus(codes: set[str]) -> set[str]:
    return {c for c in codes if c.startswith("EE")}


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (WOMAN_23, {"CO01", "CO02", "CO06", "CO09", "CR04", "CR06"}),
        (MAN_57, {"CO03", "CO04", "CO07", "CO08", "CO10", "CR01"}),
        (RELEASED_35, {"CO01", "CO11", "CO17", "CR02", "CR03", "CR05", "CR06", "CR09"}),
        (PART_TIMER_41, {"CO05", "CO10", "CR06", "CR07"}),
        (PUPIL_17, {"CO03", "CO06", "CO09", "CR02"}),
    ],
    ids=["woman-23", "man-57", "released-35", "part-timer-41", "pupil-17"],
)
def test_worked_examples_land_in_exactly_the_listed_2014_indicators(
    record: ParticipantRecord, expected: set[str]
) -> None:
    assert esf_2014(membership(record, SETTINGS)) == expected


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (WOMAN_23, {"EECO01", "EECO02", "EECO03", "EECO07", "EECO09", "EECR04", "EECR05"}),
        (MAN_57, {"EECO01", "EECO04", "EECO08", "EECO10", "EECR01"}),
        (PUPIL_17, {"EECO01", "EECO04", "EECO06", "EECO09", "EECR02"}),
    ],
    ids=["woman-23", "man-57", "pupil-17"],
)
def test_worked_examples_land_in_the_listed_esf_plus_indicators(
    record: ParticipantRecord, expected: set[str]
) -> None:
    assert esf_plus(membership(record, SETTINGS)) == expected


def test_refused_disability_is_not_reported_never_guessed() -> None:
    rows = {r["code"]: r for r in indicator_table([PUPIL_17, WOMAN_23], SETTINGS)}
    assert rows["CO16"]["total"] == 0 and rows["CO16"]["not_reported"] == 1
    assert rows["EECO12"]["not_reported"] == 1
    assert rows["CO01"]["not_reported"] is None


def test_gender_breakdown_sums_to_total() -> None:
    rows = {r["code"]: r for r in indicator_table([WOMAN_23, MAN_57, RELEASED_35], SETTINGS)}
    assert (rows["CO01"]["female"], rows["CO01"]["male"], rows["CO01"]["unknown"]) == (1, 0, 1)
    assert rows["EECO01"]["total"] == 3


def test_total_participants_is_the_sum_of_the_three_statuses() -> None:
    everyone = [WOMAN_23, MAN_57, RELEASED_35, PART_TIMER_41, PUPIL_17]
    rows = {r["code"]: r["total"] for r in indicator_table(everyone, SETTINGS)}
    assert rows["CO01"] + rows["CO03"] + rows["CO05"] == rows["EECO01"] == 5


@pytest.mark.parametrize(
    ("age", "months", "long_term"),
    [(24, 6, False), (24, 7, True), (25, 12, False), (25, 13, True), (None, 30, False)],
)
def test_long_term_unemployment_thresholds(age: int | None, months: int, long_term: bool) -> None:
    record = person(age_at_entry=age, status_at_entry="unemployed", months_unemployed=months)
    assert ("CO02" in membership(record, SETTINGS)) is long_term


def test_thresholds_are_settings() -> None:
    record = person(age_at_entry=30, status_at_entry="unemployed", months_unemployed=7)
    assert "CO02" in membership(record, ReportingSettings(long_term_months_25_plus=6))


def test_cr04_population_is_a_setting() -> None:
    assert "CR04" not in membership(PART_TIMER_41, SETTINGS)
    assert "CR04" in membership(PART_TIMER_41, ReportingSettings(cr04_population="all"))


def test_hire_on_exit_day_counts_only_when_set() -> None:
    hired = Placement(uuid4(), uuid4(), ENTRY, ended_on=EXIT, outcome="hired")
    record = leaver("job_searching", "not_reached", age_at_entry=40, status_at_entry="inactive",
                    placements=(hired,))  # fmt: skip
    assert {"EECR04"} <= membership(record, SETTINGS)
    assert "EECR01" not in membership(record, SETTINGS)  # only the last event counts in ESF+
    later = ReportingSettings(exit_day_counts=False)
    assert "EECR01" in membership(record, later) and "EECR04" not in membership(record, later)


def test_hire_after_the_window_is_not_upon_leaving() -> None:
    late = Placement(uuid4(), uuid4(), ENTRY, ended_on=date(2025, 8, 30), outcome="hired")
    record = leaver("job_searching", "employed", status_at_entry="unemployed", placements=(late,))
    assert "CR04" not in membership(record, SETTINGS)


def test_low_skills_is_disadvantaged_only_when_set() -> None:
    record = person(risk_groups=frozenset({"low_skills"}))
    assert "CO17" not in membership(record, SETTINGS)
    assert "CO17" in membership(record, ReportingSettings(low_skills_disadvantaged=True))


def test_above_54_in_employment_six_months_after() -> None:
    record = leaver("other", "self_employed", age_at_entry=55, status_at_entry="unemployed")
    assert {"CR08", "CR06", "CO07", "CO08"} <= membership(record, SETTINGS)


def test_every_indicator_has_a_unique_code_and_title() -> None:
    codes = [i.code for i in all_indicators()]
    assert len(codes) == len(set(codes)) == 41
    assert all(i.title for i in all_indicators())

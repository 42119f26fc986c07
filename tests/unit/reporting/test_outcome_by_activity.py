"""Outcome by activity, who took part, work-practice hours: the pure rules and what the
figure store keeps of them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

from services.reporting.domain import figures, layout, outcomes
from services.reporting.domain.contributions import ParticipantFacts, contribution
from services.reporting.domain.filters import ReportFilter
from services.reporting.domain.record import ParticipantRecord
from services.reporting.domain.snapshot import Activity, HoursLog, Snapshot, WorkPracticeHours
from services.reporting.settings import ReportingSettings

S = ReportingSettings()
ORG = uuid4()
LEFT = date(2025, 6, 30)


def leaver(outcome: str | None = "employed", follow_up: str | None = None) -> ParticipantRecord:
    return ParticipantRecord(
        uuid4(), date(2025, 1, 2), municipality="Rapla vald", case_opened_on=date(2025, 1, 2),
        exited_on=None if outcome is None else LEFT, exit_outcome=outcome,
        followed_up_on=None if follow_up is None else date(2025, 12, 30),
        follow_up_outcome=follow_up,
    )  # fmt: skip


def act(who: UUID, kind: str, status: str) -> Activity:
    return Activity(who, kind, status, ORG, date(2025, 3, 1))


def test_took_part_means_the_activity_started() -> None:
    who = uuid4()
    assert [outcomes.took_part(act(who, "other", s)) for s in
            ("planned", "in_progress", "completed", "dropped")] == [False, True, True, True]  # fmt: skip


def test_of_those_on_vocational_training_how_many_were_employed() -> None:
    employed, studying, later = (
        leaver(),
        leaver("education_or_training"),
        leaver("job_searching", "employed"),
    )
    still = leaver(None)
    acts = [
        act(employed.participant_id, "vocational_training", "completed"),
        act(employed.participant_id, "vocational_training", "dropped"),  # one person once
        act(studying.participant_id, "vocational_training", "in_progress"),
        act(studying.participant_id, "job_search", "planned"),  # planned: not taken part
        act(later.participant_id, "job_search", "completed"),
        act(still.participant_id, "job_search", "completed"),  # not left: not in the cohort
    ]
    rows = outcomes.outcome_rows([employed, studying, later], acts, S)
    assert rows == [
        {"activity_type": "job_search", "participants": 1, "employed_on_leaving": 0,
         "in_education_on_leaving": 0, "employed_six_months_after": 1},
        {"activity_type": "vocational_training", "participants": 2, "employed_on_leaving": 1,
         "in_education_on_leaving": 1, "employed_six_months_after": 0},
    ]  # fmt: skip
    snap = Snapshot(participants=[employed, studying, later, still], activities=acts)
    assert figures.activity_outcome_rows(snap, ReportFilter(start=date(2025, 7, 1)), S) == []


def test_a_qualification_counts_as_education_on_leaving_as_the_setting_says() -> None:
    r = leaver("qualification_gained")
    assert outcomes.in_education_on_leaving(r, S)
    assert not outcomes.in_education_on_leaving(
        r, ReportingSettings(qualification_counts_as_education=False)
    )


def test_the_store_keeps_one_outcome_entry_per_type_taken_part_in_on_the_exit_day() -> None:
    r = leaver("employed", "employed")
    acts = [act(r.participant_id, t, s) for t, s in
            (("work_practice", "completed"), ("work_practice", "in_progress"),
             ("coaching_session", "planned"))]  # fmt: skip
    got = contribution(ParticipantFacts(r.participant_id, r, acts), S)
    found = [e for e in got.entries if e.figure == layout.ACTIVITY_OUTCOME]
    assert [(e.k, e.on, e.n, e.x1, e.x2) for e in found] == [("work_practice", LEFT, 1, 0, 1)]
    assert layout.flag_names(found[0].flags) == ["employed_on_leaving"]


def test_planned_hours_count_and_work_practice_hours_count_once_beside_them() -> None:
    r = leaver(None)
    planned = act(r.participant_id, "work_practice", "planned")
    hours = [HoursLog(r.participant_id, "work_practice", ORG, 2.5, date(2025, 3, 2))]
    practice = [WorkPracticeHours(r.participant_id, ORG, 6.0, date(2025, 3, 3)),
                WorkPracticeHours(r.participant_id, ORG, 1.25, date(2025, 3, 4))]  # fmt: skip
    snap = Snapshot(participants=[r], activities=[planned], hours=hours, placement_hours=practice)
    key = figures.key_figures(snap, ReportFilter(), S, date(2025, 4, 1))
    assert (key["activity_hours"], key["work_practice_hours"], key["hours_total"]) == (
        2.5,
        7.25,
        9.75,
    )
    rows = figures.activity_rows(snap, ReportFilter())
    assert rows == [{"activity_type": "work_practice", "participants": 0, "completed": 0,
                     "hours": 2.5}]  # fmt: skip
    facts = ParticipantFacts(r.participant_id, r, [planned], hours, work_practice=practice)
    stored = [e for e in contribution(facts, S).entries if e.figure == layout.WORK_PRACTICE_HOURS]
    assert sorted((e.on, e.hours) for e in stored) == [
        (date(2025, 3, 3), Decimal("6.0")),
        (date(2025, 3, 4), Decimal("1.25")),
    ]

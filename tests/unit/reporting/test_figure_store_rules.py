"""The figure store's pure parts: periods as buckets, spans of a rule, contributions."""

from __future__ import annotations

import random
from datetime import date, timedelta
from uuid import uuid4

import pytest

from services.reporting.domain import figures, layout
from services.reporting.domain.contributions import ParticipantFacts, contribution, runs
from services.reporting.domain.periods import BucketRange, bucket_ranges
from services.reporting.domain.record import ParticipantRecord
from services.reporting.settings import ReportingSettings


def days_of(r: BucketRange) -> list[date]:
    """Every day the buckets of a range hold."""
    out, day = [], r.first
    last_day = {"d": r.last, "m": (r.last + timedelta(days=31)).replace(day=1),
                "y": date(r.last.year + 1, 1, 1)}[r.grain]  # fmt: skip
    while day < last_day or (r.grain == "d" and day == last_day):
        out.append(day)
        day += timedelta(days=1)
    return out


@pytest.mark.parametrize("by_month", [False, True])
def test_buckets_cover_each_day_of_the_period_exactly_once(by_month: bool) -> None:
    rng = random.Random(3)
    for _ in range(500):
        lo = date(2023, 11, 1) + timedelta(days=rng.randint(0, 1200))
        hi = lo + timedelta(days=rng.randint(-2, 900))
        got = sorted(d for r in bucket_ranges(lo, hi, by_month=by_month) for d in days_of(r))
        assert got == [lo + timedelta(days=i) for i in range((hi - lo).days + 1)]
        assert not by_month or all(r.grain != "y" for r in bucket_ranges(lo, hi, by_month=True))


def test_an_unbounded_period_is_whole_years() -> None:
    assert bucket_ranges(None, None) == [BucketRange("y", date.min, date(9999, 1, 1))]
    assert [r.grain for r in bucket_ranges(None, date(2025, 3, 15))] == ["y", "m", "d"]


def test_runs_are_the_days_a_rule_holds() -> None:
    opened, left, back = date(2025, 1, 10), date(2025, 3, 1), date(2025, 5, 1)
    assert runs(lambda d: opened <= d < left or d >= back, [opened, left, back]) == [
        (opened, left), (back, None)
    ]  # fmt: skip
    assert runs(lambda d: True, []) == [(date.min, None)]
    assert runs(lambda d: d != opened, [opened]) == [
        (date.min, opened), (opened + timedelta(days=1), None)
    ]  # fmt: skip


def test_active_and_waiting_spans_follow_the_predicates_on_every_day() -> None:
    start = date(2025, 1, 1)
    rng = random.Random(8)
    for _ in range(200):
        day = lambda: start + timedelta(days=rng.randint(0, 40))  # noqa: E731
        p = ParticipantRecord(uuid4(), start, case_opened_on=day(), exited_on=day(),
                              exit_outcome="other", waitlisted_on=day(), assigned_on=day(),
                              support_worker_id=uuid4())  # fmt: skip
        c = contribution(ParticipantFacts(p.participant_id, p), ReportingSettings())
        for offset in range(-2, 45):
            d = start + timedelta(days=offset)
            active = sum(e.n for e in c.entries if e.figure == layout.ACTIVE and e.on <= d)
            assert active == figures.is_active(p, d)
            waiting = any(a <= d and (b is None or d < b) for a, b in c.waiting)
            assert waiting == figures.is_waiting(p, d)

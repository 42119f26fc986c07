"""Sums over one population's stored entries (an organisation with a municipality or risk
group, which has no cube): the day totals answer each ask as the organisation's cube would."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

from services.reporting.domain import layout
from services.reporting.domain.contributions import Entry
from services.reporting.domain.sums import (
    Ask,
    DayTotal,
    Placed,
    Tally,
    by_k,
    cube_delta,
    sums_of_days,
)

ORG, ELSEWHERE = uuid4(), uuid4()


def random_entries(rng: random.Random, count: int) -> list[Entry]:
    start = date(2024, 11, 20)
    return [
        Entry(
            figure=rng.choice([layout.ENTRY, layout.HOURS]),
            on=start + timedelta(days=rng.randint(0, 500)),
            k=rng.choice(["female", "male"]),
            at_org=rng.choice([ORG, ELSEWHERE]),
            n=rng.choice([1, 1, 2, -1]),
            flags=rng.choice(
                [0, layout.BIT["placed"], layout.BIT["placed"] | layout.BIT["employed"]]
            ),
            x1=rng.randint(0, 90),
            hours=Decimal(rng.randint(0, 40)) / 4,
        )
        for _ in range(count)
    ]


def day_totals(entries: list[Entry]) -> dict[str, list[DayTotal]]:
    """What `population_days` reads: entries summed per figure, k, day, here and flags."""
    acc: dict[tuple[str, str, date, bool, int], list[int | Decimal]] = defaultdict(
        lambda: [0, 0, 0, Decimal(0)]
    )
    for e in entries:
        a = acc[(e.figure, e.k, e.on, e.at_org == ORG, e.flags)]
        a[0], a[1], a[2], a[3] = a[0] + e.n, a[1] + e.x1, a[2] + e.x2, a[3] + e.hours
    out: dict[str, list[DayTotal]] = defaultdict(list)
    for (figure, k, on, here, flags), (n, x1, x2, hours) in acc.items():
        out[figure].append((k, on, here, flags, int(n), int(x1), int(x2), Decimal(hours)))
    return out


def from_org_cube(entries: list[Entry], ask: Ask) -> dict[str, Tally]:
    """The same ask summed from the organisation's cube (its day buckets), per k."""
    placed = [Placed(e, "Kaustinen", 0, frozenset({ORG})) for e in entries]
    out: dict[str, Tally] = {}
    lo, hi = ask.lo or date.min, ask.hi or date.max
    for (_, figure, grain, bucket, k, here), tally in cube_delta([], placed).org_cube.items():
        if grain == "d" and figure == ask.figure and lo <= bucket <= hi and (here or not ask.here):
            out.setdefault(k, Tally()).add(tally)
    return {k: t for k, t in out.items() if not t.is_zero()}


def test_day_totals_answer_every_ask_as_the_organisation_cube_does() -> None:
    rng = random.Random(8)
    entries = random_entries(rng, 400)
    days = day_totals(entries)
    for _ in range(200):
        lo = date(2024, 11, 1) + timedelta(days=rng.randint(0, 560))
        ask = Ask(
            rng.choice([layout.ENTRY, layout.HOURS]),
            rng.choice([None, lo]),
            rng.choice([None, lo + timedelta(days=rng.randint(-3, 300))]),
            by_month=rng.random() < 0.5,
            here=rng.random() < 0.5,
        )
        got = {
            k: t for k, t in by_k(sums_of_days(days[ask.figure], ask)).items() if not t.is_zero()
        }
        assert got == from_org_cube(entries, ask), ask


def test_by_month_groups_on_the_first_of_the_month_and_an_empty_period_has_nothing() -> None:
    days: list[DayTotal] = [
        ("female", date(2025, 3, 4), True, layout.BIT["placed"], 2, 10, 0, Decimal("1.5")),
        ("female", date(2025, 3, 28), False, 0, 1, 0, 0, Decimal(0)),
        ("male", date(2025, 4, 1), True, 0, 1, 0, 0, Decimal("2.25")),
    ]
    sums = sums_of_days(days, Ask(layout.ENTRY, date(2025, 3, 1), None, by_month=True))
    assert set(sums) == {("female", date(2025, 3, 1)), ("male", date(2025, 4, 1))}
    march = sums[("female", date(2025, 3, 1))]
    assert (march.n, march.x1, march.hours, march.flags["placed"]) == (3, 10, Decimal("1.5"), 2)
    here = sums_of_days(days, Ask(layout.ENTRY, None, None, here=True))
    assert {k: t.n for (k, _), t in here.items()} == {"female": 2, "male": 1}
    assert sums_of_days(days, Ask(layout.ENTRY, date(2025, 5, 1), date(2025, 4, 30))) == {}

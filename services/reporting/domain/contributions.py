"""What one participant contributes to the figures: the pure rules evaluated once, stored.

The figures are sums of these contributions over a population and a period, so a query adds
up stored numbers instead of evaluating the rules over every participant again. Every value
here comes from the rules in `esf`, `indicators`, `record`, `figures`, `network` and
`structure`; nothing is re-stated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from itertools import pairwise
from uuid import UUID

from services.reporting.domain import figures, layout, network
from services.reporting.domain.esf import all_indicators, counted
from services.reporting.domain.layout import BIT, SEP
from services.reporting.domain.outcomes import outcome_of, took_part, types_taken_part_in
from services.reporting.domain.periods import ONE_DAY
from services.reporting.domain.record import EMPLOYED, ParticipantRecord, employed_six_months_after
from services.reporting.domain.snapshot import Activity, HoursLog, Match, WorkPracticeHours
from services.reporting.domain.structure import DIMENSIONS
from services.reporting.settings import ReportingSettings

OUTPUT = [i for i in all_indicators() if i.kind == "output"]
RESULTS = [i for i in all_indicators() if i.kind != "output"]
UNEMPLOYMENT_PARTS = ("age_band", "isced_level", "months_unemployed", "municipality")
"""Dimensions of the structure of unemployment kept in k (with the risk groups' mask, so that
an organisation's sums, which have no municipality or risk column, hold them too)."""


@dataclass(frozen=True)
class Entry:
    """One dated contribution to a figure."""

    figure: str
    on: date
    k: str = ""
    at_org: UUID | None = None
    n: int = 1
    flags: int = 0
    x1: int = 0
    x2: int = 0
    hours: Decimal = Decimal(0)

    @property
    def key(self) -> tuple[str, date, str, UUID | None]:
        """What identifies the entry among the participant's."""
        return (self.figure, self.on, self.k, self.at_org)


@dataclass
class ParticipantFacts:
    """What the read model holds about one participant id (record None: not registered)."""

    participant_id: UUID
    record: ParticipantRecord | None
    activities: list[Activity] = field(default_factory=list)
    hours: list[HoursLog] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    open_placements: list[tuple[UUID, date]] = field(default_factory=list)
    work_practice: list[WorkPracticeHours] = field(default_factory=list)


Run = tuple[date, date | None]
"""Days from the first to before the second (None: still)."""


@dataclass
class Contribution:
    """Everything one participant adds to the figures."""

    entries: list[Entry]
    municipality: str = ""
    riskmask: int = 0
    organisations: frozenset[UUID] = frozenset()
    waitlisted_on: date | None = None
    waiting: list[Run] = field(default_factory=list)
    gaps: list[tuple[str, bool, date, date]] = field(default_factory=list)


def contribution(facts: ParticipantFacts, settings: ReportingSettings) -> Contribution:
    """The participant's contribution to every figure (only open placements if unregistered)."""
    filled = [Entry(layout.FILLED, on, str(opening)) for opening, on in facts.open_placements]
    r = facts.record
    if r is None:
        return Contribution(merged(filled))
    entries = [*filled, _entry(r, settings), _unemployment(r), *_exit(r, settings)]
    entries += _placements(r) + _states(r) + _matches(r, facts.matches)
    activity, gaps = _activities(facts.activities)
    entries += activity + [_hours(h) for h in facts.hours]
    entries += [_work_practice(h) for h in facts.work_practice]
    entries += _activity_outcomes(r, facts.activities, settings)
    waiting = runs(lambda d: figures.is_waiting(r, d), _case_days(r))
    return Contribution(
        merged(entries), r.municipality, layout.riskmask(r.risk_groups), r.organisation_ids,
        r.waitlisted_on, waiting, gaps,
    )  # fmt: skip


def merged(entries: Iterable[Entry]) -> list[Entry]:
    """Entries with the same key added up into one."""
    by_key: dict[tuple[str, date, str, UUID | None], Entry] = {}
    for e in entries:
        old = by_key.get(e.key)
        by_key[e.key] = e if old is None else add(old, e)
    return list(by_key.values())


def add(a: Entry, b: Entry) -> Entry:
    """Two entries of one key as one (flags are per participant, so they agree)."""
    assert a.flags == b.flags, (a, b)
    return replace(a, n=a.n + b.n, x1=a.x1 + b.x1, x2=a.x2 + b.x2, hours=a.hours + b.hours)


def _entry(r: ParticipantRecord, s: ReportingSettings) -> Entry:
    first, job = figures.days_to_first_placement(r), figures.days_to_employment(r)
    flags = BIT["refused"] if r.special_categories_refused else 0
    flags |= 0 if first is None else BIT["placed"]
    flags |= 0 if job is None else BIT["employed"]
    for ind in OUTPUT:
        flags |= BIT[ind.code.lower()] if counted(ind, r, s) else 0
    return Entry(layout.ENTRY, r.registered_on, r.sex, flags=flags, x1=first or 0, x2=job or 0)


def _unemployment(r: ParticipantRecord) -> Entry:
    parts = [list(DIMENSIONS[d](r)) for d in UNEMPLOYMENT_PARTS]
    assert all(len(p) == 1 for p in parts)  # one value each (unlike risk groups)
    k = SEP.join([*(p[0] for p in parts), str(layout.riskmask(r.risk_groups))])
    return Entry(layout.UNEMPLOYMENT, r.registered_on, k)


def _exit(r: ParticipantRecord, s: ReportingSettings) -> list[Entry]:
    if r.exited_on is None:
        return []
    flags = BIT["refused"] if r.special_categories_refused else 0
    flags |= BIT["employed_on_leaving"] if figures.employed_on_leaving(r, s) else 0
    flags |= BIT["exit_employed"] if r.exit_outcome in EMPLOYED else 0
    for ind in RESULTS:
        flags |= BIT[ind.code.lower()] if counted(ind, r, s) else 0
    out = [Entry(layout.EXIT, r.exited_on, r.sex, flags=flags)]
    out.append(Entry(layout.EXIT_OUTCOME, r.exited_on, str(r.exit_outcome)))
    if r.followed_up_on is not None and employed_six_months_after(r):
        out.append(Entry(layout.FOLLOW_UP, r.followed_up_on))
    return out


def _placements(r: ParticipantRecord) -> list[Entry]:
    out = []
    for pl in r.placements:
        if pl.starts_on is not None:
            out.append(Entry(layout.PLACEMENT_START, pl.starts_on, at_org=pl.organisation_id))
        if pl.outcome is not None and pl.ended_on is not None:
            out.append(Entry(layout.PLACEMENT_END, pl.ended_on, pl.outcome, pl.organisation_id))
    return out


def _case_days(r: ParticipantRecord) -> list[date | None]:
    return [r.case_opened_on, r.exited_on, r.waitlisted_on, r.assigned_on]


def _states(r: ParticipantRecord) -> list[Entry]:
    days = _case_days(r)
    out = _edges(layout.ACTIVE, "", runs(lambda d: figures.is_active(r, d), days))
    if r.support_worker_id is not None:
        worker = str(r.support_worker_id)
        held = runs(
            lambda d: network.in_caseload(r, d, figures.is_active, figures.is_waiting), days
        )
        out += _edges(layout.CASELOAD, worker, held)
    return out


def _edges(figure: str, k: str, spans: list[Run]) -> list[Entry]:
    out = []
    for first, end in spans:
        out.append(Entry(figure, first, k, n=1))
        if end is not None:
            out.append(Entry(figure, end, k, n=-1))
    return out


def runs(holds: Callable[[date], bool], days: Iterable[date | None]) -> list[Run]:
    """The spans of days on which `holds` is true, for a rule that compares the day only
    with `days` (so it can change only on one of them or on the day after one)."""
    points = sorted({p for d in days if d is not None for p in (d, _after(d)) if p is not None})
    if not points:
        return [(date.min, None)] if holds(date.min) else []
    out: list[Run] = []
    start = date.min if points[0] > date.min and holds(points[0] - ONE_DAY) else None
    for p in points:
        now = holds(p)
        if now and start is None:
            start = p
        elif not now and start is not None:
            out.append((start, p))
            start = None
    if start is not None:
        out.append((start, None))
    return out


def _after(d: date) -> date | None:
    return None if d == date.max else d + ONE_DAY


def _matches(r: ParticipantRecord, matches: list[Match]) -> list[Entry]:
    out = []
    for m in matches:
        on = m.proposed_on or m.accepted_on
        if on is not None:
            mask = str(layout.riskmask(r.risk_groups))
            k = SEP.join([*DIMENSIONS["sex"](r), *DIMENSIONS["age_band"](r), mask])
            out.append(
                Entry(layout.MATCH, on, k, m.organisation_id, x1=int(m.accepted_on is not None))
            )
        # a match with neither date is in no period
    return out


def _activities(acts: list[Activity]) -> tuple[list[Entry], list[tuple[str, bool, date, date]]]:
    entries: list[Entry] = []
    gaps: list[tuple[str, bool, date, date]] = []
    for t in sorted({a.activity_type for a in acts}):
        mine = [a for a in acts if a.activity_type == t]
        for completed, kinds in ((False, (layout.ACTIVITY_FIRST, layout.ACTIVITY_LAST)),
                                 (True, (layout.COMPLETED_FIRST, layout.COMPLETED_LAST))):  # fmt: skip
            days = sorted({a.on for a in mine if _counts(a, completed)})
            if days:
                entries += [Entry(kinds[0], days[0], t), Entry(kinds[1], days[-1], t)]
                gaps += [(t, completed, a, b) for a, b in pairwise(days)
                         if (b - a).days > 1]  # fmt: skip
    return entries, gaps


def _counts(a: Activity, completed: bool) -> bool:
    return a.status == "completed" if completed else took_part(a)


def _hours(h: HoursLog) -> Entry:
    return Entry(layout.HOURS, h.worked_on, h.activity_type, hours=Decimal(str(h.hours)))


def _work_practice(h: WorkPracticeHours) -> Entry:
    return Entry(layout.WORK_PRACTICE_HOURS, h.worked_on, hours=Decimal(str(h.hours)))


def _activity_outcomes(
    r: ParticipantRecord, acts: list[Activity], s: ReportingSettings
) -> list[Entry]:
    got = outcome_of(r, s)
    if got is None or r.exited_on is None:
        return []
    flags = BIT["employed_on_leaving"] if got.employed_on_leaving else 0
    x1, x2 = int(got.in_education_on_leaving), int(got.employed_six_months_after)
    return [
        Entry(layout.ACTIVITY_OUTCOME, r.exited_on, t, flags=flags, x1=x1, x2=x2)
        for t in types_taken_part_in(acts)
    ]

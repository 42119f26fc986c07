"""The flow of a year as a deterministic schedule of actions, one journey per participant."""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from shared.events.vocabulary import (
    ActivityType,
    ExitOutcome,
    FollowUpOutcome,
    OpeningKind,
    PlacementOutcome,
    ProviderKind,
)

T = TypeVar("T")
ARRIVAL_DAYS = 300
"""Participants arrive over the first ten months, so most also leave within the year."""
FOLLOW_UP_DAYS = 182
HORIZON_DAYS = ARRIVAL_DAYS + 300 + FOLLOW_UP_DAYS
"""The last day any journey can reach: the last arrival, its longest stay, the follow-up."""
ACTIVITY_MIX: tuple[tuple[ActivityType, ProviderKind, float], ...] = (
    (ActivityType.ADAPTATION_TRAINING, ProviderKind.WORKSHOP, 0.6),
    (ActivityType.WORK_PRACTICE, ProviderKind.ASSOCIATION, 0.6),
    (ActivityType.VOCATIONAL_TRAINING, ProviderKind.TRAINING_CENTRE, 0.1),
    (ActivityType.COACHING_SESSION, ProviderKind.ASSOCIATION, 0.5),
    (ActivityType.SUPPORT_MEETING, ProviderKind.ASSOCIATION, 0.4),
    (ActivityType.TELEWORK_TRAINING, ProviderKind.TRAINING_CENTRE, 0.1),
    (ActivityType.JOB_SEARCH, ProviderKind.ASSOCIATION, 0.3),
)
HOURS_LOGGED = frozenset(
    {ActivityType.ADAPTATION_TRAINING, ActivityType.WORK_PRACTICE,
     ActivityType.VOCATIONAL_TRAINING, ActivityType.TELEWORK_TRAINING}
)  # fmt: skip
EXIT_OUTCOMES = {
    ExitOutcome.EMPLOYED: 26, ExitOutcome.SELF_EMPLOYED: 2, ExitOutcome.EDUCATION_OR_TRAINING: 12,
    ExitOutcome.QUALIFICATION_GAINED: 8, ExitOutcome.JOB_SEARCHING: 30, ExitOutcome.INACTIVE: 14,
    ExitOutcome.OTHER: 8,
}  # fmt: skip
PLACEMENT_OUTCOMES = {
    PlacementOutcome.COMPLETED: 45, PlacementOutcome.HIRED: 25,
    PlacementOutcome.DROPPED_OUT: 20, PlacementOutcome.ENDED_BY_ORGANISATION: 10,
}  # fmt: skip


@dataclass(frozen=True)
class PlannedActivity:
    """An activity in the plan: when it starts, how long, and hours logged each week."""

    activity_type: ActivityType
    provider_kind: ProviderKind
    start_day: int
    weeks: int
    hours_per_week: float
    completed: bool


@dataclass(frozen=True)
class Journey:
    """What happens to one participant during the year (days count from the year's start)."""

    index: int
    arrival_day: int
    ready_day: int
    opening_kinds: tuple[OpeningKind, ...]
    activities: tuple[PlannedActivity, ...]
    accept_chance: float
    placement_weeks: int
    placement_hours_per_week: float
    placement_outcome: PlacementOutcome
    exit_day: int
    exit_outcome: ExitOutcome
    follow_up_outcome: FollowUpOutcome


@dataclass(frozen=True, order=True)
class Action:
    """One step of the schedule: on `day`, do `kind` for participant `index`."""

    day: float
    index: int
    seq: int
    kind: str = field(compare=False)
    data: dict[str, Any] = field(compare=False, default_factory=dict)
    live: bool = field(compare=False, default=False)
    """A live day's action (dated today), not one of the replayed year (dated on its day)."""


def journey(seed: int, index: int, count: int) -> Journey:
    """The year of participant `index` of `count`; depends only on (seed, index, count)."""
    rng = random.Random(f"journey:{seed}:{index}")
    arrival = index * ARRIVAL_DAYS // max(1, count)
    ready = arrival + rng.randint(7, 42)
    placement_outcome = _pick(rng, PLACEMENT_OUTCOMES)
    exit_outcome = _pick(rng, EXIT_OUTCOMES)
    if placement_outcome is PlacementOutcome.HIRED:
        exit_outcome = ExitOutcome.EMPLOYED
    return Journey(
        index=index,
        arrival_day=arrival,
        ready_day=ready,
        opening_kinds=tuple(sorted(rng.sample(list(OpeningKind), rng.randint(1, 3)))),
        activities=_activities(rng, arrival),
        accept_chance=rng.choice((0.5, 0.7, 0.8, 0.9)),
        placement_weeks=rng.randint(4, 16),
        placement_hours_per_week=float(rng.choice((10, 15, 20, 25, 30))),
        placement_outcome=placement_outcome,
        exit_day=arrival + rng.randint(90, 300),
        exit_outcome=exit_outcome,
        follow_up_outcome=_follow_up(rng, exit_outcome),
    )


def _pick(rng: random.Random, weights: dict[T, int]) -> T:
    return rng.choices(list(weights), list(weights.values()))[0]


def _activities(rng: random.Random, arrival: int) -> tuple[PlannedActivity, ...]:
    planned = []
    for activity_type, provider, chance in ACTIVITY_MIX:
        if rng.random() < chance:
            weeks = rng.randint(2, 12)
            logs_hours = activity_type in HOURS_LOGGED
            planned.append(
                PlannedActivity(
                    activity_type=activity_type,
                    provider_kind=provider,
                    start_day=arrival + rng.randint(3, 60),
                    weeks=weeks,
                    hours_per_week=float(rng.choice((6, 10, 15, 20))) if logs_hours else 0.0,
                    completed=rng.random() < 0.8,
                )
            )
    return tuple(planned)


def _follow_up(rng: random.Random, exit_outcome: ExitOutcome) -> FollowUpOutcome:
    if rng.random() < 0.12:
        return FollowUpOutcome.NOT_REACHED
    if exit_outcome in (ExitOutcome.EMPLOYED, ExitOutcome.SELF_EMPLOYED):
        still = rng.random() < 0.75
        return FollowUpOutcome(exit_outcome.value) if still else FollowUpOutcome.JOB_SEARCHING
    roll = rng.random()
    if roll < 0.25:
        return FollowUpOutcome.EMPLOYED
    if roll < 0.4:
        return FollowUpOutcome.IMPROVED_SITUATION
    if roll < 0.5:
        return FollowUpOutcome.EDUCATION_OR_TRAINING
    return FollowUpOutcome.JOB_SEARCHING if roll < 0.8 else FollowUpOutcome.INACTIVE


def journey_actions(j: Journey) -> list[Action]:
    """Every action of one journey in day order (placements start when a match is accepted)."""
    acts = [Action(j.arrival_day, j.index, 0, "register")]
    acts.append(Action(j.ready_day, j.index, 1, "ready", {"opening_kinds": list(j.opening_kinds)}))
    for n, a in enumerate(j.activities):
        ref = f"{j.index}:{n}"
        acts.append(Action(a.start_day, j.index, 2, "activity", {"ref": ref, "planned": a}))
        for week in range(2, a.weeks + 1, 2) if a.hours_per_week else ():
            hours = 2 * a.hours_per_week  # fortnightly timesheets
            acts.append(Action(a.start_day + 7 * week, j.index, 3, "activity_hours",
                               {"ref": ref, "hours": hours, "week": week}))  # fmt: skip
        status = "completed" if a.completed else "dropped"
        end = a.start_day + 7 * a.weeks + 1
        acts.append(Action(end, j.index, 4, "activity_end", {"ref": ref, "status": status}))
    exit_day = max([j.exit_day, *(x.day + 1 for x in acts)])
    acts.append(Action(exit_day, j.index, 5, "exit", {"outcome": j.exit_outcome}))
    follow = exit_day + FOLLOW_UP_DAYS
    acts.append(Action(follow, j.index, 6, "follow_up", {"outcome": j.follow_up_outcome}))
    return sorted(acts)


@lru_cache(maxsize=4096)
def _actions_of(seed: int, index: int, count: int) -> tuple[Action, ...]:
    return tuple(journey_actions(journey(seed, index, count)))


def year_schedule(seed: int, count: int) -> Iterator[Action]:
    """All journeys' actions merged in day order, lazily. The heap holds one small entry per
    participant still active (their next action's place), and a journey's actions are
    recomputed from its seed when needed, so a million participants need megabytes, not
    gigabytes; up to 4,096 journeys stay cached, which keeps demo-sized years fast."""
    pending: list[tuple[float, int, int, int]] = []  # (day, index, seq, position)
    for index in range(count):
        arrival = index * ARRIVAL_DAYS // max(1, count)
        while pending and pending[0][0] < arrival:
            yield _next(pending, seed, count)
        first = _actions_of(seed, index, count)[0]
        heapq.heappush(pending, (first.day, index, first.seq, 0))
    while pending:
        yield _next(pending, seed, count)


def _next(pending: list[tuple[float, int, int, int]], seed: int, count: int) -> Action:
    _, index, _, position = heapq.heappop(pending)
    actions = _actions_of(seed, index, count)
    if position + 1 < len(actions):
        following = actions[position + 1]
        heapq.heappush(pending, (following.day, index, following.seq, position + 1))
    return actions[position]

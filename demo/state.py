"""What the demo learned from the services while driving them: the ids they gave back."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from demo.year import PlannedActivity


@dataclass
class DemoState:
    """Ids handed out by the services, keyed by the generator's own keys and indexes."""

    organisation_ids: dict[str, str] = field(default_factory=dict)
    organisation_kinds: dict[str, str] = field(default_factory=dict)
    webhooks: int = 0
    webhook_organisations: set[str] = field(default_factory=set)
    earlier: set[int] = field(default_factory=set)
    """Participants registered by an earlier run: not driven again."""
    participant_ids: dict[int, str] = field(default_factory=dict)
    index_of: dict[str, int] = field(default_factory=dict)
    case_plan_ids: dict[int, str] = field(default_factory=dict)
    case_organisations: dict[int, str] = field(default_factory=dict)
    activity_ids: dict[str, str] = field(default_factory=dict)
    activities: dict[str, PlannedActivity] = field(default_factory=dict)
    activity_starts: dict[str, date] = field(default_factory=dict)
    placement_organisations: dict[str, str] = field(default_factory=dict)
    placement_starts: dict[str, date] = field(default_factory=dict)
    timesheet_days: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    active_placements: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    placements_seen: set[str] = field(default_factory=set)
    matches_seen: set[str] = field(default_factory=set)
    proposals_per_participant: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    exited: set[int] = field(default_factory=set)
    exit_days: dict[int, date] = field(default_factory=dict)
    locks: dict[int, asyncio.Lock] = field(default_factory=lambda: defaultdict(asyncio.Lock))
    placement_locks: dict[int, asyncio.Lock] = field(
        default_factory=lambda: defaultdict(asyncio.Lock)
    )

    def registered(self, index: int, participant_id: str) -> None:
        """Remember the id intake gave participant `index`."""
        self.participant_ids[index] = participant_id
        self.index_of[participant_id] = index


def id_in(response_json: Any, *names: str) -> str | None:
    """The first of `names` present in a JSON object (e.g. "activity_id", "id")."""
    if isinstance(response_json, dict):
        for name in names:
            value = response_json.get(name)
            if value is not None:
                return str(value)
    return None

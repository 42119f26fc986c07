"""What an earlier run of the demo created, so that a second run against the same data finds
its region again instead of posting it twice (the services hand out the ids; this keeps them)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class RegionLedger:
    """The ids the services gave the demo region of one (seed, participants), by demo key."""

    organisations: dict[str, str] = field(default_factory=dict)
    openings: dict[str, str] = field(default_factory=dict)
    support_workers: dict[str, str] = field(default_factory=dict)
    participants: dict[str, str] = field(default_factory=dict)
    """Participant index (as text) to participant id: people already registered."""
    next_live_index: int = 0
    """The first participant index the living phase has not registered yet."""

    def forget_people(self) -> None:
        """The services' data is not the one this ledger saw: nobody is known there."""
        self.participants.clear()
        self.next_live_index = 0


def region_key(seed: int, participants: int) -> str:
    """The ledger's key of one generated region."""
    return f"seed={seed}:participants={participants}"


def load_ledger(path: Path | None, seed: int, participants: int) -> RegionLedger:
    """The ledger of (seed, participants) in `path`; empty when there is none (or no path)."""
    if path is None or not path.exists():
        return RegionLedger()
    try:
        entry = json.loads(path.read_text(encoding="utf-8")).get(region_key(seed, participants))
    except (OSError, ValueError, AttributeError):
        return RegionLedger()
    if not isinstance(entry, dict):
        return RegionLedger()
    known = {k: v for k, v in entry.items() if k in RegionLedger.__dataclass_fields__}
    return RegionLedger(**known)


def save_ledger(path: Path | None, seed: int, participants: int, ledger: RegionLedger) -> None:
    """Write the ledger of (seed, participants) into `path`, keeping other regions' entries."""
    if path is None:
        return
    everything: dict[str, Any] = {}
    if path.exists():
        try:
            everything = dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            everything = {}
    everything[region_key(seed, participants)] = asdict(ledger)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(everything, indent=1, sort_keys=True), encoding="utf-8")
    temporary.replace(path)

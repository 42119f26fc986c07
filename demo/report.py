"""What the demo sent: counts per step, outcomes, and the steps it had to skip."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoReport:
    """Counts of what the demo did through the public APIs, for people and for tests."""

    seed: int
    participants_planned: int
    sent: Counter[str] = field(default_factory=Counter)
    exits_by_outcome: Counter[str] = field(default_factory=Counter)
    follow_ups_by_outcome: Counter[str] = field(default_factory=Counter)
    placements_ended_by_outcome: Counter[str] = field(default_factory=Counter)
    hours_by_activity_type: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    skipped: dict[str, str] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    error_samples: dict[str, str] = field(default_factory=dict)
    schedule_completed: bool = False
    calls: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def timed(self, step: str, seconds: float) -> None:
        """One HTTP call of `step` answered after `seconds`."""
        self.calls[step] += 1
        self.seconds[step] += seconds

    def count(self, step: str, n: int = 1) -> None:
        """One more successful `step`."""
        self.sent[step] += n

    def skip(self, step: str, reason: str) -> None:
        """A step the running system does not offer (yet): reported, not fatal."""
        self.skipped.setdefault(step, reason)

    def error(self, step: str, detail: str) -> None:
        """A step the system refused or failed; the first detail per step is kept."""
        self.errors[step] += 1
        self.error_samples.setdefault(step, detail[:500])

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able figures (the `--report FILE` content)."""
        return {
            "seed": self.seed,
            "participants_planned": self.participants_planned,
            "participants_registered": self.sent["participants_registered"],
            "sent": dict(sorted(self.sent.items())),
            "exits_by_outcome": dict(sorted(self.exits_by_outcome.items())),
            "follow_ups_by_outcome": dict(sorted(self.follow_ups_by_outcome.items())),
            "placements_ended_by_outcome": dict(sorted(self.placements_ended_by_outcome.items())),
            "hours_by_activity_type": dict(sorted(self.hours_by_activity_type.items())),
            "skipped": dict(sorted(self.skipped.items())),
            "errors": dict(sorted(self.errors.items())),
            "error_samples": dict(sorted(self.error_samples.items())),
            "schedule_completed": self.schedule_completed,
            "http_calls": dict(sorted(self.calls.items())),
            "http_mean_ms": {
                k: round(1000 * self.seconds[k] / n, 1) for k, n in sorted(self.calls.items())
            },
        }

    def to_json(self) -> str:
        """The figures as indented JSON."""
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)

    def format(self) -> str:
        """A short human summary."""
        lines = ["polku demo: what was sent"]
        for name, value in sorted(self.sent.items()):
            lines.append(f"  {name:<32} {value}")
        for title, counts in (
            ("exits by outcome", self.exits_by_outcome),
            ("follow-ups by outcome", self.follow_ups_by_outcome),
            ("placements ended by outcome", self.placements_ended_by_outcome),
            ("hours by activity type", Counter(self.hours_by_activity_type)),
        ):
            if counts:
                lines.append(
                    f"  {title}: " + ", ".join(f"{k} {v:g}" for k, v in sorted(counts.items()))
                )
        for step, reason in sorted(self.skipped.items()):
            lines.append(f"  skipped {step}: {reason}")
        for step, n in sorted(self.errors.items()):
            lines.append(f"  errors  {step}: {n} (first: {self.error_samples.get(step, '')[:160]})")
        return "\n".join(lines)

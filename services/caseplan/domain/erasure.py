"""Erasure is for good: what events about an erased participant may still do (nothing)."""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from uuid import UUID


def to_open(participant_ids: Sequence[UUID], erased: AbstractSet[UUID]) -> list[bool]:
    """Which registrations open a case plan: never a late or replayed one of an erased person."""
    return [pid not in erased for pid in participant_ids]


def awaits_registration(erased: bool) -> bool:
    """An event about someone without a case plan waits for their registration (retry later),
    unless they were erased: then nothing is left to change and nothing will come."""
    return not erased

"""Who left the network for good, erased (GDPR), exited or withdrew consent to matching, and
what later events may still do.

Events of one participant can arrive late, replayed or reordered (other streams, retries,
replicas): a registration, correction or readiness that comes after someone left must not
bring them back.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.events.vocabulary import ConsentPurpose


class Step(StrEnum):
    """What an event would do to a participant's place in the pool."""

    REGISTRATION = "registration"
    CORRECTION = "correction"
    READINESS = "readiness"


@dataclass(frozen=True)
class Departure:
    """All matching remembers of someone who left: that they did, and when."""

    erased_at: datetime | None = None
    exited_at: datetime | None = None
    matching_withdrawn_at: datetime | None = None


def admits(departure: Departure | None, step: Step) -> bool:
    """Whether the step may still apply: nothing does to an erased participant or one who
    withdrew consent to matching; an exited one keeps a profile in the pool but is never made
    ready again."""
    if departure is None:
        return True
    if departure.erased_at is not None or departure.matching_withdrawn_at is not None:
        return False
    return step is not Step.READINESS


def leaves_pool(purposes: Collection[str]) -> bool:
    """Whether a consent withdrawal ends matching: withdrawing `matching`, or
    `case_management` (matching rests on the case: readiness and placements live in it). An
    empty list (the first version's event could carry one) means every purpose. Withdrawing
    `follow_up`, `employer_contact` or `reporting` alone leaves the candidacy as it is."""
    named = set(purposes)
    return not named or bool(named & {ConsentPurpose.MATCHING, ConsentPurpose.CASE_MANAGEMENT})

"""The six-month follow-up as reported: its outcome, or why there is none.

ESF's longer-term results (CR06–CR09, EECR05–EECR06) count the participants in a situation six
months after leaving; a participant whose situation was not collected is counted as
"unknown", never guessed (Annex D). Polku does not collect it when the participant withdrew
consent to follow-up contact (`follow_up`, or every purpose: an empty list of purposes).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable

from shared.events.vocabulary import ConsentPurpose, FollowUpOutcome

UNKNOWN = "unknown"
PENDING = "pending"
STATUSES: tuple[str, ...] = (*(o.value for o in FollowUpOutcome), UNKNOWN, PENDING)
"""Every row of the follow-ups report, in order."""


def stops_follow_up(purposes: Collection[str]) -> bool:
    """Whether a consent withdrawal ends follow-up contact."""
    return not purposes or ConsentPurpose.FOLLOW_UP in purposes


def follow_up_status(outcome: str | None, withdrawn: bool) -> str:
    """A recorded outcome stands (recorded before the withdrawal); else `unknown` when the
    follow-up is not to be collected, `pending` while it may still be."""
    if outcome is not None:
        return outcome
    return UNKNOWN if withdrawn else PENDING


def follow_up_table(counts: Iterable[tuple[str | None, bool, int]]) -> list[dict[str, object]]:
    """Rows (status, participants) from (outcome, withdrawn, how many), every status shown."""
    by_status: Counter[str] = Counter()
    for outcome, withdrawn, n in counts:
        by_status[follow_up_status(outcome, withdrawn)] += n
    return [{"status": s, "participants": by_status[s]} for s in STATUSES]

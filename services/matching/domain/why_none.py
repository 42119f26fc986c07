"""Why a participant has no proposal: which hard constraint ruled out how many openings.

The same constraints, in the same order, as the matcher (`constraints.first_failure`): each
open opening counts once, under the first constraint it fails. A programme's groups are never
named (the eligibility count says only that openings are reserved for others).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from services.matching.domain.constraints import CONSTRAINTS, first_failure
from services.matching.domain.model import Candidate, OpeningView


class Standing(StrEnum):
    """Where the participant stands in matching when no proposal is live."""

    NOT_IN_POOL = "not_in_pool"
    NOT_READY = "not_ready"
    PLACED = "placed"
    NOTHING_FITS = "nothing_fits"
    FITS_ALREADY_PROPOSED = "fits_already_proposed"
    FITS = "fits"


@dataclass(frozen=True)
class NoProposal:
    """The open openings looked at, how many each constraint ruled out, and what fits."""

    standing: Standing
    openings: int = 0
    excluded: tuple[tuple[str, int], ...] = ()
    fitting: int = 0
    proposed_before: int = 0


def why_no_proposal(
    candidate: Candidate,
    openings: Iterable[OpeningView],
    *,
    proposed_before: Collection[UUID] = (),
    walking_km: float = 3.0,
) -> NoProposal:
    """Count, for a ready participant, the open openings each hard constraint rules out; the
    ones that fit but were proposed once already are never proposed again."""
    failed: Counter[str] = Counter()
    fits: list[UUID] = []
    seen = 0
    for opening in openings:
        seen += 1
        rejection = first_failure(candidate, opening, walking_km=walking_km)
        if rejection is None:
            fits.append(opening.opening_id)
        else:
            failed[rejection.constraint] += 1
    again = sum(1 for o in fits if o in proposed_before)
    if not fits:
        standing = Standing.NOTHING_FITS
    elif again == len(fits):
        standing = Standing.FITS_ALREADY_PROPOSED
    else:
        standing = Standing.FITS
    excluded = tuple((name, failed[name]) for name, _ in CONSTRAINTS if failed[name])
    return NoProposal(standing, seen, excluded, len(fits), again)


def standing_outside(*, in_pool: bool, ready: bool, placed: bool) -> Standing | None:
    """Why matching looks for nothing for the participant at all, or None when it does."""
    if not in_pool:
        return Standing.NOT_IN_POOL
    if placed:
        return Standing.PLACED
    if not ready:
        return Standing.NOT_READY
    return None

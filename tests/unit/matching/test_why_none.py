"""Why no proposal: each open opening counted once, under the first constraint it fails."""

from __future__ import annotations

from services.matching.domain import first_failure
from services.matching.domain.why_none import (
    NoProposal,
    Standing,
    standing_outside,
    why_no_proposal,
)

from .builders import PERHO, candidate, opening


def test_each_opening_counts_under_the_first_constraint_it_fails() -> None:
    person = candidate(languages=["fi"])
    openings = [
        opening(seats_left=0, languages=frozenset({"et"})),  # seats come before language
        opening(languages=frozenset({"et"})),
        opening(languages=frozenset({"ru"})),
        opening(at=PERHO),
        opening(hours_min=30),
    ]
    why = why_no_proposal(person, openings)
    assert why == NoProposal(
        Standing.NOTHING_FITS, openings=5,
        excluded=(("seats_left", 1), ("language", 2), ("hours", 1), ("travel", 1)),
    )  # fmt: skip
    # the same verdicts as the matcher's own check, opening by opening
    assert sum(n for _, n in why.excluded) == sum(
        1 for o in openings if first_failure(person, o) is not None
    )


def test_fitting_openings_proposed_once_are_not_proposed_again() -> None:
    person = candidate()
    fits, other = opening(), opening()
    ruled_out = opening(eligible_groups=frozenset({"youth"}))
    why = why_no_proposal(person, [fits, ruled_out], proposed_before={fits.opening_id})
    assert why.standing is Standing.FITS_ALREADY_PROPOSED
    assert (why.fitting, why.proposed_before, why.excluded) == (1, 1, (("eligibility", 1),))
    fresh = why_no_proposal(person, [fits, other], proposed_before={fits.opening_id})
    assert (fresh.standing, fresh.fitting, fresh.proposed_before) == (Standing.FITS, 2, 1)


def test_no_open_opening_at_all_fits_nothing() -> None:
    assert why_no_proposal(candidate(), []) == NoProposal(Standing.NOTHING_FITS)


def test_outside_matching_before_any_opening_is_looked_at() -> None:
    assert standing_outside(in_pool=False, ready=False, placed=False) is Standing.NOT_IN_POOL
    assert standing_outside(in_pool=True, ready=False, placed=False) is Standing.NOT_READY
    assert standing_outside(in_pool=True, ready=True, placed=True) is Standing.PLACED
    assert standing_outside(in_pool=True, ready=True, placed=False) is None

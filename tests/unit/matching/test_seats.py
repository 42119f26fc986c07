"""Which live proposals an opening gives up when its seats are lowered."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from services.matching.domain.seats import LiveProposal, beyond_seats, proposal_slots

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def live(n: int, score: float, minutes: int) -> LiveProposal:
    return LiveProposal(UUID(int=n), score, T0 + timedelta(minutes=minutes))


def test_the_lowest_ranked_go_first() -> None:
    best, middle, worst = live(1, 0.9, 0), live(2, 0.5, 0), live(3, 0.2, 0)
    assert beyond_seats([worst, best, middle], 2) == [worst.match_id]
    assert beyond_seats([worst, best, middle], 1) == [middle.match_id, worst.match_id]


def test_of_equal_scores_the_newest_go() -> None:
    old, new, newest = live(7, 0.5, 0), live(3, 0.5, 10), live(5, 0.5, 20)
    assert beyond_seats([newest, old, new], 1) == [new.match_id, newest.match_id]


def test_nothing_goes_within_the_slots() -> None:
    proposals = [live(1, 0.9, 0), live(2, 0.1, 5)]
    assert beyond_seats(proposals, 2) == []
    assert beyond_seats(proposals, 5) == []
    assert beyond_seats([], 0) == []


def test_no_slot_left_withdraws_every_one() -> None:
    proposals = [live(1, 0.9, 0), live(2, 0.1, 5)]
    assert sorted(beyond_seats(proposals, 0)) == [UUID(int=1), UUID(int=2)]


def test_slots_are_per_free_seat() -> None:
    assert proposal_slots(seats=3, accepted=1, proposals_per_seat=2) == 4
    assert proposal_slots(seats=1, accepted=1, proposals_per_seat=2) == 0
    assert proposal_slots(seats=1, accepted=2, proposals_per_seat=2) == 0


@given(
    st.lists(
        st.tuples(st.sampled_from([0.1, 0.4, 0.7]), st.integers(0, 5)), max_size=12, unique=False
    ),
    st.integers(0, 14),
    st.randoms(),
)
def test_the_kept_rank_above_the_withdrawn_whatever_the_order(
    pairs: list[tuple[float, int]], slots: int, rng: random.Random
) -> None:
    proposals = [live(i, s, m) for i, (s, m) in enumerate(pairs)]
    gone = beyond_seats(proposals, slots)
    shuffled = proposals[:]
    rng.shuffle(shuffled)
    assert beyond_seats(shuffled, slots) == gone
    assert len(gone) == max(0, len(proposals) - slots)
    kept = [p for p in proposals if p.match_id not in gone]
    for k in kept:
        for g in (p for p in proposals if p.match_id in gone):
            assert (k.score, -k.proposed_at.timestamp()) >= (g.score, -g.proposed_at.timestamp())

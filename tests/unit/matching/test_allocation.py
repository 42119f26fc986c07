"""Proposals for a batch of ready participants from the index equal proposing to each one in
turn by brute force; the index forgets closed and re-filed openings."""

import random
from dataclasses import asdict, replace
from uuid import UUID

import pytest

from services.matching.domain import OpeningIndex, ScoringConfig, brute_best_openings, explain
from services.matching.domain.allocation import OpeningLoad, OpeningLoads, Seeker, allocate

from .builders import candidate, opening
from .test_index_bounds import _candidate, _opening


def _sequential(seekers, openings, load, per_seat, config):  # type: ignore[no-untyped-def]
    """The reference: each participant alone, in turn, over every opening with a free slot."""
    out = []
    for s in seekers:
        free = [o for o in openings if o.opening_id not in s.proposed_to
                and load[o.opening_id].free_slots(per_seat) > 0]  # fmt: skip
        for r in brute_best_openings(s.candidate, free, max(0, s.wanted), config):
            load[r.opening_id].live += 1
            out.append(r)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_batch_allocation_is_proposing_to_each_in_turn(seed: int) -> None:
    rng = random.Random(seed)
    config = ScoringConfig()
    openings = [replace(_opening(rng, i), seats_left=1) for i in range(80)]
    index = OpeningIndex()
    for o in openings:
        index.add(o)
    seats = {o.opening_id: rng.randint(1, 3) for o in openings}
    counted = {oid: OpeningLoad(n, accepted=rng.randint(0, n), live=rng.randint(0, 1))
               for oid, n in seats.items() if rng.random() < 0.3}  # fmt: skip
    seekers = [
        Seeker(c, wanted=rng.randint(0, 3),
               proposed_to=frozenset(o.opening_id for o in rng.sample(openings, 5)))
        for c in (_candidate(rng, i) for i in range(300))
    ]  # fmt: skip
    reference = {oid: replace(counted.get(oid, OpeningLoad(n))) for oid, n in seats.items()}
    reach = index.reachable([s.candidate for s in seekers], config.walking_km)
    loads = OpeningLoads(reach, seats.__getitem__, counted)
    got = allocate(seekers, index, loads, config=config, proposals_per_seat=1)
    assert got == _sequential(seekers, openings, reference, 1, config)
    assert len(got) > 30
    assert any(reference[oid].free_slots(1) == 0 for oid in seats)  # slots ran out


def test_an_opening_out_of_reach_or_not_open_is_never_proposed() -> None:
    config = ScoringConfig()
    near, ended = opening(), opening()
    index = OpeningIndex()
    index.add(near)
    index.add(ended)
    seeker = Seeker(candidate(), wanted=3)
    none = OpeningLoads(set(), lambda _id: 1)
    assert allocate([seeker], index, none, config=config, proposals_per_seat=2) == []
    loads = OpeningLoads({near.opening_id, ended.opening_id}, lambda _id: 1)
    got = allocate([seeker], index, loads, config=config, proposals_per_seat=2,
                   still_open=lambda oid: oid != ended.opening_id)  # fmt: skip
    assert [r.opening_id for r in got] == [near.opening_id]


def test_removed_and_refiled_openings_leave_nothing_behind() -> None:
    config = ScoringConfig()
    person = candidate()
    first = opening(opening_id=UUID(int=7))
    index = OpeningIndex()
    index.add(first)
    assert [r.opening_id for r in index.best_for(person, 3, config)] == [first.opening_id]
    moved = replace(first, languages=frozenset({"et"}), required_skills=frozenset({"it"}))
    index.add(moved)  # re-filed: no longer under Finnish or woodwork
    assert index.best_for(person, 3, config) == []
    assert not index.reachable([person], config.walking_km)
    index.remove(first.opening_id)
    assert len(index) == 0 and index.best_for(candidate(languages=["et"]), 3, config) == []


def test_explanation_as_dict_is_what_asdict_gives() -> None:
    e = explain(candidate(), opening(), ScoringConfig())
    assert e.as_dict()["factors"] == [asdict(f) for f in e.factors]
    assert e.as_dict()["plain_words"] == e.plain_words()

"""Matching benchmark: 100,000 participants against 10,000 openings over the network's region.

Run with `python -m bench.matching`. Pure in-memory domain functions: the grid + skill index
against brute force (every pair), in the same run, on the same sampled arrivals; it also
checks that both give the same proposals. Prints a table and writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

from bench.common import Report
from services.matching.domain import (
    Candidate,
    CandidateIndex,
    CandidateView,
    OpeningIndex,
    OpeningView,
    ScoringConfig,
    brute_best_candidates,
    brute_best_openings,
)
from services.matching.domain.search import feasible_score
from shared.events.vocabulary import OpeningKind, Transport

PLACES = Path("/work/shared/reference/places.csv")
SKILLS = [f"skill-{i}" for i in range(60)]
LANGUAGES = ["fi", "sv", "et", "ru", "en"]
TAGS = [f"tag-{i}" for i in range(30)]


def places() -> list[tuple[float, float]]:
    """Coordinates of the network's places (falls back to Kaustinen if the file is missing)."""
    if not PLACES.exists():
        return [(63.548, 23.697)]
    with PLACES.open(encoding="utf-8") as f:
        return [(float(r["lat"]), float(r["lon"])) for r in csv.DictReader(f)]


def _around(
    rng: random.Random, centres: list[tuple[float, float]], km: float
) -> tuple[float, float]:
    lat, lon = rng.choice(centres)
    dlat = rng.gauss(0, km) / 111.2
    dlon = rng.gauss(0, km) / (111.2 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def participant(rng: random.Random, i: int, centres: list[tuple[float, float]]) -> Candidate:
    """A synthetic participant living around one of the places."""
    lat, lon = _around(rng, centres, 20)
    view = CandidateView(
        participant_id=UUID(int=i + 1),
        lat=lat,
        lon=lon,
        languages=frozenset(rng.sample(LANGUAGES, rng.randint(1, 2))),
        skills=frozenset(rng.sample(SKILLS, rng.randint(0, 4))),
        interests=frozenset(rng.sample(TAGS, rng.randint(0, 3))),
        availability_hours=rng.choice([10, 20, 30, 40]),
        transport=rng.choice(list(Transport)),
        max_travel_km=rng.choice([10.0, 20.0, 40.0, 60.0]),
        telework_ready=rng.random() < 0.15,
        accessibility_needs=frozenset({"step-free"}) if rng.random() < 0.05 else frozenset(),
        waiting_days=rng.uniform(0, 400),
    )
    return Candidate(view=view, groups=frozenset({"unemployed"}))


def opening(rng: random.Random, i: int, centres: list[tuple[float, float]]) -> OpeningView:
    """A synthetic opening near one of the places."""
    lat, lon = _around(rng, centres, 15)
    return OpeningView(
        opening_id=UUID(int=10**9 + i),
        organisation_id=UUID(int=1),
        kind=rng.choice(list(OpeningKind)).value,
        seats_left=rng.randint(1, 5),
        lat=lat,
        lon=lon,
        remote=rng.random() < 0.05,
        required_skills=frozenset(rng.sample(SKILLS, rng.randint(1, 3))),
        nice_skills=frozenset(rng.sample(SKILLS, rng.randint(0, 3))),
        languages=frozenset(rng.sample(LANGUAGES, 1)),
        hours_min=rng.choice([0, 10, 20]),
        accessibility=frozenset({"step-free"}) if rng.random() < 0.3 else frozenset(),
        tags=frozenset(rng.sample(TAGS, rng.randint(0, 3))),
    )


def _per_call_ms(fn: Callable[[Any], Any], items: list[Any]) -> tuple[float, float, list[Any]]:
    """Wall-clock and CPU milliseconds per call (CPU time drifts less on a shared machine)."""
    started, cpu = time.perf_counter(), time.process_time()
    results = [fn(item) for item in items]
    n = max(1, len(items))
    wall_ms = (time.perf_counter() - started) * 1000 / n
    return wall_ms, (time.process_time() - cpu) * 1000 / n, results


def _fast_brute_openings(c: Candidate, posts: list[OpeningView], config: ScoringConfig) -> int:
    """Every pair through the fast feasibility+score, no index: how much is the scorer's."""
    return sum(feasible_score(c, o, config) is not None for o in posts)


def _fast_brute_candidates(o: OpeningView, people: list[Candidate], config: ScoringConfig) -> int:
    """The same for an opening against every participant."""
    return sum(feasible_score(c, o, config) is not None for c in people)


def run(args: argparse.Namespace) -> Report:
    """Build the populations and indexes, then time both searches on sampled arrivals."""
    rng, centres, config = random.Random(args.seed), places(), ScoringConfig()
    people = [participant(rng, i, centres) for i in range(args.participants)]
    posts = [opening(rng, i, centres) for i in range(args.openings)]
    started = time.perf_counter()
    by_place, by_cell = OpeningIndex(), CandidateIndex()
    for o in posts:
        by_place.add(o)
    for c in people:
        by_cell.add(c)
    build_s = time.perf_counter() - started

    new_people = [participant(rng, args.participants + i, centres) for i in range(args.samples)]
    new_posts = [opening(rng, args.openings + i, centres) for i in range(args.samples)]
    brute_people, brute_posts = new_people[: args.brute_samples], new_posts[: args.brute_samples]

    idx_p, cpu_ip, got_p = _per_call_ms(lambda c: by_place.best_for(c, 3, config), new_people)
    bf_p, cpu_bp, want_p = _per_call_ms(
        lambda c: brute_best_openings(c, posts, 3, config), brute_people
    )
    fast_p, _, _ = _per_call_ms(lambda c: _fast_brute_openings(c, posts, config), brute_people)
    idx_o, cpu_io, got_o = _per_call_ms(
        lambda o: by_cell.best_for(o, 2 * o.seats_left, config), new_posts
    )
    bf_o, cpu_bo, want_o = _per_call_ms(
        lambda o: brute_best_candidates(o, people, 2 * o.seats_left, config), brute_posts
    )
    fast_o, _, _ = _per_call_ms(lambda o: _fast_brute_candidates(o, people, config), brute_posts)
    agree = got_p[: len(want_p)] == want_p and got_o[: len(want_o)] == want_o

    report = Report("matching")
    report.context = {**vars(args), "places": len(centres), "results_agree": agree}
    report.add("index build (all)", build_s * 1000, "ms", note=f"{len(people)} + {len(posts)}")
    report.add("new participant, indexed", idx_p, "ms/call", "< 10", f"{cpu_ip:.2f} ms CPU; k=3")
    report.add("new participant, brute force", bf_p, "ms/call", note=f"{cpu_bp:.1f} ms CPU")
    report.add("new participant, brute force, fast scorer", fast_p, "ms/call", note="no index")
    report.add("  speed-up", bf_p / idx_p if idx_p else 0, "x", ">= 50")
    report.add(
        "new opening, indexed", idx_o, "ms/call", "< 100", f"{cpu_io:.2f} ms CPU; k=2 x seats"
    )
    report.add("new opening, brute force", bf_o, "ms/call", note=f"{cpu_bo:.1f} ms CPU")
    report.add("new opening, brute force, fast scorer", fast_o, "ms/call", note="no index")
    report.add("  speed-up", bf_o / idx_o if idx_o else 0, "x", ">= 50")
    report.add("same proposals as brute force", 1.0 if agree else 0.0, "bool", "1")
    return report


def main() -> None:
    """Parse arguments, run, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--openings", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200, help="arrivals timed with the index")
    parser.add_argument("--brute-samples", type=int, default=10, help="arrivals timed brute force")
    parser.add_argument("--seed", type=int, default=7)
    report = run(parser.parse_args())
    print(report.table())
    print(f"written to {report.write()}")


if __name__ == "__main__":
    main()

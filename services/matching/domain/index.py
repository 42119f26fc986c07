"""Candidate search that grows with the plausible candidates, not with every pair.

Openings and participants are kept in a geographic grid (cells of about 33 km) with, per cell,
shelves by language (a shared language is a hard constraint), so a search only looks at cells
within travel distance (participants grouped by how far they can travel), plus the remote
openings / telework-ready participants. Within a shelf, lists by skill (and, for openings, by
nice-to-have skill and interest tag) carry an upper bound on the score of their members; the
search scores the lists from the highest bound down without building explanations, and stops
once no list left could reach the shortlist (`search.best_k`). Only the pairs returned are
explained. The results are the same as the brute-force functions below, which the tests check.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar
from uuid import UUID

from services.matching.domain.constraints import travel_limit_km
from services.matching.domain.geo import Cell, cell_of, cells_within
from services.matching.domain.model import Candidate, OpeningView
from services.matching.domain.ranking import (  # re-exported: tests and callers import them here
    Ranked,
    _explain_every_pair,  # noqa: F401
    brute_best_candidates,  # noqa: F401
    brute_best_openings,  # noqa: F401
    rank,  # noqa: F401
)
from services.matching.domain.scoring import ScoringConfig, explain
from services.matching.domain.search import Group, best_k, distance_bound, feasible_score

T = TypeVar("T")


ANY_LANGUAGE = "*"
"""The list of entries that ask for (or speak) no particular language."""
REACH_BUCKETS_KM = (3.0, 10.0, 20.0, 30.0, 50.0, 80.0, 120.0, 200.0)
"""Participants are grouped by how far they can travel, so an opening only looks as far as each
group can come (people without transport are found only in cells within walking distance)."""


def reach_bucket(km: float) -> float:
    """The smallest bucket at least as far as `km` (or `km` itself beyond the last)."""
    return next((b for b in REACH_BUCKETS_KM if km <= b), km)


def _language_keys(languages: frozenset[str]) -> list[str]:
    return [*languages, ANY_LANGUAGE] if languages else [ANY_LANGUAGE]


class _Shelf(Generic[T]):
    """One cell and language (or remote work and a language): everyone, and lists by facet.

    A facet is (kind, value): a participant's skills ("skill", s); an opening's required skills
    ("req", s, or "req", "" for none), nice-to-have skills ("nice", s / "nice", "") and interest
    tags ("tag", t)."""

    def __init__(self) -> None:
        self.everyone: Group[T] = Group()
        self.facets: dict[tuple[str, str], Group[T]] = defaultdict(Group)

    def put(self, key: int, entry: T, facets: list[tuple[str, str]], waiting_days: float) -> None:
        """File an entry under everyone and each of its facets."""
        self.everyone.put(key, entry, waiting_days)
        for facet in facets:
            self.facets[facet].put(key, entry, waiting_days)

    def drop(self, key: int, facets: list[tuple[str, str]]) -> None:
        """Take an entry out of everyone and its facets (a list's bound stays an upper bound)."""
        self.everyone.members.pop(key, None)
        for facet in facets:
            group = self.facets.get(facet)
            if group is not None:
                group.members.pop(key, None)
                if not group.members:
                    del self.facets[facet]


def _opening_facets(o: OpeningView) -> list[tuple[str, str]]:
    return [
        *([("req", s) for s in o.required_skills] or [("req", "")]),
        *([("nice", s) for s in o.nice_skills] or [("nice", "")]),
        *[("tag", t) for t in o.tags],
    ]


Groups = list[tuple[float, Iterable[tuple[int, Any]]]]


class OpeningIndex:
    """Open openings by grid cell and language, plus the ones that can be done remotely."""

    def __init__(self) -> None:
        self._by_cell: dict[tuple[Cell, str], _Shelf[OpeningView]] = defaultdict(_Shelf)
        self._remote: dict[str, _Shelf[OpeningView]] = defaultdict(_Shelf)
        self._current: dict[int, OpeningView] = {}  # by the id's integer

    def add(self, opening: OpeningView) -> None:
        """Index an opening (re-adding replaces it, wherever it was filed before)."""
        self.remove(opening.opening_id)
        self._current[opening.opening_id.int] = opening
        facets = _opening_facets(opening)
        for shelf in self._filed_under(opening):
            shelf.put(opening.opening_id.int, opening, facets, 0.0)

    def remove(self, opening_id: UUID) -> None:
        """Forget an opening (closed, or about to be re-filed); unknown ids are ignored."""
        old = self._current.pop(opening_id.int, None)
        if old is not None:
            facets = _opening_facets(old)
            for shelf in self._filed_under(old):
                shelf.drop(opening_id.int, facets)

    def _filed_under(self, opening: OpeningView) -> list[_Shelf[OpeningView]]:
        shelves = []
        for language in list(opening.languages) or [ANY_LANGUAGE]:
            if opening.remote:
                shelves.append(self._remote[language])
            if opening.lat is not None and opening.lon is not None:
                shelves.append(self._by_cell[(cell_of(opening.lat, opening.lon), language)])
        return shelves

    def __len__(self) -> int:
        return len(self._current)

    def _shelves(
        self, candidate: Candidate, walking_km: float, config: ScoringConfig
    ) -> list[tuple[float, _Shelf[OpeningView]]]:
        """(bound on the distance factor, shelf) for every shelf the participant may reach."""
        view = candidate.view
        languages = [*view.languages, ANY_LANGUAGE]
        found = []
        if view.telework_ready:
            found += [(1.0, self._remote[lang]) for lang in languages if lang in self._remote]
        if view.lat is not None and view.lon is not None:
            for cell in cells_within(view.lat, view.lon, travel_limit_km(candidate, walking_km)):
                bound = distance_bound(view.lat, view.lon, cell, config)
                for language in languages:
                    if (cell, language) in self._by_cell:
                        found.append((bound, self._by_cell[(cell, language)]))
        return found

    def nearby(self, candidate: Candidate, walking_km: float) -> dict[UUID, OpeningView]:
        """Openings the participant might reach (within their travel limit, or remote) and
        whose language requirement they might meet."""
        found: dict[int, OpeningView] = {}
        for _, shelf in self._shelves(candidate, walking_km, ScoringConfig()):
            found.update(shelf.everyone.members)
        return {o.opening_id: o for k, o in found.items() if self._current.get(k) is o}

    def reachable(self, candidates: Iterable[Candidate], walking_km: float) -> set[UUID]:
        """`nearby` for many participants at once: the ids of every opening they might reach."""
        shelves: dict[int, _Shelf[OpeningView]] = {}
        for candidate in candidates:
            for _, shelf in self._shelves(candidate, walking_km, ScoringConfig()):
                shelves[id(shelf)] = shelf
        keys: set[int] = set()
        for shelf in shelves.values():
            keys.update(shelf.everyone.members)
        return {self._current[k].opening_id for k in keys if k in self._current}

    def _groups(self, candidate: Candidate, config: ScoringConfig) -> Groups:
        """Each opening is in a group whose bound holds for it: sharing a required skill (or
        requiring none), else a nice-to-have one (or asking none), else an interest, else none.
        """
        view, w = candidate.view, config.weights
        waited = min(1.0, view.waiting_days / config.waiting_saturation_days) * w.waiting
        liked = (w.interests if view.interests else 0.0) + waited
        tiers = (
            ("req", w.required_skills + w.nice_to_have + liked, [*view.skills, ""]),
            ("nice", w.nice_to_have + liked, [*view.skills, ""]),
            ("tag", liked, list(view.interests)),
        )
        groups: Groups = []
        for bound, shelf in self._shelves(candidate, config.walking_km, config):
            near = bound * w.distance
            for kind, top, values in tiers:
                for value in values:
                    if (kind, value) in shelf.facets:
                        groups.append((near + top, shelf.facets[(kind, value)].members.items()))
            groups.append((near + waited, shelf.everyone.members.items()))
        return groups

    def best_for(
        self,
        candidate: Candidate,
        k: int,
        config: ScoringConfig,
        allow: Callable[[OpeningView], bool] | None = None,
    ) -> list[Ranked]:
        """The k best openings for a participant, among those `allow` lets through (the
        service's own limits: free proposal slots, pairs never proposed twice)."""

        def score(o: OpeningView) -> float | None:
            live = self._current.get(o.opening_id.int) is o
            if not live or (allow is not None and not allow(o)):
                return None
            return feasible_score(candidate, o, config)

        best = best_k(self._groups(candidate, config), k, score)
        pid = candidate.participant_id
        return [Ranked(pid, o.opening_id, explain(candidate, o, config)) for _, o in best]


class CandidateIndex:
    """Ready participants by travel reach, grid cell and language; telework readiness; skill."""

    def __init__(self) -> None:
        self._by_cell: dict[float, dict[tuple[Cell, str], _Shelf[Candidate]]] = defaultdict(
            lambda: defaultdict(_Shelf)
        )
        self._telework: dict[str, _Shelf[Candidate]] = defaultdict(_Shelf)
        self._current: dict[int, Candidate] = {}  # by the id's integer

    def add(self, candidate: Candidate, walking_km: float = 3.0) -> None:
        """Index a participant (re-adding replaces them)."""
        view, pid = candidate.view, candidate.participant_id
        self._current[pid.int] = candidate
        facets = [("skill", s) for s in view.skills]
        for language in _language_keys(view.languages):
            shelves = [self._telework[language]] if view.telework_ready else []
            if view.lat is not None and view.lon is not None:
                bucket = reach_bucket(travel_limit_km(candidate, walking_km))
                shelves.append(self._by_cell[bucket][(cell_of(view.lat, view.lon), language)])
            for shelf in shelves:
                shelf.put(pid.int, candidate, facets, view.waiting_days)

    def _shelves(
        self, opening: OpeningView, config: ScoringConfig
    ) -> list[tuple[float, _Shelf[Candidate]]]:
        """(bound on the distance factor, shelf) for every shelf that may reach the opening."""
        languages = list(opening.languages) or [ANY_LANGUAGE]
        found = []
        if opening.remote:
            found += [(1.0, self._telework[lang]) for lang in languages if lang in self._telework]
        if opening.lat is not None and opening.lon is not None:
            for reach, shelves in self._by_cell.items():
                for cell in cells_within(opening.lat, opening.lon, reach):
                    bound = distance_bound(opening.lat, opening.lon, cell, config)
                    for language in languages:
                        if (cell, language) in shelves:
                            found.append((bound, shelves[(cell, language)]))
        return found

    def nearby(self, opening: OpeningView) -> dict[UUID, Candidate]:
        """Participants who might reach the opening and share a language it asks for."""
        found: dict[int, Candidate] = {}
        for _, shelf in self._shelves(opening, ScoringConfig()):
            found.update(shelf.everyone.members)
        return {c.view.participant_id: c for k, c in found.items() if self._current.get(k) is c}

    def _groups(self, opening: OpeningView, config: ScoringConfig) -> Groups:
        w, req, nice = config.weights, opening.required_skills, opening.nice_skills
        interests = w.interests if opening.tags else 0.0
        without_req = 0.0 if req else w.required_skills
        without_nice = 0.0 if nice else w.nice_to_have
        groups: Groups = []

        def bound(near: float, share: float, group: Group[Candidate]) -> float:
            waited = min(1.0, group.max_waiting_days / config.waiting_saturation_days)
            return near + share + interests + waited * w.waiting

        for distance, shelf in self._shelves(opening, config):
            near = distance * w.distance
            for skill in req:
                if ("skill", skill) in shelf.facets:
                    g = shelf.facets[("skill", skill)]
                    groups.append(
                        (bound(near, w.required_skills + w.nice_to_have, g), g.members.items())
                    )
            for skill in nice - req:
                if ("skill", skill) in shelf.facets:
                    g = shelf.facets[("skill", skill)]
                    groups.append((bound(near, without_req + w.nice_to_have, g), g.members.items()))
            g = shelf.everyone  # holds none of the skills asked for
            groups.append((bound(near, without_req + without_nice, g), g.members.items()))
        return groups

    def best_for(self, opening: OpeningView, k: int, config: ScoringConfig) -> list[Ranked]:
        """The k best participants for an opening."""

        def score(c: Candidate) -> float | None:
            live = self._current.get(c.view.participant_id.int) is c
            return feasible_score(c, opening, config) if live else None

        best = best_k(self._groups(opening, config), k, score)
        oid = opening.opening_id
        return [Ranked(c.participant_id, oid, explain(c, opening, config)) for _, c in best]

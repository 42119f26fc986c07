"""A realistic, seeded scenario of the network's events, and the figures it should produce,
counted directly from the scenario (never with reporting's own code)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid4

import redis

from shared.events import Envelope, Payload, new_event
from shared.events import caseplan as cp
from shared.events import intake as ik
from shared.events import matching as mt

MUNICIPALITIES = ("Rapla vald", "Kohila vald", "Märjamaa vald")
ORG_KINDS = ("central_workshop", "association", "social_enterprise", "employer")
RISKS = ("long_term_unemployed", "single_parent", "released_from_prison", "disability",
         "low_skills", "migrant_or_minority")  # fmt: skip
EXIT_OUTCOMES = ("employed", "self_employed", "education_or_training", "job_searching",
                 "inactive", "qualification_gained")  # fmt: skip
START = date(2025, 1, 6)


@dataclass
class Person:
    """One scenario participant and what happened to them."""

    pid: UUID
    municipality: str
    registered_on: date
    age: int
    sex: str
    status: str
    months: int
    isced: int
    risks: list[str]
    refused: bool
    case_plan_id: UUID = field(default_factory=uuid4)
    worker: UUID | None = None
    assigned_on: date | None = None
    waitlisted_on: date | None = None
    placements: list[dict[str, Any]] = field(default_factory=list)
    exit_outcome: str | None = None
    exited_on: date | None = None
    follow_up: str | None = None


@dataclass
class Scenario:
    """People, organisations, openings, matches and the events telling their story."""

    seed: int = 7
    people: list[Person] = field(default_factory=list)
    openings: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    matches: list[dict[str, Any]] = field(default_factory=list)
    events: list[Envelope[Any]] = field(default_factory=list)
    workers: list[UUID] = field(default_factory=lambda: [uuid4() for _ in range(3)])
    organisations: list[UUID] = field(default_factory=lambda: [uuid4() for _ in range(4)])
    limits: dict[UUID, int] = field(default_factory=dict)
    """Workers' own caseload limits (the third worker's events carry none: older events)."""

    def __post_init__(self) -> None:
        self.limits = {self.workers[0]: 10, self.workers[1]: 40}

    def emit(self, payload: Payload, on: date) -> Envelope[Any]:
        """Record one event dated `on` (noon UTC)."""
        env = new_event(
            payload, producer="scenario", occurred_at=datetime.combine(on, time(12), UTC)
        )
        self.events.append(env)
        return env


def build(n: int = 60, seed: int = 7) -> Scenario:
    """A scenario of `n` participants over the first half of 2025."""
    rng = random.Random(seed)
    sc = Scenario(seed=seed)
    _post_openings(sc)
    for i in range(n):
        person = _register(sc, rng, i)
        _open_case(sc, rng, person, i)
        _activities(sc, rng, person)
        _match_and_place(sc, rng, person)
        _exit(sc, rng, person)
    # A re-registration of the first participant: counted once, entry frozen.
    first = sc.people[0]
    sc.emit(_profile(ik.ParticipantRegistered, first, age=first.age + 1), first.registered_on)
    # The second participant asks to be erased: still counted, no longer identifiable.
    if len(sc.people) > 1:
        sc.emit(ik.ParticipantErased(participant_id=sc.people[1].pid), START + timedelta(days=300))
    return sc


def _post_openings(sc: Scenario) -> None:
    for i in range(6):
        org = sc.organisations[i % 4]
        o = {"opening_id": uuid4(), "organisation_id": org, "organisation_kind": ORG_KINDS[i % 4],
             "municipality": MUNICIPALITIES[i % 3], "kind": "work_practice", "seats": 3 + i,
             "closed": i == 5}  # fmt: skip
        sc.openings.append(o)
        fields = {k: v for k, v in o.items() if k != "closed"}
        sc.emit(mt.OpeningPosted(title=f"Opening {i}", **fields), START)
    changed = sc.openings[0]
    changed["seats"] = 10
    sc.emit(
        mt.OpeningUpdated(title="Opening 0", **{k: v for k, v in changed.items() if k != "closed"}),
        START + timedelta(days=3),
    )
    last = sc.openings[5]
    sc.emit(mt.OpeningClosed(opening_id=last["opening_id"], organisation_id=last["organisation_id"]),
            START + timedelta(days=5))  # fmt: skip


def _profile(cls: type[ik.ParticipantProfile], p: Person, **over: Any) -> Any:
    values = dict(
        participant_id=p.pid, municipality=p.municipality, registered_on=p.registered_on,
        age_at_entry=p.age, age_band=age_band(p.age), sex=p.sex, labour_market_status=p.status,
        months_unemployed=p.months, isced_level=p.isced, risk_groups=p.risks,
        special_categories_refused=p.refused, in_education_or_training=p.age < 18,
    )  # fmt: skip
    values.update(over)
    return cls(**values)


def age_band(age: int) -> str:
    """The ESF age band of an age, as intake computes it."""
    for limit, band in ((18, "under_18"), (25, "18_24"), (30, "25_29"), (55, "30_54")):
        if age < limit:
            return band
    return "55_plus"


def _register(sc: Scenario, rng: random.Random, i: int) -> Person:
    status = rng.choice(("unemployed", "unemployed", "inactive", "employed"))
    refused = i % 9 == 4
    risks = sorted(set(rng.sample(RISKS, rng.randint(0, 2))))
    if refused:
        risks = [r for r in risks if r not in ("disability", "migrant_or_minority")]
    p = Person(
        pid=uuid4(), municipality=MUNICIPALITIES[i % 3],
        registered_on=START + timedelta(days=3 * i), age=rng.randint(16, 64),
        sex=rng.choice(("female", "male", "female", "male", "non_binary")), status=status,
        months=rng.randint(0, 30) if status == "unemployed" else 0, isced=rng.randint(1, 7),
        risks=risks, refused=refused,
    )  # fmt: skip
    sc.people.append(p)
    sc.emit(_profile(ik.ParticipantRegistered, p), p.registered_on)
    return p


def _open_case(sc: Scenario, rng: random.Random, p: Person, i: int) -> None:
    plan = p.case_plan_id
    day = p.registered_on
    sc.emit(cp.CaseplanOpened(participant_id=p.pid, case_plan_id=plan, municipality=p.municipality,
                              opened_on=day, planned_end_on=day + timedelta(days=180)), day)  # fmt: skip
    if i % 5 == 3:
        p.waitlisted_on = day
        sc.emit(
            cp.CaseplanWaitlisted(participant_id=p.pid, case_plan_id=plan, waitlisted_on=day), day
        )
        if i % 10 != 3:
            return  # still waiting
        day += timedelta(days=14)
    p.worker, p.assigned_on = sc.workers[i % 3], day
    sc.emit(cp.CaseplanWorkerAssigned(participant_id=p.pid, case_plan_id=plan,
                                      support_worker_id=p.worker, assigned_on=day,
                                      organisation_id=sc.organisations[i % 2],
                                      caseload_limit=sc.limits.get(p.worker)), day)  # fmt: skip


def _activities(sc: Scenario, rng: random.Random, p: Person) -> None:
    if p.worker is None:
        return
    for kind in rng.sample(("adaptation_training", "work_practice", "vocational_training"), 2):
        aid, day = uuid4(), p.assigned_on + timedelta(days=2)  # type: ignore[operator]
        status = rng.choice(("in_progress", "completed", "planned"))
        a = {"participant_id": p.pid, "activity_type": kind, "status": status, "hours": 0.0}
        sc.activities.append(a)
        base = {"participant_id": p.pid, "case_plan_id": p.case_plan_id, "activity_id": aid,
                "activity_type": kind}  # fmt: skip
        sc.emit(cp.ActivityRecorded(**base, status="planned", starts_on=day), day)
        if status == "planned":
            if p.registered_on.day % 2 == 0:  # hours on a planned activity: hours, no person
                a["hours"] += 2.0
                sc.emit(cp.ActivityHoursLogged(**base, hours=2.0, worked_on=day), day)
            continue
        sc.emit(cp.ActivityRecorded(**base, status=status, starts_on=day), day + timedelta(days=1))
        for d in range(rng.randint(1, 3)):
            hours = float(rng.choice((4, 6, 7.5)))
            a["hours"] += hours
            sc.emit(cp.ActivityHoursLogged(**base, hours=hours, worked_on=day + timedelta(days=d)),
                    day + timedelta(days=d))  # fmt: skip


def _match_and_place(sc: Scenario, rng: random.Random, p: Person) -> None:
    if p.worker is None or rng.random() < 0.3:
        return
    o = rng.choice(sc.openings[:5])
    day = p.assigned_on + timedelta(days=10)  # type: ignore[operator]
    m = {"match_id": uuid4(), "participant_id": p.pid, "opening_id": o["opening_id"],
         "organisation_id": o["organisation_id"]}  # fmt: skip
    accepted = rng.random() < 0.7
    sc.matches.append({**m, "accepted": accepted, "person": p})
    sc.emit(mt.MatchProposed(**m, score=0.8), day)
    if not accepted:
        sc.emit(mt.MatchDeclined(**m, reason="no seat"), day + timedelta(days=2))
        return
    sc.emit(mt.MatchAccepted(**m, starts_on=day + timedelta(days=3)), day + timedelta(days=2))
    pl = {"placement_id": uuid4(), "opening_id": o["opening_id"], "starts_on": day + timedelta(days=3),
          "organisation_id": o["organisation_id"], "outcome": None, "ended_on": None}  # fmt: skip
    p.placements.append(pl)
    sc.emit(cp.PlacementStarted(participant_id=p.pid, placement_id=pl["placement_id"],
                                match_id=m["match_id"], organisation_id=pl["organisation_id"],
                                opening_id=pl["opening_id"], starts_on=pl["starts_on"]),
            pl["starts_on"])  # fmt: skip
    _work_practice(sc, p, pl)
    if rng.random() < 0.6:
        pl["outcome"] = rng.choice(("completed", "hired", "dropped_out"))
        pl["ended_on"] = pl["starts_on"] + timedelta(days=30)
        sc.emit(cp.PlacementEnded(participant_id=p.pid, placement_id=pl["placement_id"],
                                  organisation_id=pl["organisation_id"], opening_id=pl["opening_id"],
                                  outcome=pl["outcome"], ended_on=pl["ended_on"]), pl["ended_on"])  # fmt: skip


def _work_practice(sc: Scenario, p: Person, pl: dict[str, Any]) -> None:
    """The workshop logs work practice hours on the placement's first two days."""
    pl["hours"] = [6.0, 1.25]
    for d, hours in enumerate(pl["hours"]):
        day = pl["starts_on"] + timedelta(days=d)
        sc.emit(cp.PlacementHoursLogged(participant_id=p.pid, placement_id=pl["placement_id"],
                                        organisation_id=pl["organisation_id"], hours=hours,
                                        worked_on=day), day)  # fmt: skip


def _exit(sc: Scenario, rng: random.Random, p: Person) -> None:
    if p.worker is None or rng.random() < 0.45:
        return
    p.exit_outcome = rng.choice(EXIT_OUTCOMES)
    p.exited_on = p.registered_on + timedelta(days=100)
    if any(pl["ended_on"] is None for pl in p.placements):
        pl = next(pl for pl in p.placements if pl["ended_on"] is None)
        pl["outcome"], pl["ended_on"] = "completed", p.exited_on
        sc.emit(cp.PlacementEnded(participant_id=p.pid, placement_id=pl["placement_id"],
                                  organisation_id=pl["organisation_id"], opening_id=pl["opening_id"],
                                  outcome="completed", ended_on=p.exited_on), p.exited_on)  # fmt: skip
    sc.emit(cp.ParticipantExited(participant_id=p.pid, case_plan_id=p.case_plan_id,
                                 outcome=p.exit_outcome, exited_on=p.exited_on,
                                 follow_up_due_on=p.exited_on + timedelta(days=182)), p.exited_on)  # fmt: skip
    if rng.random() < 0.7:
        p.follow_up = rng.choice(("employed", "self_employed", "inactive", "job_searching"))
        day = p.exited_on + timedelta(days=182)
        sc.emit(cp.ParticipantFollowedUp(participant_id=p.pid, case_plan_id=p.case_plan_id,
                                         outcome=p.follow_up, followed_up_on=day), day)  # fmt: skip


def publish(client: redis.Redis, events: list[Envelope[Any]]) -> None:
    """XADD events to their streams exactly as the outbox relay does."""
    pipe = client.pipeline(transaction=False)
    for env in events:
        pipe.xadd(env.stream, {"__data__": env.model_dump_json()})
    pipe.execute()

"""Random event histories of a network, with the awkward cases: re-entries, re-waitlisting,
repeated activities of one type, placements and matches of people never registered, updates
before registrations, refusals, several organisations per person, erasures, work practice
hours on placements, workers' own caseload limits (and older assignments without one)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid4

from shared.events import Envelope, Payload, new_event
from shared.events import caseplan as cp
from shared.events import intake as ik
from shared.events import matching as mt
from shared.events.vocabulary import RiskGroup

START = date(2024, 11, 20)
PLACES = ("Rapla vald", "Kohila vald", "Märjamaa vald", "Tartu linn")
SEXES = ("female", "male", "non_binary", "unknown")
STATUSES = ("unemployed", "long_term_unemployed", "inactive", "employed")
ACTIVITY_TYPES = ("work_practice", "coaching_session", "support_meeting")
EXITS = ("employed", "self_employed", "education_or_training", "qualification_gained",
         "job_searching", "inactive", "other")  # fmt: skip
FOLLOW_UPS = ("employed", "self_employed", "improved_situation", "job_searching", "inactive")
OUTCOMES = ("completed", "hired", "dropped_out", "ended_by_organisation")


class History:
    """Events of a random network, seeded."""

    def __init__(self, seed: int, people: int) -> None:
        self.rng = random.Random(seed)
        self.more = random.Random(seed + 1)  # consent and meetings, not to move the rest
        self.events: list[Envelope[Any]] = []
        self.organisations = [uuid4() for _ in range(5)]
        self.workers = [uuid4() for _ in range(4)]
        self.openings: list[tuple[UUID, UUID]] = []
        self.people: list[UUID] = []
        self._openings()
        for _ in range(people):
            self._person()
        for _ in range(6):
            self._meeting(None, None)
        self._erase()

    def day(self, spread: int = 500) -> date:
        return START + timedelta(days=self.rng.randint(0, spread))

    def emit(self, payload: Payload, on: date) -> None:
        at = datetime.combine(on, time(self.rng.randint(0, 23)), UTC)
        self.events.append(new_event(payload, producer="test", occurred_at=at))

    def _openings(self) -> None:
        for i in range(8):
            oid, org = uuid4(), self.rng.choice(self.organisations)
            self.openings.append((oid, org))
            fields = dict(opening_id=oid, organisation_id=org, municipality=PLACES[i % 4],
                          organisation_kind=("association", "employer")[i % 2],
                          title="x", kind="work_practice", seats=self.rng.randint(0, 4))  # fmt: skip
            self.emit(mt.OpeningPosted(**fields), self.day(200))
            if i % 3 == 0:
                self.emit(mt.OpeningUpdated(**{**fields, "seats": 6}), self.day(300))
            if i % 4 == 1:
                self.emit(mt.OpeningClosed(opening_id=oid, organisation_id=org), self.day())

    def _profile(self, cls: type[Any], pid: UUID, on: date) -> Any:
        r = self.rng
        risks = r.sample([g.value for g in RiskGroup], r.choice((0, 0, 1, 2, 3)))
        age = r.choice((None, 16, 17, 19, 24, 25, 29, 30, 40, 54, 55, 60))
        return cls(participant_id=pid, municipality=r.choice(PLACES), registered_on=on,
                   age_at_entry=age, age_band=r.choice(("18_24", "30_54", "unknown")),
                   sex=r.choice(SEXES), labour_market_status=r.choice(STATUSES),
                   months_unemployed=r.choice((0, 3, 6, 7, 12, 13, 30)),
                   in_education_or_training=r.random() < 0.2,
                   isced_level=r.choice((None, 0, 1, 2, 3, 4, 5, 8)), risk_groups=risks,
                   special_categories_refused=r.random() < 0.15)  # fmt: skip

    def _person(self) -> None:
        r, pid = self.rng, uuid4()
        self.people.append(pid)
        registered = self.day(400)
        if r.random() < 0.1:
            self.emit(self._profile(ik.ParticipantUpdated, pid, registered), registered)
        if r.random() < 0.93:  # some are known only from caseplan or matching
            self.emit(self._profile(ik.ParticipantRegistered, pid, registered), registered)
        if r.random() < 0.05:
            self.emit(self._profile(ik.ParticipantRegistered, pid, registered), registered)
        plan = uuid4()
        opened = registered + timedelta(days=r.randint(0, 5))
        self.emit(cp.CaseplanOpened(participant_id=pid, case_plan_id=plan, municipality="x",
                                    opened_on=opened, planned_end_on=opened), opened)  # fmt: skip
        self._case(pid, plan, opened)
        self._activities(pid, plan, opened)
        self._placements(pid, opened)
        self._exit(pid, plan, opened)
        self._consent(pid, opened)
        for _ in range(self.more.choice((0, 0, 1, 3))):
            self._meeting(pid, plan)

    def _consent(self, pid: UUID, opened: date) -> None:
        r = self.more
        if r.random() < 0.2:
            purposes = r.choice((["follow_up"], ["matching"], [], ["follow_up", "case_management"]))
            on = opened + timedelta(days=r.randint(0, 300))
            self.emit(ik.ParticipantConsentWithdrawn(participant_id=pid, purposes=purposes), on)

    def _meeting(self, pid: UUID | None, plan: UUID | None) -> None:
        r = self.more
        on = self.day(450)
        base = dict(meeting_id=uuid4(), organisation_id=r.choice(self.organisations),
                    support_worker_id=r.choice(self.workers), participant_id=pid,
                    case_plan_id=plan, municipality=r.choice([None, *PLACES]),
                    kind="team_meeting" if pid is None else "participant_meeting",
                    starts_at=datetime.combine(on, time(r.randint(0, 23)), UTC))  # fmt: skip
        self.emit(cp.MeetingScheduled(**base), on)
        if r.random() < 0.15:
            self.emit(cp.MeetingCancelled(**base, cancelled_on=on), on)
        elif r.random() < 0.7:
            came = [] if pid is None else [{"role": "participant", "status": r.choice(
                ("present", "excused", "no_show"))}]  # fmt: skip
            attendance = [*came, {"role": "support_worker", "status": "present"}]
            self.emit(cp.MeetingAttendanceRecorded(**base, held_on=on, attendance=attendance), on)

    def _case(self, pid: UUID, plan: UUID, opened: date) -> None:
        r = self.rng
        if r.random() < 0.4:
            on = opened + timedelta(days=r.randint(-2, 40))
            self.emit(cp.CaseplanWaitlisted(participant_id=pid, case_plan_id=plan,
                                            waitlisted_on=on), on)  # fmt: skip
        if r.random() < 0.8:
            on = opened + timedelta(days=r.randint(0, 60))
            self.emit(cp.CaseplanWorkerAssigned(
                participant_id=pid, case_plan_id=plan, support_worker_id=r.choice(self.workers),
                assigned_on=on, organisation_id=r.choice([None, *self.organisations]),
                caseload_limit=r.choice((None, 3, 10, 40))), on)  # fmt: skip

    def _activities(self, pid: UUID, plan: UUID, opened: date) -> None:
        r = self.rng
        for _ in range(r.choice((0, 1, 2, 4, 6))):
            aid, t = uuid4(), r.choice(ACTIVITY_TYPES)
            on = opened + timedelta(days=r.randint(0, 300))
            base = dict(participant_id=pid, case_plan_id=plan, activity_id=aid,
                        activity_type=t, organisation_id=r.choice([None, *self.organisations]))  # fmt: skip
            starts = None if r.random() < 0.2 else on
            self.emit(cp.ActivityRecorded(**base, status="planned", starts_on=starts), on)
            status = r.choice(("planned", "in_progress", "completed", "dropped"))
            later = on + timedelta(days=r.randint(0, 3))
            self.emit(cp.ActivityRecorded(**base, status=status, starts_on=starts), later)
            for _ in range(r.choice((0, 1, 2))):
                hours = r.choice((0.5, 4.0, 7.5))
                self.emit(cp.ActivityHoursLogged(**{k: v for k, v in base.items()
                          if k != "organisation_id"}, hours=hours, worked_on=later), later)  # fmt: skip

    def _placements(self, pid: UUID, opened: date) -> None:
        r = self.rng
        for _ in range(r.choice((0, 0, 1, 2))):
            opening, org = r.choice(self.openings)
            mid, plid = uuid4(), uuid4()
            on = opened + timedelta(days=r.randint(0, 200))
            m = dict(match_id=mid, participant_id=pid, opening_id=opening, organisation_id=org)
            if r.random() < 0.9:
                self.emit(mt.MatchProposed(**m, score=0.5), on)
            if r.random() < 0.6:
                self.emit(mt.MatchAccepted(**m), on + timedelta(days=2))
                start = on + timedelta(days=5)
                self.emit(cp.PlacementStarted(participant_id=pid, placement_id=plid,
                          organisation_id=org, opening_id=opening, starts_on=start), start)  # fmt: skip
                for _ in range(r.choice((0, 1, 3))):  # work practice logged by the workshop
                    worked = start + timedelta(days=r.randint(0, 30))
                    self.emit(cp.PlacementHoursLogged(participant_id=pid, placement_id=plid,
                              organisation_id=org, hours=r.choice((1.5, 6.0, 7.25)),
                              worked_on=worked), worked)  # fmt: skip
                if r.random() < 0.6:
                    end = start + timedelta(days=r.randint(1, 90))
                    self.emit(cp.PlacementEnded(participant_id=pid, placement_id=plid,
                              organisation_id=org, opening_id=opening,
                              outcome=r.choice(OUTCOMES), ended_on=end), end)  # fmt: skip
            elif r.random() < 0.5:
                self.emit(mt.MatchDeclined(**m), on + timedelta(days=1))

    def _exit(self, pid: UUID, plan: UUID, opened: date) -> None:
        r = self.rng
        if r.random() < 0.45:
            return
        out = opened + timedelta(days=r.randint(-3, 300))  # before the case opened: a re-entry
        self.emit(cp.ParticipantExited(participant_id=pid, case_plan_id=plan,
                  outcome=r.choice(EXITS), exited_on=out, follow_up_due_on=out), out)  # fmt: skip
        if r.random() < 0.6:
            later = out + timedelta(days=182)
            self.emit(cp.ParticipantFollowedUp(participant_id=pid, case_plan_id=plan,
                      outcome=r.choice(FOLLOW_UPS), followed_up_on=later), later)  # fmt: skip

    def _erase(self) -> None:
        for pid in self.rng.sample(self.people, min(3, len(self.people))):
            self.emit(ik.ParticipantErased(participant_id=pid), START + timedelta(days=450))

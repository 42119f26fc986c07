"""The demo employers: they answer proposals (from the webhook receiver or their inbox),
accept or decline them, and then log hours on the placements and end them."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from demo.keys import ADMIN, Identity, staff
from demo.receiver import match_id_of
from demo.steps import Caller, timesheet, today
from demo.year import journey

LATE_ANSWERS = frozenset(
    {"match_withdrawn", "match_expired", "match_accepted", "match_declined", "opening_closed",
     "no_seats_left"}
)  # fmt: skip
"""Refusals a live system gives an employer who answers late: counted, not errors."""
PLACEMENT_OVER = frozenset({"placement_ended", "case_closed"})
NOT_YET_WORKED = frozenset({*PLACEMENT_OVER, "worked_in_future"})
"""The demo plays a year in minutes, but caseplan takes hours only for days already worked."""
DECLINE_REASONS = ("no seat right now", "hours do not fit", "looking for other skills")


def placements_in(obj: Any) -> Iterator[dict[str, Any]]:
    """Every object with a placement_id inside a JSON answer."""
    if isinstance(obj, dict):
        if "placement_id" in obj:
            yield obj
        for value in obj.values():
            yield from placements_in(value)
    elif isinstance(obj, list):
        for item in obj:
            yield from placements_in(item)


def participant_of(body: Any) -> str | None:
    """The participant id in a proposal, if the sender shows it."""
    if isinstance(body, dict):
        if isinstance(body.get("participant_id"), str):
            return str(body["participant_id"])
        for key in ("match", "data", "payload", "candidate", "participant"):
            found = participant_of(body.get(key))
            if found:
                return found
    return None


def _day(value: Any) -> date:
    return date.fromisoformat(str(value)) if value else today()


class DemoEmployer:
    """Every organisation of the demo region, answering as a person in it would."""

    def __init__(self, caller: Caller, *, seed: int, count: int, seconds_per_day: float) -> None:
        self.caller = caller
        self.state = caller.state
        self.report = caller.report
        self.seed = seed
        self.count = count
        self.seconds_per_day = seconds_per_day
        self.tasks: set[asyncio.Task[None]] = set()

    async def consume(self, proposals: asyncio.Queue[tuple[str, dict[str, Any]]]) -> None:
        """Answer every proposal the webhook receiver queues."""
        while True:
            match_id, body = await proposals.get()
            self.report.count("webhooks_received")
            self._spawn(self.answer(match_id, body))

    async def poll_inboxes(self, interval: float = 1.0) -> None:
        """Read each organisation's inbox of proposed matches (for webhooks that never come)."""
        if self.caller.api.route("proposed_matches") is None:
            self.report.skip("proposed_matches", "matching offers no organisation inbox (yet)")
            return
        while True:
            for org_id in list(self.state.organisation_ids.values()):
                answer = await self.caller.send(
                    "proposed_matches",
                    query={"status": "proposed"},
                    identity=self.staff_of(org_id),
                    organisation_id=org_id,
                )
                items = answer.get("items", []) if isinstance(answer, dict) else answer or []
                for item in items:
                    match_id = match_id_of(item)
                    if match_id and match_id not in self.state.matches_seen:
                        self._spawn(self.answer(match_id, item))
            if not await self.caller.pause(interval):
                return

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def answer(self, match_id: str, body: dict[str, Any]) -> None:
        """Accept or decline one proposal, as the participant's journey says."""
        if match_id in self.state.matches_seen:
            return
        self.state.matches_seen.add(match_id)
        self.report.count("proposals_seen")
        match = await self.caller.send("get_match", match_id=match_id)
        participant_id = participant_of(body) or participant_of(match)
        index = self.state.index_of.get(participant_id or "", -1)
        organisation_id = match.get("organisation_id") if isinstance(match, dict) else None
        staff = self.staff_of(organisation_id, index)
        # Under the participant's placement lock, so an exit never overtakes an acceptance
        # whose placement caseplan has not started yet.
        async with self.state.placement_locks[index]:
            placement_id = await self._answer(match_id, index, staff)
        if placement_id is not None:
            await self.run_placement(index, placement_id)

    async def _answer(self, match_id: str, index: int, staff: Identity | None) -> str | None:
        n = self.state.proposals_per_participant[index]
        self.state.proposals_per_participant[index] += 1
        rng = random.Random(f"answer:{self.seed}:{index}:{n}" if index >= 0 else match_id)
        plan = journey(self.seed, max(index, 0), self.count)
        if index in self.state.exited or rng.random() >= plan.accept_chance:
            left = index in self.state.exited
            reason = "participant has left" if left else rng.choice(DECLINE_REASONS)
            await self._decide("decline_match", match_id, {"reason": reason}, staff)
            return None
        starts_on = today()
        if self.dated(index):  # the schedule's day, never before the registration
            starts_on = max(self.caller.calendar.now(), self.caller.calendar.day(plan.arrival_day))
        body = {"starts_on": starts_on.isoformat(), "hours_per_week": plan.placement_hours_per_week}
        answer = await self._decide("accept_match", match_id, body, staff)
        participant_id = self.state.participant_ids.get(index) or participant_of(answer)
        if answer is None or participant_id is None:
            return None
        placement_id = await self._placement_of(participant_id, match_id)
        if placement_id is not None:
            self.state.active_placements[index].add(placement_id)
        return placement_id

    def dated(self, index: int) -> bool:
        """True when a participant's placement is dated back: one of the replayed year's."""
        return self.caller.calendar.dated() and 0 <= index < self.count

    def staff_of(self, organisation_id: Any, index: int = -1) -> Identity | None:
        """The identity of an organisation's staff (None: the demo acts as admin), with the
        history import permission for a participant of a year dated back."""
        kind = self.state.organisation_kinds.get(str(organisation_id))
        found = ADMIN if kind is None else staff(str(organisation_id), kind)
        if self.dated(index):
            return found.importing()
        return None if kind is None else found

    async def _decide(
        self, step: str, match_id: str, body: dict[str, Any], identity: Identity | None
    ) -> Any:
        answer = await self.caller.send(
            step, body, refusals=LATE_ANSWERS, identity=identity, match_id=match_id
        )
        if answer is not None:
            self.report.count("matches_accepted" if step == "accept_match" else "matches_declined")
        return answer

    async def run_placement(self, index: int, placement_id: str) -> None:
        """Log fortnightly hours on the placement that the acceptance started, then end it."""
        plan = journey(self.seed, max(index, 0), self.count)
        for fortnight in range(plan.placement_weeks // 2):
            going_on = await self.caller.pause(14 * self.seconds_per_day)
            if not going_on or placement_id not in self.state.active_placements[index]:
                return
            key = f"{self.seed}:{index}:{self.state.proposals_per_participant[index]}:{fortnight}"
            await self._log_hours(index, placement_id, 2 * plan.placement_hours_per_week, key)
        if (
            placement_id in self.state.active_placements[index]
            and not self.caller.stopping.is_set()
        ):
            await self.end_placement(index, placement_id, plan.placement_outcome.value)

    async def _placement_of(self, participant_id: str, match_id: str) -> str | None:
        """Wait for caseplan to start the placement of an accepted match."""
        deadline = asyncio.get_running_loop().time() + 3 * self.caller.patience
        while asyncio.get_running_loop().time() < deadline:
            answer = await self.caller.send(
                "get_case_plan", wait_for_events=True, participant_id=participant_id
            )
            for placement in placements_in(answer):
                if str(placement.get("match_id") or match_id) == match_id:
                    placement_id = str(placement["placement_id"])
                    self.state.placement_organisations[placement_id] = str(
                        placement.get("organisation_id")
                    )
                    self.state.placement_starts[placement_id] = _day(placement.get("starts_on"))
                    self.report.count("placements_started")
                    return placement_id
            if not await self.caller.pause(0.2):
                return None
        if not self.caller.stopping.is_set():
            self.report.error("placements_started", f"no placement for match {match_id} yet")
        return None

    async def _log_hours(self, index: int, placement_id: str, hours: float, key: str) -> None:
        """A fortnight's timesheet, and now and then a day the participant did not come."""
        if self.caller.shed("log_placement_hours"):
            return
        start = self.state.placement_starts[placement_id]
        for worked_on, chunk in timesheet(hours, self.state.timesheet_days[placement_id], start):
            self.state.timesheet_days[placement_id] += 1
            body = {
                "hours": chunk,
                "worked_on": worked_on.isoformat(),
                "organisation_id": self.state.placement_organisations[placement_id],
            }
            if (
                await self.caller.send(
                    "log_placement_hours",
                    body,
                    refusals=NOT_YET_WORKED,
                    identity=self.staff_of(body["organisation_id"], index),
                    placement_id=placement_id,
                )
                is not None
            ):
                self.report.count("placement_hours_entries")
                self.report.hours_by_activity_type["placement"] += chunk
        if random.Random(f"absent:{key}").random() < 0.2:
            await self._absence(index, placement_id, start)

    async def _absence(self, index: int, placement_id: str, start: date) -> None:
        """A day the participant did not come, recorded by the organisation's staff."""
        day = start + timedelta(days=self.state.timesheet_days[placement_id])
        self.state.timesheet_days[placement_id] += 1
        organisation_id = self.state.placement_organisations[placement_id]
        body = {
            "organisation_id": organisation_id,
            "attended_on": day.isoformat(),
            "present": False,
        }
        if (
            await self.caller.send(
                "record_attendance",
                body,
                refusals=PLACEMENT_OVER,
                identity=self.staff_of(organisation_id, index),
                placement_id=placement_id,
            )
            is not None
        ):
            self.report.count("absences_recorded")

    async def end_placement(
        self, index: int, placement_id: str, outcome: str, on: date | None = None
    ) -> None:
        """End a placement with an outcome (on `on`, else the day the schedule has reached)."""
        self.state.active_placements[index].discard(placement_id)
        ended_on = on or (self.caller.calendar.now() if self.dated(index) else today())
        body = {
            "outcome": outcome,
            "ended_on": max(ended_on, self.state.placement_starts[placement_id]).isoformat(),
            "organisation_id": self.state.placement_organisations[placement_id],
        }
        if (
            await self.caller.send(
                "end_placement",
                body,
                refusals=PLACEMENT_OVER,
                identity=self.staff_of(body["organisation_id"], index),
                placement_id=placement_id,
            )
            is not None
        ):
            self.report.placements_ended_by_outcome[outcome] += 1
            self.report.count("placements_ended")

    async def end_placements(self, index: int, participant_id: str, on: date | None = None) -> None:
        """End whatever placement the participant still has (before an exit on `on`)."""
        for placement_id in list(self.state.active_placements.get(index, ())):
            await self.end_placement(index, placement_id, "completed", on)

    async def stop(self) -> None:
        """Let answers and placements under way see the demo stopping and finish."""
        await asyncio.gather(*self.tasks, return_exceptions=True)

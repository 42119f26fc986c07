"""One participant's year, step by step, through intake's and caseplan's APIs."""

from __future__ import annotations

import asyncio
import calendar
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from demo.bodies import intake_body
from demo.keys import municipality
from demo.people import Participant
from demo.report import DemoReport
from demo.state import DemoState, id_in
from demo.steps import Caller, timesheet, today
from demo.year import Action, PlannedActivity

if TYPE_CHECKING:
    from demo.employer import DemoEmployer

NOT_YET_WORKED = frozenset({"worked_in_future"})
"""The demo plays a year in minutes, but caseplan takes hours only for days already worked
and a six-month follow-up only once six months have passed: those refusals are counted."""


def six_months_after(day: date) -> date:
    """The day caseplan's follow-up falls due (the month's last day when it has no such day)."""
    index = day.month - 1 + 6
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


NOT_YET_DUE = frozenset({"follow_up_too_early", "follow_up_in_future"})


class ParticipantFlow:
    """Runs each scheduled action, one at a time per participant, in schedule order."""

    def __init__(self, caller: Caller, employer: DemoEmployer, concurrency: int) -> None:
        self.caller = caller
        self.employer = employer
        self.state: DemoState = caller.state
        self.report: DemoReport = caller.report
        # Registrations get their own lane so arrivals never queue behind timesheets.
        self.intake_lane = asyncio.Semaphore(max(1, concurrency // 2))
        self.work_lane = asyncio.Semaphore(max(1, concurrency - concurrency // 2))
        caller.shed_above = 2 * concurrency

    async def run(self, action: Action, participant: Participant | None) -> None:
        """Do one action (its participant's earlier actions have finished). People an
        earlier run registered are not driven again: their cases went on (or closed) then."""
        if action.index in self.state.earlier:
            self.report.count(f"{action.kind}_of_participants_from_an_earlier_run")
            return
        if action.kind == "register":
            assert participant is not None
            async with self.state.locks[action.index], self.intake_lane:
                await self.register(participant, action)
            return
        async with self.state.locks[action.index], self.work_lane:
            participant_id = self.state.participant_ids.get(action.index)
            if participant_id is None:  # its registration failed, and that error is counted
                self.report.count("steps_of_unregistered_participants")
                return
            await getattr(self, action.kind)(action, participant_id)

    async def register(self, p: Participant, action: Action) -> None:
        """Intake registers the person (on their day of the year, when it is dated back)."""
        given_at = datetime.now(UTC) - timedelta(minutes=1)
        body, clerk = intake_body(p, given_at), municipality(p.municipality)
        if self.caller.calendar.dated(action):
            on = self.caller.calendar.on(action)
            given_at = min(given_at, datetime(on.year, on.month, on.day, 9, tzinfo=UTC))
            body = intake_body(p, given_at) | {"registered_on": on.isoformat()}
            clerk = clerk.importing()
        answer = await self.caller.send(
            "register_participant",
            body,
            essential=True,
            headers={"Idempotency-Key": f"polku-demo-{self.caller.run_id}-{p.index}"},
            identity=clerk,
        )
        participant_id = id_in(answer, "participant_id", "id")
        if participant_id is None:
            return
        if isinstance(answer, dict) and answer.get("status", "created") != "created":
            self.state.earlier.add(p.index)  # known to intake already: an earlier run's
            self.report.count("participants_updated")
            return
        self.state.registered(p.index, participant_id)
        self.report.count("participants_registered")

    async def ready(self, action: Action, participant_id: str) -> None:
        """The support worker marks the participant ready for matching."""
        body = {"opening_kinds": [str(k) for k in action.data["opening_kinds"]]}
        try:  # the case plan first: it must be open, and it names the support worker
            await self.caller.case_plan_id(participant_id)
        except LookupError as exc:
            if not self.caller.stopping.is_set():
                self.report.error("mark_ready", str(exc))
            return
        if (
            await self.caller.send(
                "mark_ready",
                body,
                wait_for_events=True,
                identity=self.caller.worker_of(action.index, action),
                participant_id=participant_id,
            )
            is not None
        ):
            self.report.count("marked_ready")
        await self.goal(action, participant_id)

    async def goal(self, action: Action, participant_id: str) -> None:
        """The plan's goal: the kind of place sought, within three months."""
        if self.caller.shed("add_goal"):
            return
        kinds = ", ".join(str(k).replace("_", " ") for k in action.data["opening_kinds"])
        body = {
            "title": f"Find a place: {kinds}",
            "target_on": (self.caller.calendar.on(action) + timedelta(days=91)).isoformat(),
        }
        if (
            await self.caller.send(
                "add_goal",
                body,
                identity=self.caller.worker_of(action.index, action),
                participant_id=participant_id,
            )
            is not None
        ):
            self.report.count("goals_set")

    async def activity(self, action: Action, participant_id: str) -> None:
        """An activity is added to the case plan, in progress from its day."""
        planned: PlannedActivity = action.data["planned"]
        if self.caller.shed("add_activity"):
            return
        on = self.caller.calendar.on(action)
        body = {
            "activity_type": planned.activity_type.value,
            "provider_kind": planned.provider_kind.value,
            "status": "in_progress",
            "starts_on": on.isoformat(),
            "ends_on": (on + timedelta(weeks=planned.weeks)).isoformat(),
        }
        if self.caller.calendar.dated(action):  # an import's days are all past
            body["ends_on"] = min(on + timedelta(weeks=planned.weeks), today()).isoformat()
        answer = await self.caller.send(
            "add_activity",
            body,
            wait_for_events=True,
            identity=self.caller.worker_of(action.index, action),
            participant_id=participant_id,
        )
        activity_id = id_in(answer, "activity_id", "id")
        if activity_id is not None:
            ref = str(action.data["ref"])
            self.state.activity_ids[ref] = activity_id
            self.state.activities[ref] = planned
            self.state.activity_starts[ref] = on
            self.report.count("activities_recorded")

    async def activity_hours(self, action: Action, participant_id: str) -> None:
        """A fortnight's timesheet of a work practice or training activity."""
        ref = str(action.data["ref"])
        activity_id = self.state.activity_ids.get(ref)
        if activity_id is None or self.caller.shed("log_activity_hours"):
            return
        kind = self.state.activities[ref].activity_type.value
        start = self.state.activity_starts.get(ref)
        for worked_on, hours in timesheet(
            float(action.data["hours"]), self.state.timesheet_days[ref], start
        ):
            self.state.timesheet_days[ref] += 1
            body = {"hours": hours, "worked_on": worked_on.isoformat()}
            if (
                await self.caller.send(
                    "log_activity_hours",
                    body,
                    refusals=NOT_YET_WORKED,
                    activity_id=activity_id,
                    identity=self.caller.worker_of(action.index, action),
                    participant_id=participant_id,
                )
                is not None
            ):
                self.report.count("activity_hours_entries")
                self.report.hours_by_activity_type[kind] += hours

    async def activity_end(self, action: Action, participant_id: str) -> None:
        """The activity is completed or dropped."""
        activity_id = self.state.activity_ids.get(str(action.data["ref"]))
        if activity_id is None:
            return
        status = str(action.data["status"])
        body = {"status": status, "ends_on": self.caller.calendar.on(action).isoformat()}
        if (
            await self.caller.send(
                "end_activity",
                body,
                activity_id=activity_id,
                identity=self.caller.worker_of(action.index, action),
                participant_id=participant_id,
            )
            is not None
        ):
            self.report.count(f"activities_{status}")

    async def exit(self, action: Action, participant_id: str) -> None:
        """The case closes with an outcome (an open placement ends first)."""
        async with self.state.placement_locks[action.index]:
            await self.employer.end_placements(
                action.index, participant_id, self.caller.calendar.on(action)
            )
            await self._exit(action, participant_id)

    async def _exit(self, action: Action, participant_id: str) -> None:
        outcome = str(action.data["outcome"])
        exited_on = self.caller.calendar.on(action)
        body = {"outcome": outcome, "exited_on": exited_on.isoformat()}
        if (
            await self.caller.send(
                "exit_participant",
                body,
                wait_for_events=True,
                refusals=frozenset({"case_closed"}),
                identity=self.caller.worker_of(action.index, action),
                participant_id=participant_id,
            )
            is not None
        ):
            self.state.exited.add(action.index)
            self.state.exit_days[action.index] = exited_on
            self.report.exits_by_outcome[outcome] += 1
            self.report.count("participants_exited")

    async def follow_up(self, action: Action, participant_id: str) -> None:
        """Six months on, the participant's situation is recorded."""
        if action.index not in self.state.exited:
            return
        outcome = str(action.data["outcome"])
        on = self.caller.calendar.on(action)
        if self.caller.calendar.dated(action):  # six calendar months, which 182 days may miss
            on = max(on, six_months_after(self.state.exit_days[action.index]))
        body = {"outcome": outcome, "followed_up_on": on.isoformat()}
        if (
            await self.caller.send(
                "record_follow_up",
                body,
                refusals=NOT_YET_DUE,
                identity=self.caller.worker_of(action.index, action),
                participant_id=participant_id,
            )
            is not None
        ):
            self.report.follow_ups_by_outcome[outcome] += 1
            self.report.count("follow_ups_recorded")

"""The demo's calls to the services, each tolerant: a missing endpoint is a skipped step,
a refusal is a counted error, and a not-yet-known participant is retried for a while."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from demo.apis import Api, Route
from demo.keys import ADMIN, Identity, KeyRing
from demo.report import DemoReport
from demo.state import DemoState, id_in
from demo.year import HORIZON_DAYS, Action

NOT_YET = frozenset({404, 409, 425})
"""Answers that may mean "the event has not reached this service yet"."""


@dataclass
class Request:
    """One step on its way: where it goes, what it carries, and as whom."""

    step: str
    route: Route
    body: dict[str, Any] | None
    query: dict[str, Any] | None
    headers: dict[str, str]
    params: dict[str, Any]
    identity: Identity | None

    @property
    def safe(self) -> bool:
        """A read, or a write the service answers again with its first result."""
        return self.route.method == "get" or "Idempotency-Key" in self.headers


@dataclass
class DemoCalendar:
    """Where the replayed year lies among real days. With `first_day` set (a history import:
    keys with the `history` scope) the schedule's day 0 is `first_day` and its last day
    today, so the year's registrations, activities, placements, exits and follow-ups land in
    the past months they belong to; without it every step is dated today."""

    first_day: date | None = None
    started_at: float | None = None
    seconds_per_day: float = 1.0

    @classmethod
    def ending_today(cls) -> DemoCalendar:
        """A calendar whose schedule ends today (the year's last follow-up)."""
        return cls(first_day=today() - timedelta(days=HORIZON_DAYS))

    def start(self, at: float, seconds_per_day: float) -> None:
        """The schedule's day 0 is played at loop time `at`, a day every `seconds_per_day`."""
        self.started_at, self.seconds_per_day = at, seconds_per_day

    def dated(self, action: Action | None = None) -> bool:
        """True when steps are dated back (not a live day's action)."""
        return self.first_day is not None and not (action is not None and action.live)

    def day(self, day: float) -> date:
        """The real day of the schedule's `day` (never after today)."""
        if self.first_day is None:
            return today()
        return min(self.first_day + timedelta(days=int(day)), today())

    def on(self, action: Action) -> date:
        """The day an action is dated: its own day of the year, or today for a live one."""
        return self.day(action.day) if self.dated(action) else today()

    def now(self) -> date:
        """The day the schedule has reached (for answers that come when they come)."""
        if self.first_day is None or self.started_at is None:
            return today()
        played = (asyncio.get_running_loop().time() - self.started_at) / self.seconds_per_day
        return self.day(max(0.0, played))


class Caller:
    """Sends one step to the service that offers it, and records the outcome."""

    def __init__(
        self,
        api: Api,
        report: DemoReport,
        state: DemoState,
        *,
        patience: float,
        keys: KeyRing,
        calendar: DemoCalendar | None = None,
    ) -> None:
        self.api = api
        self.calendar = calendar or DemoCalendar()
        self.keys = keys
        self.report = report
        self.state = state
        self.patience = patience
        self.stopping = asyncio.Event()
        self.run_id = uuid.uuid4().hex[:12]
        self.backlog = 0
        self.shed_above = 64
        self.optional_steps = 0

    def shed(self, step: str) -> bool:
        """True (and counted) when the demo is too far behind to send this optional step:
        at k times the allowed backlog only one in k such steps is sent."""
        if self.backlog <= self.shed_above:
            return False
        self.optional_steps += 1
        if self.optional_steps % -(-self.backlog // self.shed_above) == 0:
            return False
        self.report.count(f"{step}_shed_behind_schedule")
        return True

    async def pause(self, seconds: float) -> bool:
        """Sleep, waking early when the demo stops; True while the demo goes on."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)
        return not self.stopping.is_set()

    async def send(
        self,
        step: str,
        body: dict[str, Any] | None = None,
        *,
        wait_for_events: bool = False,
        refusals: frozenset[str] = frozenset(),
        query: dict[str, Any] | None = None,
        essential: bool = False,
        headers: dict[str, str] | None = None,
        identity: Identity | None = None,
        **params: Any,
    ) -> Any:
        """The step's JSON answer, or None when skipped or refused. Refusals whose reason is
        in `refusals` are expected in a live system (a withdrawn match) and only counted.
        Once the demo stops only `essential` steps (registrations already due) are sent."""
        route = self.api.route(step)
        if route is None:
            self.report.skip(step, "the service does not offer this endpoint (yet)")
            return None
        if self._held_back(essential):
            return None
        try:
            params = await self._path_values(route.params, params)
        except LookupError as exc:
            if not self.stopping.is_set():
                self.report.error(step, str(exc))
            return None
        headers = {**(headers or {}), **await self.keys.headers(identity)}
        request = Request(step, route, body, query, headers, params, identity)
        return await self._exchange(request, essential, wait_for_events, refusals)

    def _held_back(self, essential: bool) -> bool:
        if self.stopping.is_set() and not essential:
            self.report.count("steps_not_sent_at_end")
            return True
        return False

    async def _exchange(
        self, q: Request, essential: bool, wait_for_events: bool, refusals: frozenset[str]
    ) -> Any:
        patience = self.patience * (3 if essential else 1)
        delay, deadline = 0.05, asyncio.get_running_loop().time() + patience
        while not self._held_back(essential):
            r = await self._attempt(q, deadline)
            if r is None:
                return None
            if isinstance(r, httpx.Response):
                admin = ADMIN.importing() if q.identity and q.identity.history else ADMIN
                if r.status_code in (401, 403) and q.identity not in (None, admin):
                    # The role the demo plays may not do this (yet): the network's admin may.
                    self.report.count(f"{q.step}_sent_as_admin")
                    q.identity, q.headers = admin, {**q.headers, **await self.keys.headers(admin)}
                    continue
                if r.status_code < 300:
                    return r.json() if r.content else {}
                again = (wait_for_events and r.status_code in NOT_YET) or (
                    r.status_code == 503 and q.safe  # a backing server is briefly unavailable
                )
                if not again or late(deadline):
                    self._refused(q.step, r, refusals)
                    return None
                await self.pause(delay)
                delay = min(delay * 2, 1.0)
        return None

    async def _attempt(self, q: Request, deadline: float) -> httpx.Response | bool | None:
        """The answer; True to try again at once (a dropped connection); None on failure."""
        began = asyncio.get_running_loop().time()
        try:
            r = await self.api.call(q.route, q.body, q.query, q.headers, **q.params)
        except httpx.TransportError as exc:
            if q.safe and not late(deadline):
                return True  # a read, or a write the service answers again with its first result
            self.report.error(q.step, f"{type(exc).__name__}: {exc}")
            return None
        except httpx.HTTPError as exc:
            self.report.error(q.step, f"{type(exc).__name__}: {exc}")
            return None
        self.report.timed(q.step, asyncio.get_running_loop().time() - began)
        return r

    def _refused(self, step: str, r: httpx.Response, expected: frozenset[str]) -> None:
        reason = refusal_reason(r)
        if reason in expected:
            self.report.count(f"{step}_refused_{reason}")
        else:
            self.report.error(step, f"HTTP {r.status_code}: {r.text}")

    async def _path_values(
        self, names: tuple[tuple[str, str], ...], given: dict[str, Any]
    ) -> dict[str, Any]:
        """Fill in a case plan id from the participant when the route is keyed by case plan."""
        wanted = {ours for ours, _ in names}
        if "case_plan_id" in wanted and "case_plan_id" not in given:
            given = {**given, "case_plan_id": await self.case_plan_id(given["participant_id"])}
        return given

    async def case_plan_id(self, participant_id: str) -> str:
        """The case plan id of a participant, asked of caseplan once and remembered."""
        index = self.state.index_of.get(participant_id, -1)
        if index in self.state.case_plan_ids:
            return self.state.case_plan_ids[index]
        plan = await self.send("get_case_plan", wait_for_events=True, participant_id=participant_id)
        found = id_in(plan, "case_plan_id", "id")
        if found is None:
            raise LookupError(f"no case plan for participant {participant_id}")
        self.state.case_plan_ids[index] = found
        worker = plan.get("support_worker") if isinstance(plan, dict) else None
        if isinstance(worker, dict) and worker.get("organisation_id"):
            self.state.case_organisations[index] = str(worker["organisation_id"])
        return found

    def worker_of(self, index: int, action: Action | None = None) -> Identity | None:
        """The support worker's identity for a participant's case (None: act as admin); for
        an action of a year dated back, with the history import permission."""
        org = self.state.case_organisations.get(index)
        worker = ADMIN if org is None else Identity("support_worker", org)
        if self.calendar.dated(action) and action is not None:
            return worker.importing()
        return None if org is None else worker


def late(deadline: float) -> bool:
    """True once the event loop's clock is past `deadline`."""
    return asyncio.get_running_loop().time() > deadline


def refusal_reason(r: httpx.Response) -> str | None:
    """The machine-readable reason of a 4xx answer (`{"detail": {"reason": ...}}`)."""
    try:
        detail = r.json().get("detail")
    except (ValueError, AttributeError):
        return None
    return str(detail.get("reason")) if isinstance(detail, dict) else None


def today() -> date:
    """The services' calendar day (UTC)."""
    return datetime.now(UTC).date()


def timesheet(
    hours: float, first_day: int, start: date | None = None, per_entry: float = 8.0
) -> list[tuple[date, float]]:
    """Split hours into entries of at most `per_entry` on distinct days counted from `start`
    (default today), so no day holds more than a working day although the demo plays a
    whole year in minutes."""
    start = start or today()
    entries = []
    day = first_day
    while hours > 0:
        chunk = min(per_entry, hours)
        entries.append((start + timedelta(days=day), chunk))
        hours -= chunk
        day += 1
    return entries

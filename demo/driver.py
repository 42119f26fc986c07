"""`polku demo`'s engine: create the region through the public APIs, then play its year."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from demo.apis import Api
from demo.employer import DemoEmployer
from demo.flow import ParticipantFlow
from demo.keys import KeyRing
from demo.ledger import RegionLedger, load_ledger, save_ledger
from demo.living import LivingRegion, until
from demo.people import Participant, iter_participants
from demo.receiver import WebhookReceiver
from demo.region import build_region
from demo.report import DemoReport
from demo.setup import create_region, webhooks_off
from demo.state import DemoState
from demo.steps import Caller, DemoCalendar
from demo.year import HORIZON_DAYS, Action, year_schedule

SERVICES = ("intake", "caseplan", "matching", "reporting")
DEMO_ENV = {
    "POLKU_MATCHING_ALLOW_PRIVATE_WEBHOOKS": "true",
    "POLKU_ENV": "development",
    "POLKU_WEB_DEMO_PEOPLE": "true",
}
"""Settings `polku demo` gives the services it starts: its employers listen on 127.0.0.1,
it is development (the development secrets are accepted), and the web front lists demo
people on its sign-in page."""


@dataclass
class DemoConfig:
    """How big, how fast and against which services the demo runs."""

    urls: dict[str, str]
    seed: int = 7
    participants: int = 200
    duration: float = 60.0
    rate: float = 0.0
    api_key: str | None = None
    database_url: str | None = None
    concurrency: int = 32
    patience: float = 5.0
    grace: float = 10.0
    ready_timeout: float = 60.0
    extra_headers: dict[str, str] = field(default_factory=dict)
    live: bool = False
    """After the replay, live on at a slow pace until `halt` (or `live_for` seconds)."""
    live_for: float | None = None
    live_every: float = 3.0
    halt: threading.Event = field(default_factory=threading.Event)
    """Set it (Ctrl-C, SIGTERM) to stop: nothing new is sent, answers are awaited."""
    ledger_path: Path | None = None
    """Where the ids of the region's organisations, openings, workers and people are kept."""
    history: bool = True
    """Spread the year over the real past months that end today, with keys holding the
    `history` scope (only when the demo mints its keys, i.e. with `database_url`)."""


async def wait_ready(http: httpx.AsyncClient, urls: dict[str, str], within: float) -> None:
    """Wait until every service answers /readyz with 200."""
    deadline = asyncio.get_running_loop().time() + within
    for service, url in urls.items():
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(f"{url}/readyz")).status_code == 200:
                    break
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"{service} at {url} is not ready after {within:.0f}s")
            await asyncio.sleep(0.2)


async def run_demo(config: DemoConfig, say: Callable[[str], Any] = print) -> DemoReport:
    """Create the demo region and drive it for `config.duration` seconds; what was sent."""
    report = DemoReport(config.seed, config.participants)
    headers = dict(config.extra_headers)
    keys = KeyRing(config.database_url, config.api_key)
    async with httpx.AsyncClient(timeout=5) as http:
        await wait_ready(http, config.urls, config.ready_timeout)
    api = Api(config.urls, in_flight=config.concurrency, headers=headers)
    keys.api = api
    try:
        await api.discover()
        with _halted_by_signals(config.halt):
            await _run(config, api, keys, report, say)
    finally:
        await api.aclose()
    if keys.failure:
        report.skip("api_keys", f"could not create keys ({keys.failure[:200]})")
    report.count("api_keys_created_over_http", keys.created_over_http)
    if keys.transient_failures:
        report.error("api_keys", f"{keys.transient_failures} times: {keys.last_transient}")
    return report


@contextlib.contextmanager
def _halted_by_signals(halt: threading.Event) -> Iterator[None]:
    """In the main thread Ctrl-C and SIGTERM set `halt` (the demo then stops cleanly)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, halt.set)
    try:
        yield
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def _run(
    config: DemoConfig, api: Api, keys: KeyRing, report: DemoReport, say: Callable[[str], Any]
) -> None:
    receiver = WebhookReceiver()
    await receiver.start()
    say(f"polku demo: employer webhook receiver at {receiver.url}")
    ledger = load_ledger(config.ledger_path, config.seed, config.participants)
    dated = config.history and config.database_url is not None
    calendar = DemoCalendar.ending_today() if dated else DemoCalendar()
    caller = Caller(
        api, report, DemoState(), patience=config.patience, keys=keys, calendar=calendar
    )
    try:
        region = build_region(config.seed, config.participants)
        await create_region(caller, region, receiver, ledger)
        say(_set_up(report))
        caller.state.earlier.update(int(i) for i in ledger.participants)
        await Driver(config, caller, receiver, ledger, say).play()
    finally:
        await webhooks_off(caller)  # before the receiver goes: nothing left to dead-letter
        await receiver.stop()
        ledger.participants.update({str(i): p for i, p in caller.state.participant_ids.items()})
        save_ledger(config.ledger_path, config.seed, config.participants, ledger)
        report.count("webhooks_signature_verified", receiver.verified)
        report.count("webhooks_signature_rejected", receiver.rejected)


def _set_up(report: DemoReport) -> str:
    """What the region's set-up created, and what it found from an earlier run."""
    sent = report.sent
    found = (
        f" (found from an earlier run: {sent['organisations_found']} organisations, "
        f"{sent['support_workers_found']} support workers, {sent['openings_found']} openings)"
    )
    return (
        f"polku demo: region created: {sent['organisations_registered']} organisations, "
        f"{sent['support_workers_added']} support workers, {sent['openings_posted']} openings"
        + (found if sent["organisations_found"] else "")
    )


class Driver:
    """Plays the year's schedule at the chosen pace, with the employers answering; then,
    when the demo is to live on, a live day after another until halted."""

    def __init__(
        self,
        config: DemoConfig,
        caller: Caller,
        receiver: WebhookReceiver,
        ledger: RegionLedger | None = None,
        say: Callable[[str], Any] = print,
    ) -> None:
        self.config = config
        self.caller = caller
        self.receiver = receiver
        self.ledger = ledger or RegionLedger()
        self.say = say
        self.seconds_per_day = config.duration * 0.85 / HORIZON_DAYS
        self.employer = DemoEmployer(
            caller, seed=config.seed, count=config.participants,
            seconds_per_day=self.seconds_per_day,
        )  # fmt: skip
        self.flow = ParticipantFlow(caller, self.employer, config.concurrency)

    async def play(self) -> None:
        """Send every action due before the duration ends, give stragglers `grace` seconds,
        then stop: nothing new is sent, and every request already sent gets its answer, so
        the report counts exactly what the services accepted."""
        interval = 5.0 if self.caller.state.webhooks else 1.0
        consume = asyncio.create_task(self.employer.consume(self.receiver.proposals))
        poll = asyncio.create_task(self.employer.poll_inboxes(interval=interval))
        tasks: set[asyncio.Task[None]] = set()
        try:
            completed = self._replayed_before() or await self._schedule(
                asyncio.get_running_loop().time(), tasks
            )
            self.caller.report.schedule_completed = completed
            if tasks:
                await asyncio.wait(tasks, timeout=self.config.grace)
            if self.config.live and not self.config.halt.is_set():
                await self._live(tasks)
        finally:
            self.caller.stopping.set()
            consume.cancel()
            await asyncio.gather(consume, poll, *tasks, return_exceptions=True)
            await self.employer.stop()

    def _replayed_before(self) -> bool:
        """True (and said) when an earlier run registered everyone of the year already."""
        if not all(i in self.caller.state.earlier for i in range(self.config.participants)):
            return False
        self.say("polku demo: an earlier run played this year already")
        self.caller.report.count("year_replayed_by_an_earlier_run")
        return True

    async def _schedule(self, start: float, tasks: set[asyncio.Task[None]]) -> bool:
        end = start + self.config.duration
        self.caller.calendar.start(start, self.seconds_per_day)
        people = iter_participants(self.config.seed, self.config.participants)
        next_slot = start
        for action in year_schedule(self.config.seed, self.config.participants):
            at = start + action.day * self.seconds_per_day
            if self.config.rate > 0:
                at = max(at, next_slot)
                next_slot = at + 1 / self.config.rate
            if at > end:
                return False
            if not await until(at, self.config.halt):
                return False
            participant = next(people) if action.kind == "register" else None
            self._spawn(tasks, action, participant)
        return True

    def _spawn(
        self, tasks: set[asyncio.Task[None]], action: Action, participant: Participant | None
    ) -> None:
        task = asyncio.create_task(self.flow.run(action, participant))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        self.caller.backlog = len(tasks)

    async def _live(self, tasks: set[asyncio.Task[None]]) -> None:
        """Live days until halted (or `live_for`), then the answers of what was sent."""
        self.say("polku demo: the year is replayed; the region lives on (Ctrl-C to stop)")
        living = LivingRegion(
            self.flow, self.ledger, seed=self.config.seed, count=self.config.participants,
            every=self.config.live_every, halt=self.config.halt,
        )  # fmt: skip
        await living.run(self.config.live_for, lambda a, p: self._spawn(tasks, a, p))
        if tasks:
            await asyncio.wait(tasks, timeout=self.config.grace)

"""`polku demo`'s engine: create the region through the public APIs, then play its year."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from shared.demo.apis import Api
from shared.demo.bodies import opening_body, organisation_body, support_worker_body
from shared.demo.employer import DemoEmployer
from shared.demo.flow import ParticipantFlow
from shared.demo.keys import KeyRing, municipality
from shared.demo.people import iter_participants
from shared.demo.receiver import WebhookReceiver
from shared.demo.region import Opening, Organisation, Region, SupportWorker, build_region
from shared.demo.report import DemoReport
from shared.demo.state import DemoState, id_in
from shared.demo.steps import Caller
from shared.demo.year import HORIZON_DAYS, year_schedule

SERVICES = ("intake", "caseplan", "matching", "reporting")
UNSAFE_WEBHOOK = frozenset({"unsafe_webhook_url"})
AGREED_ALREADY = frozenset({"agreement_exists"})
"""A second run of the demo against the same services finds its agreements made."""
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
        await _run(config, api, keys, report, say)
    finally:
        await api.aclose()
    if keys.failure:
        report.skip("api_keys", f"could not create keys ({keys.failure[:200]})")
    report.count("api_keys_created_over_http", keys.created_over_http)
    if keys.transient_failures:
        report.error("api_keys", f"{keys.transient_failures} times: {keys.last_transient}")
    return report


async def _run(
    config: DemoConfig, api: Api, keys: KeyRing, report: DemoReport, say: Callable[[str], Any]
) -> None:
    receiver = WebhookReceiver()
    await receiver.start()
    say(f"polku demo: employer webhook receiver at {receiver.url}")
    try:
        caller = Caller(api, report, DemoState(), patience=config.patience, keys=keys)
        await create_region(caller, build_region(config.seed, config.participants), receiver)
        say(
            f"polku demo: region created: {report.sent['organisations_registered']} "
            f"organisations, {report.sent['support_workers_added']} support workers, "
            f"{report.sent['openings_posted']} openings"
        )
        await Driver(config, caller, receiver).play()
    finally:
        await receiver.stop()
        report.count("webhooks_signature_verified", receiver.verified)
        report.count("webhooks_signature_rejected", receiver.rejected)


async def create_region(caller: Caller, region: Region, receiver: WebhookReceiver) -> None:
    """Organisations and openings in matching; in caseplan the municipalities' service
    agreements with them, then support workers (concurrently, within the API's limit of
    requests in flight)."""
    await asyncio.gather(
        *(
            register_organisation(caller, org, receiver, str(n))
            for n, org in enumerate(region.organisations)
        )
    )
    served = {(w.organisation_key, m) for w in region.support_workers for m in w.municipalities}
    await asyncio.gather(*(agree_service(caller, org, place) for org, place in sorted(served)))
    await asyncio.gather(
        *(add_support_worker(caller, worker) for worker in region.support_workers),
        *(post_opening(caller, opening) for opening in region.openings),
    )


async def register_organisation(
    caller: Caller, org: Organisation, receiver: WebhookReceiver, slot: str
) -> None:
    """One organisation, with its own webhook URL on the demo's receiver."""
    state = caller.state
    body = organisation_body(org, receiver.url_for(slot))
    answer = await caller.send("register_organisation", body, refusals=UNSAFE_WEBHOOK)
    if isinstance(answer, dict) and answer.get("webhook_secret"):
        receiver.secrets[slot] = str(answer["webhook_secret"])
    if answer is None and caller.api.route("register_organisation") is not None:
        # A webhook on loopback may be refused: the organisation reads its inbox instead.
        answer = await caller.send("register_organisation", organisation_body(org, None))
    elif answer is not None:
        state.webhooks += 1
    org_id = id_in(answer, "organisation_id", "id")
    if org_id is not None:
        caller.report.count("organisations_registered")
        state.organisation_kinds[org_id] = org.kind.value
    state.organisation_ids[org.key] = org_id or str(uuid.uuid5(uuid.NAMESPACE_URL, org.key))


async def agree_service(caller: Caller, organisation_key: str, place: str) -> None:
    """The municipality agrees that an organisation's support workers serve its people."""
    body = {
        "organisation_id": caller.state.organisation_ids[organisation_key],
        "municipality": place,
    }
    answer = await caller.send(
        "agree_service", body, refusals=AGREED_ALREADY, identity=municipality(place)
    )
    if answer is not None:
        caller.report.count("service_agreements_made")


async def add_support_worker(caller: Caller, worker: SupportWorker) -> None:
    """One support worker, working for an organisation of the region."""
    body = support_worker_body(worker, caller.state.organisation_ids[worker.organisation_key])
    if await caller.send("add_support_worker", body) is not None:
        caller.report.count("support_workers_added")


async def post_opening(caller: Caller, opening: Opening) -> None:
    """One opening of an organisation of the region."""
    body = opening_body(opening, caller.state.organisation_ids[opening.organisation_key])
    answer = await caller.send("post_opening", body, organisation_id=body["organisation_id"])
    if answer is not None:
        caller.report.count("openings_posted")
        caller.report.count("seats_offered", opening.seats)


class Driver:
    """Plays the year's schedule at the chosen pace, with the employers answering."""

    def __init__(self, config: DemoConfig, caller: Caller, receiver: WebhookReceiver) -> None:
        self.config = config
        self.caller = caller
        self.receiver = receiver
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
            completed = await self._schedule(asyncio.get_running_loop().time(), tasks)
            self.caller.report.schedule_completed = completed
            if tasks:
                await asyncio.wait(tasks, timeout=self.config.grace)
        finally:
            self.caller.stopping.set()
            consume.cancel()
            await asyncio.gather(consume, poll, *tasks, return_exceptions=True)
            await self.employer.stop()

    async def _schedule(self, start: float, tasks: set[asyncio.Task[None]]) -> bool:
        loop = asyncio.get_running_loop()
        end = start + self.config.duration
        people = iter_participants(self.config.seed, self.config.participants)
        next_slot = start
        for action in year_schedule(self.config.seed, self.config.participants):
            at = start + action.day * self.seconds_per_day
            if self.config.rate > 0:
                at = max(at, next_slot)
                next_slot = at + 1 / self.config.rate
            if at > end:
                return False
            await asyncio.sleep(max(0.0, at - loop.time()))
            participant = next(people) if action.kind == "register" else None
            task = asyncio.create_task(self.flow.run(action, participant))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            self.caller.backlog = len(tasks)
        return True

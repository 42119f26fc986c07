"""The demo region's set-up through the public APIs, idempotent: what an earlier run created
(the ledger's ids, each checked with the service) is found again, not posted twice."""

from __future__ import annotations

import asyncio
import uuid

from demo.bodies import opening_body, organisation_body, support_worker_body
from demo.keys import municipality
from demo.ledger import RegionLedger
from demo.receiver import WebhookReceiver
from demo.region import Opening, Organisation, Region, SupportWorker
from demo.state import id_in
from demo.steps import Caller

UNSAFE_WEBHOOK = frozenset({"unsafe_webhook_url"})
AGREED_ALREADY = frozenset({"agreement_exists"})
"""A second run of the demo against the same services finds its agreements made."""
GONE = {
    "set_webhook": frozenset({"organisation_not_found"}),
    "get_opening": frozenset({"opening_not_found"}),
    "get_support_worker": frozenset({"support_worker_not_found"}),
}
"""What a ledger id the services do not know any more is answered with (the data was reset)."""


async def create_region(
    caller: Caller, region: Region, receiver: WebhookReceiver, ledger: RegionLedger
) -> None:
    """Organisations and openings in matching; in caseplan the municipalities' service
    agreements with them, then support workers (concurrently, within the API's limit of
    requests in flight). What the ledger names and the services still know is reused."""
    await asyncio.gather(
        *(
            organisation(caller, org, receiver, str(n), ledger)
            for n, org in enumerate(region.organisations)
        )
    )
    if ledger.organisations and caller.report.sent["organisations_registered"]:
        ledger.forget_people()  # the services lost what this ledger saw: nobody is known
    served = {(w.organisation_key, m) for w in region.support_workers for m in w.municipalities}
    await asyncio.gather(*(agree_service(caller, org, place) for org, place in sorted(served)))
    await asyncio.gather(
        *(support_worker(caller, worker, ledger) for worker in region.support_workers),
        *(opening(caller, o, ledger) for o in region.openings),
    )


async def organisation(
    caller: Caller, org: Organisation, receiver: WebhookReceiver, slot: str, ledger: RegionLedger
) -> None:
    """An organisation found again (its webhook moved to this run's receiver) or registered."""
    known = ledger.organisations.get(org.key)
    if known is not None and await _found_again(caller, known, receiver, slot):
        caller.state.organisation_ids[org.key] = known
        caller.report.count("organisations_found")
    else:
        await register_organisation(caller, org, receiver, slot)
    org_id = caller.state.organisation_ids[org.key]
    caller.state.organisation_kinds[org_id] = org.kind.value
    ledger.organisations[org.key] = org_id


async def _found_again(caller: Caller, org_id: str, receiver: WebhookReceiver, slot: str) -> bool:
    """True when matching knows the organisation; its webhook now points at `slot`, with a
    new signing secret (the first one was shown once, to the earlier run)."""
    body = {"webhook_url": receiver.url_for(slot)}
    refusals = GONE["set_webhook"] | UNSAFE_WEBHOOK
    answer = await caller.send("set_webhook", body, refusals=refusals, organisation_id=org_id)
    if isinstance(answer, dict):
        if answer.get("webhook_secret"):
            receiver.secrets[slot] = str(answer["webhook_secret"])
        caller.state.webhook_organisations.add(org_id)
        caller.state.webhooks += 1
        return True
    # refused (a loopback webhook, or an organisation matching does not know): its inbox says
    inbox = await caller.send(
        "proposed_matches", refusals=GONE["set_webhook"], organisation_id=org_id
    )
    return inbox is not None


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
        if answer.get("webhook_url"):
            state.webhook_organisations.add(org_id)
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


async def support_worker(caller: Caller, worker: SupportWorker, ledger: RegionLedger) -> None:
    """A support worker found again in caseplan, or added to it."""
    known = ledger.support_workers.get(worker.key)
    if known is not None and await caller.send(
        "get_support_worker", refusals=GONE["get_support_worker"], support_worker_id=known
    ):
        caller.report.count("support_workers_found")
        return
    body = support_worker_body(worker, caller.state.organisation_ids[worker.organisation_key])
    answer = await caller.send("add_support_worker", body)
    worker_id = id_in(answer, "support_worker_id", "id")
    if answer is not None:
        caller.report.count("support_workers_added")
    if worker_id is not None:
        ledger.support_workers[worker.key] = worker_id


async def opening(caller: Caller, o: Opening, ledger: RegionLedger) -> None:
    """An opening found again in matching (its seats as they are), or posted."""
    known = ledger.openings.get(o.key)
    if known is not None and await caller.send(
        "get_opening", refusals=GONE["get_opening"], opening_id=known
    ):
        caller.report.count("openings_found")
        return
    body = opening_body(o, caller.state.organisation_ids[o.organisation_key])
    answer = await caller.send("post_opening", body, organisation_id=body["organisation_id"])
    opening_id = id_in(answer, "opening_id", "id")
    if answer is not None:
        caller.report.count("openings_posted")
        caller.report.count("seats_offered", o.seats)
    if opening_id is not None:
        ledger.openings[o.key] = opening_id


async def webhooks_off(caller: Caller) -> None:
    """Before the demo's receiver goes away its employers' webhooks are turned off, so
    matching drops what it has not delivered instead of dead-lettering it; the inboxes keep
    every proposal for the next run, which points the webhooks at its own receiver again."""
    if caller.api.route("set_webhook") is None:
        return
    for org_id in sorted(caller.state.webhook_organisations):
        answer = await caller.send(
            "set_webhook", {"webhook_url": None}, essential=True, organisation_id=org_id
        )
        if answer is not None:
            caller.report.count("webhooks_turned_off")
            caller.report.count("webhook_deliveries_dropped", int(answer["deliveries_dropped"]))

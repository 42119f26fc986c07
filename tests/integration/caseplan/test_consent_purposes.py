"""Consent by purpose, through the public APIs of all four services (in-process apps on real
Redis and PostgreSQL): a municipality withdraws one purpose at intake, and only what rests on
it stops — in caseplan's case plan, in matching's pool and proposals, in reporting's figures."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
import pytest
from caseplan_helpers import RAPLA, eventually

from services.caseplan.main import create_app as create_caseplan
from services.intake.domain import estonian_check_digit
from services.intake.main import create_app as create_intake
from services.matching.main import create_app as create_matching
from services.reporting.main import create_app as create_reporting
from shared.settings import Settings
from tests.support import bearer, create_api_key, keyed_client

HOME = {"lat": 59.0, "lon": 24.79}
PURPOSES = ["case_management", "matching", "reporting", "follow_up"]


@dataclass
class Network:
    """Admin clients of the four running services, and an employer with one opening."""

    intake: httpx.AsyncClient
    caseplan: httpx.AsyncClient
    matching: httpx.AsyncClient
    reporting: httpx.AsyncClient
    employer: dict[str, str]


@pytest.fixture
async def network(settings: Settings, admin_key: str) -> AsyncIterator[Network]:
    async with AsyncExitStack() as stack:
        clients = {}
        for name, create in (("intake", create_intake), ("caseplan", create_caseplan),
                             ("matching", create_matching), ("reporting", create_reporting)):  # fmt: skip
            app = create(settings)
            await stack.enter_async_context(app.router.lifespan_context(app))
            clients[name] = await stack.enter_async_context(
                keyed_client(app, admin_key, base_url=f"http://{name}")
            )
        org = await clients["matching"].post(
            "/v1/organisations",
            json={"name": "Rapla bakery", "kind": "employer", "municipality": RAPLA,
                  "location": HOME},
        )  # fmt: skip
        oid = org.json()["organisation_id"]
        employer = bearer(await create_api_key(settings.database_url, UUID(oid), "employer"))
        net = Network(**clients, employer=employer)
        opening = {"organisation_id": oid, "title": "Cleaning work trial",
                   "kind": "work_practice", "seats": 5, "location": HOME,
                   "required_skills": ["cleaning"], "languages": ["et"]}  # fmt: skip
        posted = await net.matching.post("/v1/openings", json=opening, headers=employer)
        assert posted.status_code == 201, posted.text
        yield net


def _national_id() -> str:
    digits = f"3{random.randint(60, 99):02d}0101{random.randint(0, 999):03d}"  # born 1960-99
    return digits + str(estonian_check_digit(digits))


async def _proposed_participant(net: Network) -> str:
    """Registered at intake with every purpose, ready in caseplan, proposed by matching."""
    body = {
        "municipality": RAPLA, "national_id": _national_id(), "given_name": "Mari",
        "family_name": "Maasikas", "languages": ["et"], "skills": ["cleaning"],
        "labour_market_status": "long_term_unemployed", "months_unemployed": 14,
        "home": {"postal_code": "79511", **HOME},
        "consent": {"purposes": PURPOSES, "given_at": "2026-01-05T10:00:00+02:00",
                    "recorded_by": "Rapla social worker"},
    }  # fmt: skip
    r = await net.intake.post("/v1/intakes", json=body)
    assert r.status_code == 201, r.text
    pid = str(r.json()["participant_id"])
    await _plan(net, pid)
    ready = await net.caseplan.post(
        f"/v1/participants/{pid}/ready-for-matching", json={"opening_kinds": ["work_practice"]}
    )
    assert ready.status_code == 200, ready.text
    await eventually(lambda: _proposal(net, pid, "proposed"), what="a proposal")
    return pid


async def _plan(net: Network, pid: str) -> dict[str, Any] | None:
    async def found() -> dict[str, Any] | None:
        r = await net.caseplan.get(f"/v1/participants/{pid}/case-plan")
        return r.json() if r.status_code == 200 else None  # type: ignore[no-any-return]

    return await eventually(found, what=f"case plan of {pid}")  # type: ignore[no-any-return]


async def _proposal(net: Network, pid: str, status: str) -> dict[str, Any] | None:
    r = await net.matching.get(f"/v1/participants/{pid}/matches")
    assert r.status_code == 200, r.text
    mine = [m for m in r.json() if m["status"] == status]
    return mine[0] if mine else None


async def _withdraw(net: Network, pid: str, purpose: str) -> None:
    r = await net.intake.post(
        f"/v1/participants/{pid}/consent-withdrawal",
        json={"purposes": [purpose], "recorded_by": "Rapla social services"},
    )
    assert r.status_code == 200, r.text


async def _withdrawn(net: Network, pid: str, purpose: str) -> dict[str, Any]:
    async def seen() -> dict[str, Any] | None:
        plan = await _plan(net, pid)
        assert plan is not None
        return plan if any(w["purpose"] == purpose for w in plan["consent_withdrawals"]) else None

    return await eventually(seen, what=f"{purpose} withdrawn in the case plan")  # type: ignore[no-any-return]


async def _audited(net: Network, pid: str) -> list[str]:
    actions: list[str] = []
    for client in (net.caseplan, net.matching):
        r = await client.get("/v1/audit", params={"participant_id": pid})
        assert r.status_code == 200, r.text
        actions += [line["action"] for line in r.json()]
    return actions


async def test_withdrawing_matching_stops_matching_and_keeps_the_case(network: Network) -> None:
    net = network
    pid = await _proposed_participant(net)
    await _withdraw(net, pid, "matching")
    await eventually(lambda: _proposal(net, pid, "withdrawn"), what="the proposal withdrawn")
    plan = await _withdrawn(net, pid, "matching")
    assert plan["status"] == "open" and plan["ready_for_matching"] is False
    assert plan["follow_up_status"] == "not_due"
    gone = await net.matching.get(f"/v1/candidates/{pid}")
    assert gone.status_code == 404
    again = await net.caseplan.post(
        f"/v1/participants/{pid}/ready-for-matching", json={"opening_kinds": ["work_practice"]}
    )
    assert again.status_code == 409 and again.json()["detail"]["reason"] == (
        "matching_consent_withdrawn"
    )
    goal = await net.caseplan.post(
        f"/v1/case-plans/{plan['case_plan_id']}/goals", json={"title": "Steady days"}
    )
    assert goal.status_code == 201, goal.text  # the case work goes on
    assert {"consent.withdrawal_applied", "consent.matching_withdrawn"} <= set(
        await _audited(net, pid)
    )


async def test_withdrawing_case_management_ends_the_case_work(network: Network) -> None:
    net = network
    pid = await _proposed_participant(net)
    await _withdraw(net, pid, "case_management")
    plan = await _withdrawn(net, pid, "case_management")
    assert plan["status"] == "closed" and plan["closed_because"] == "consent_withdrawn"
    await eventually(lambda: _proposal(net, pid, "withdrawn"), what="matching rests on the case")
    goal = await net.caseplan.post(
        f"/v1/case-plans/{plan['case_plan_id']}/goals", json={"title": "Steady days"}
    )
    assert goal.status_code == 409 and goal.json()["detail"]["reason"] == "case_closed"


async def test_withdrawing_follow_up_stops_only_the_follow_up(network: Network) -> None:
    net = network
    pid, other = await _proposed_participant(net), await _proposed_participant(net)
    await _withdraw(net, pid, "follow_up")
    plan = await _withdrawn(net, pid, "follow_up")
    assert plan["status"] == "open" and plan["ready_for_matching"] is True
    assert plan["follow_up_status"] == "not_collected"
    assert await _proposal(net, pid, "proposed"), "the proposal stays live"
    assert (await net.matching.get(f"/v1/candidates/{pid}")).status_code == 200
    for who in (pid, other):
        left = await net.caseplan.post(f"/v1/participants/{who}/exit", json={"outcome": "employed"})
        assert left.status_code == 200, left.text
    refused = await net.caseplan.post(
        f"/v1/participants/{pid}/follow-up", json={"outcome": "employed"}
    )
    assert refused.status_code == 409
    assert refused.json()["detail"]["reason"] == "follow_up_consent_withdrawn"
    assert (await _plan(net, pid) or {})["follow_up_status"] == "not_collected"
    assert (await _plan(net, other) or {})["follow_up_status"] == "pending"

    async def figures() -> dict[str, int] | None:
        r = await net.reporting.get("/v1/reports/follow-ups", params={"to": "2099-12-31"})
        assert r.status_code == 200, r.text
        counts = {row["status"]: row["participants"] for row in r.json()["rows"]}
        return counts if counts["unknown"] == 1 and counts["pending"] == 1 else None

    counts = await eventually(figures, what="the follow-up counted as unknown")
    assert sum(counts.values()) == 2

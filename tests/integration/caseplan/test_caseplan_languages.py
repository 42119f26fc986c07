"""A case goes to a support worker who speaks the participant's language: the languages come
from intake's registration (a real intake app, its outbox and Redis) to caseplan's choice."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import date
from typing import Any
from uuid import UUID

import httpx
import pytest
from caseplan_helpers import RAPLA, Caseplan, eventually

from services.intake.domain import estonian_check_digit
from services.intake.main import create_app
from services.intake.schemas import INTAKE_EXAMPLE
from shared.events.intake import ParticipantUpdated
from shared.settings import Settings
from tests.support import keyed_client


@pytest.fixture
async def intake(settings: Settings, admin_key: str) -> AsyncIterator[httpx.AsyncClient]:
    """A running intake app (its relay publishes registrations to this test's Redis)."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with keyed_client(app, admin_key, base_url="http://intake") as http:
            yield http


def _isikukood(rng: random.Random) -> str:
    ten = f"4{rng.randint(60, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    ten += f"{rng.randint(0, 999):03d}"
    return ten + str(estonian_check_digit(ten))


async def _register(intake: httpx.AsyncClient, languages: list[str], rng: random.Random) -> UUID:
    body = {**INTAKE_EXAMPLE, "municipality": RAPLA, "national_id": _isikukood(rng)}
    r = await intake.post("/v1/intakes", json={**body, "languages": languages})
    assert r.status_code == 201, r.text
    return UUID(r.json()["participant_id"])


async def _worker(caseplan: Caseplan, languages: list[str], limit: int) -> dict[str, Any]:
    await caseplan.agree()
    r = await caseplan.client.post(
        "/v1/support-workers",
        json={
            "organisation_id": str(caseplan.organisation),
            "municipalities": [RAPLA],
            "languages": languages,
            "caseload_limit": limit,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_a_russian_speaker_goes_to_the_russian_speaking_worker_who_has_room(
    caseplan: Caseplan, intake: httpx.AsyncClient
) -> None:
    rng = random.Random(19)
    estonian = await _worker(caseplan, ["et"], limit=10)  # the most free capacity
    russian = await _worker(caseplan, ["ru", "uk"], limit=2)
    ru_only = await _register(intake, ["ru"], rng)
    plan = await caseplan.case_plan(ru_only)
    assert plan["languages"] == ["ru"]
    assert plan["support_worker"]["support_worker_id"] == russian["support_worker_id"]
    assert plan["shares_language"] is True
    et_only = await _register(intake, ["et"], rng)
    plan = await caseplan.case_plan(et_only)
    assert plan["support_worker"]["support_worker_id"] == estonian["support_worker_id"]
    # Nobody speaks Finnish: capacity decides, and the case says no language is shared.
    fi_only = await _register(intake, ["fi"], rng)
    plan = await caseplan.case_plan(fi_only)
    assert plan["support_worker"]["support_worker_id"] == estonian["support_worker_id"]
    assert plan["shares_language"] is False

    async def assigned() -> dict[str, Any]:
        events = await caseplan.emitted("caseplan.worker_assigned")
        return {e["participant_id"]: e for e in events} if len(events) >= 3 else {}

    events = await eventually(assigned, what="three caseplan.worker_assigned")
    assert events[str(ru_only)]["shares_language"] is True
    assert events[str(fi_only)]["shares_language"] is False
    assert events[str(ru_only)]["caseload_limit"] == 2


async def test_a_waiting_russian_speaker_waits_for_no_one_but_takes_a_freed_russian_place(
    caseplan: Caseplan, intake: httpx.AsyncClient
) -> None:
    rng = random.Random(20)
    russian = await _worker(caseplan, ["ru"], limit=1)
    first = await _register(intake, ["ru"], rng)
    assert (await caseplan.case_plan(first))["support_worker"] is not None
    second = await _register(intake, ["ru"], rng)
    assert (await caseplan.case_plan(second))["waiting_position"] == 1
    await _worker(caseplan, ["et"], limit=5)  # room, but no Russian: taken, flagged
    plan = await caseplan.case_plan(second)
    assert plan["support_worker"] is not None and plan["shares_language"] is False
    r = await caseplan.client.post(f"/v1/participants/{first}/exit", json={"outcome": "inactive"})
    assert r.status_code == 200, r.text
    third = await _register(intake, ["ru"], rng)  # the freed Russian place, not more room
    plan = await caseplan.case_plan(third)
    assert plan["support_worker"]["support_worker_id"] == russian["support_worker_id"]


async def test_a_moved_participant_is_served_in_the_language_their_corrected_profile_names(
    caseplan: Caseplan,
) -> None:
    estonian = await _worker(caseplan, ["et"], limit=5)
    russian = await _worker(caseplan, ["ru"], limit=1)
    pid = await caseplan.register(municipality="Kehtna vald")  # nobody serves Kehtna: waits
    assert (await caseplan.case_plan(pid))["waiting_position"] == 1
    await caseplan.publish(
        ParticipantUpdated(
            participant_id=pid, municipality=RAPLA, registered_on=date.today(),
            languages=["ru", "uk"], changed_fields=["municipality", "languages"],
        )
    )  # fmt: skip

    async def served() -> dict[str, Any] | None:
        plan = await caseplan.case_plan(pid)
        return plan if plan["support_worker"] else None

    plan = await eventually(served, what="the moved participant served")
    assert plan["languages"] == ["ru", "uk"] and plan["shares_language"] is True
    assert plan["support_worker"]["support_worker_id"] == russian["support_worker_id"]
    r = await caseplan.client.get(f"/v1/support-workers/{estonian['support_worker_id']}")
    assert r.json()["caseload"] == 0  # more room, but no shared language

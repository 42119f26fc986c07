"""Idempotency-Key on caseplan's writes: a retried write gets the first answer."""

from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta
from uuid import uuid4

import httpx
import pytest
from caseplan_helpers import Caseplan
from fastapi.routing import APIRoute

from services.caseplan import api, api_agreements, api_work
from shared import idempotency
from shared.events.intake import ParticipantErased
from shared.idempotent_route import REPLAYED_HEADER, WRITES
from tests.support.polling import eventually

WRITE_ROUTES = sorted(
    (method, route.path)
    for router in (api.router, api_work.router, api_agreements.router)
    for route in router.routes
    if isinstance(route, APIRoute)
    for method in WRITES & route.methods
)


async def test_a_retried_exit_answers_the_first_answer(caseplan: Caseplan) -> None:
    await caseplan.worker()
    pid = await caseplan.register(on=date.today() - timedelta(days=30))
    await caseplan.case_plan(pid)
    url, body = f"/v1/participants/{pid}/exit", {"outcome": "employed"}
    key = {"Idempotency-Key": f"exit-{uuid4()}"}
    first = await caseplan.client.post(url, json=body, headers=key)
    assert first.status_code == 200, first.text
    retried = await caseplan.client.post(url, json=body, headers=key)
    assert (retried.status_code, retried.json()) == (200, first.json())
    assert retried.headers[REPLAYED_HEADER] == "true"
    exits = await caseplan.sql("SELECT event_id FROM outbox WHERE type = 'participant.exited'")
    assert len(exits) == 1, exits
    unkeyed = await caseplan.client.post(url, json=body)
    assert unkeyed.status_code == 409 and unkeyed.json()["detail"]["reason"] == "case_closed"


async def test_concurrent_duplicates_run_the_exit_once(caseplan: Caseplan) -> None:
    await caseplan.worker()
    pid = await caseplan.register()
    await caseplan.case_plan(pid)
    url, body = f"/v1/participants/{pid}/exit", {"outcome": "employed"}
    key = {"Idempotency-Key": "exit-at-once"}
    answers = await asyncio.gather(
        *(caseplan.client.post(url, json=body, headers=key) for _ in range(6))
    )
    outcomes = sorted("ok" if a.status_code == 200 else _reason(a) for a in answers)
    assert set(outcomes) <= {"ok", "idempotency_in_progress"} and "ok" in outcomes, outcomes
    assert len({a.text for a in answers if a.status_code == 200}) == 1
    # Committed with the exit, before any answer: the outbox, not the stream the relay fills.
    exits = await caseplan.sql("SELECT event_id FROM outbox WHERE type = 'participant.exited'")
    assert len(exits) == 1, exits
    retried = await caseplan.client.post(url, json=body, headers=key)
    assert retried.status_code == 200


def _reason(answer: object) -> str:
    assert isinstance(answer, httpx.Response) and answer.status_code == 409, answer
    return str(answer.json()["detail"]["reason"])


async def test_erasure_forgets_the_answers_about_the_person(caseplan: Caseplan) -> None:
    await caseplan.worker()
    pid = await caseplan.register()
    await caseplan.case_plan(pid)
    key = {"Idempotency-Key": "exit-then-erase"}
    r = await caseplan.client.post(
        f"/v1/participants/{pid}/exit", json={"outcome": "employed"}, headers=key
    )
    assert r.status_code == 200, r.text
    query = "SELECT key FROM idempotent_request WHERE strpos(response::text, $1) > 0"
    assert [row["key"] for row in await caseplan.sql(query, str(pid))] == ["exit-then-erase"]
    await caseplan.publish(ParticipantErased(participant_id=pid))

    async def forgotten() -> bool:
        return not await caseplan.sql(query, str(pid))

    await eventually(forgotten, what="stored answers forgotten")


async def test_a_reused_key_with_another_body_is_refused(caseplan: Caseplan) -> None:
    await caseplan.worker()
    pid = await caseplan.register()
    await caseplan.case_plan(pid)
    url = f"/v1/participants/{pid}/exit"
    key = {"Idempotency-Key": "same-key"}
    assert (await caseplan.client.post(url, json={"outcome": "employed"}, headers=key)).is_success
    other = await caseplan.client.post(url, json={"outcome": "studies"}, headers=key)
    assert other.status_code == 422
    assert other.json()["detail"]["reason"] == "idempotency_key_reused"


async def test_keys_are_scoped_by_organisation(caseplan: Caseplan) -> None:
    rows = await caseplan.sql("SELECT count(*) AS n FROM idempotent_request")
    assert rows[0]["n"] == 0
    key = {"Idempotency-Key": "agreement-1"}
    body = {"organisation_id": str(caseplan.organisation), "municipality": "Tapa vald"}
    first = await caseplan.client.post("/v1/service-agreements", json=body, headers=key)
    assert first.status_code == 201, first.text
    [row] = await caseplan.sql("SELECT organisation, key, status_code FROM idempotent_request")
    assert (row["key"], row["status_code"]) == ("agreement-1", 201)
    assert row["organisation"] != "-"  # the caller's organisation, from its API key
    await caseplan.sql(idempotency.PRUNE, 3600.0, 100)
    assert len(await caseplan.sql("SELECT key FROM idempotent_request")) == 1  # still fresh
    await caseplan.sql(idempotency.PRUNE, 0.0, 100)
    assert await caseplan.sql("SELECT key FROM idempotent_request") == []  # pruned when old


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES)
async def test_every_write_replays_its_first_answer(
    caseplan: Caseplan, method: str, path: str
) -> None:
    url = re.sub(r"\{[^}]+\}", lambda _: str(uuid4()), path)
    key = {"Idempotency-Key": f"{method}-{uuid4()}"}
    first = await caseplan.client.request(method, url, json={}, headers=key)
    assert first.status_code < 500, first.text
    again = await caseplan.client.request(method, url, json={}, headers=key)
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers[REPLAYED_HEADER] == "true"
    too_long = {"Idempotency-Key": "k" * 201}
    refused = await caseplan.client.request(method, url, json={}, headers=too_long)
    assert refused.status_code == 422 and REPLAYED_HEADER not in refused.headers

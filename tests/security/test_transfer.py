"""Takeover by national id: another municipality's registration never moves a person nor
tells whether they are known; a transfer asked, decided and audited moves them and their case."""

from __future__ import annotations

import json
from typing import Any

import httpx
from conftest import Keys
from fastapi import FastAPI
from security_helpers import OTHER, OWN, estonian_id, intake_body, uuid_of

from services.intake.main import create_app
from shared.settings import Settings
from tests.support import Stack, bearer, create_api_key
from tests.support.polling import eventually


def _client(app: FastAPI, key: str | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://intake",
        headers=bearer(key) if key else {},
    )


def _shape(r: httpx.Response) -> tuple[int, list[str], str]:
    return r.status_code, sorted(r.json()), r.json().get("status", "")


async def test_a_second_registration_neither_moves_nor_reveals_the_person(
    intake_app: FastAPI, keys: Keys
) -> None:
    known, unknown = estonian_id(), estonian_id()
    async with (
        _client(intake_app, keys["municipality"]) as a,
        _client(intake_app, keys["other_municipality"]) as b,
    ):
        mine = await a.post("/v1/intakes", json=intake_body(OWN, known))
        pid = uuid_of(mine)
        taken = await b.post("/v1/intakes", json=intake_body(OTHER, known))
        fresh = await b.post("/v1/intakes", json=intake_body(OTHER, unknown))
        assert (
            _shape(taken)
            == _shape(fresh)
            == (201, ["participant_id", "registration_receipt", "status"], "created")
        )
        assert uuid_of(taken) != pid
        again = await b.post("/v1/intakes", json=intake_body(OTHER, known))
        fresh_again = await b.post("/v1/intakes", json=intake_body(OTHER, unknown))
        assert (
            _shape(again)
            == _shape(fresh_again)
            == (200, ["participant_id", "registration_receipt", "status"], "updated")
        )
        assert uuid_of(again) == uuid_of(taken)

        seen_by_a = await a.get(f"/v1/participants/{pid}")
        assert seen_by_a.status_code == 200 and seen_by_a.json()["municipality"] == OWN
        assert (await b.get(f"/v1/participants/{pid}")).status_code == 404
        assert (await b.get(f"/v1/participants/{pid}/export")).status_code == 404
        listed = (await b.get("/v1/participants", params={"municipality": OTHER})).json()
        assert str(pid) not in {p["participant_id"] for p in listed["items"]}


async def test_a_batch_from_another_municipality_moves_nobody(
    intake_app: FastAPI, keys: Keys
) -> None:
    known = estonian_id()
    async with (
        _client(intake_app, keys["municipality"]) as a,
        _client(intake_app, keys["other_municipality"]) as b,
    ):
        pid = uuid_of(await a.post("/v1/intakes", json=intake_body(OWN, known)))
        rows = [intake_body(OTHER, known), intake_body(OTHER)]
        for row in rows:
            del row["municipality"]
        upload = "\n".join(json.dumps(r) for r in rows).encode()
        r = await b.post(
            "/v1/intakes/batch",
            params={"municipality": OTHER},
            files={"file": ("rows.jsonl", upload, "application/x-ndjson")},
        )
        assert r.status_code == 200, r.text
        out = r.json()
        assert (out["created"], out["updated"]) == (2, 0)
        assert str(pid) not in {x["participant_id"] for x in out["results"]}
        assert (await a.get(f"/v1/participants/{pid}")).json()["municipality"] == OWN


async def test_asking_for_a_transfer_answers_the_same_for_known_and_unknown_ids(
    intake_app: FastAPI, keys: Keys
) -> None:
    known = estonian_id()
    async with (
        _client(intake_app, keys["municipality"]) as a,
        _client(intake_app, keys["other_municipality"]) as b,
    ):
        await a.post("/v1/intakes", json=intake_body(OWN, known))
        asked = await b.post("/v1/transfers", json={"municipality": OTHER, "national_id": known})
        unknown = await b.post(
            "/v1/transfers", json={"municipality": OTHER, "national_id": estonian_id()}
        )
        assert asked.status_code == unknown.status_code == 202
        assert sorted(asked.json()) == sorted(unknown.json()) == ["status", "transfer_id"]
        assert asked.json()["status"] == unknown.json()["status"] == "requested"
        other = await b.post("/v1/transfers", json={"municipality": OWN, "national_id": known})
        assert other.status_code == 403  # a key asks only for its own municipality
        assert (await b.get("/v1/transfers")).json()["items"] == []  # B sees nothing of A's
        [pending] = (await a.get("/v1/transfers", params={"status": "requested"})).json()["items"]
        assert pending["transfer_id"] == asked.json()["transfer_id"]


async def test_only_the_current_municipality_or_an_operator_decides_and_both_are_audited(
    intake_app: FastAPI, keys: Keys
) -> None:
    known = estonian_id()
    async with (
        _client(intake_app, keys["municipality"]) as a,
        _client(intake_app, keys["other_municipality"]) as b,
        _client(intake_app, keys["operator"]) as operator,
        _client(intake_app, keys["admin"]) as admin,
    ):
        pid = uuid_of(await a.post("/v1/intakes", json=intake_body(OWN, known)))
        asked = await b.post("/v1/intakes", json=intake_body(OTHER, known))
        tid = asked.json()["participant_id"]
        assert (await b.post(f"/v1/transfers/{tid}/approval")).status_code == 404
        for who in ("support_worker", "employer"):
            async with _client(intake_app, keys[who]) as outsider:
                assert (await outsider.post(f"/v1/transfers/{tid}/approval")).status_code == 403
        declined = await a.post(f"/v1/transfers/{tid}/decline")
        assert declined.status_code == 200 and declined.json()["status"] == "declined"
        assert (await a.post(f"/v1/transfers/{tid}/approval")).status_code == 409
        assert (await a.get(f"/v1/participants/{pid}")).json()["municipality"] == OWN

        again = await b.post("/v1/transfers", json={"municipality": OTHER, "national_id": known})
        assert again.json()["transfer_id"] == tid  # asked again, explicitly
        approved = await operator.post(f"/v1/transfers/{tid}/approval")
        assert approved.status_code == 200, approved.text
        assert approved.json()["to_municipality"] == OTHER
        moved = await b.get(f"/v1/participants/{pid}")
        assert moved.status_code == 200 and moved.json()["municipality"] == OTHER
        assert moved.json()["profile"]["municipality"] == OTHER
        assert (await a.get(f"/v1/participants/{pid}")).status_code == 404
        registered_again = (await b.post("/v1/intakes", json=intake_body(OTHER, known))).json()
        assert registered_again.pop("registration_receipt")
        assert registered_again == {"participant_id": str(pid), "status": "updated"}

        audit = (await admin.get("/v1/audit", params={"participant_id": str(pid)})).json()
        actions = [(e["action"], e["organisation_id"]) for e in audit]
        org = keys.organisation
        assert ("transfer.requested", str(org["other_municipality"])) in actions
        assert ("transfer.declined", str(org["municipality"])) in actions
        assert ("transfer.approved", str(org["operator"])) in actions


async def test_an_approved_transfer_moves_the_case_plan_and_the_figures(
    stack_factory: type[Stack], settings: Settings
) -> None:
    stack = stack_factory().start("caseplan", "matching", "reporting")  # type: ignore[call-arg]
    ports = {f"{s}_port": stack[s].port for s in ("caseplan", "matching", "reporting")}
    app = create_app(settings.model_copy(update=ports))
    dsn = settings.database_url
    key_a = await create_api_key(dsn, role="municipality", municipality=OWN)
    key_b = await create_api_key(dsn, role="municipality", municipality=OTHER)
    operator = bearer(await create_api_key(dsn, role="operator"))
    known = estonian_id()
    async with (
        app.router.lifespan_context(app),
        _client(app, key_a) as a,
        _client(app, key_b) as b,
        httpx.AsyncClient(base_url=stack["caseplan"].url, headers=bearer(key_a)) as plan_a,
        httpx.AsyncClient(base_url=stack["caseplan"].url, headers=bearer(key_b)) as plan_b,
        httpx.AsyncClient(base_url=stack["reporting"].url, headers=bearer(key_b)) as report_b,
        httpx.AsyncClient(base_url=stack["reporting"].url, headers=operator) as figures,
    ):
        pid = uuid_of(await a.post("/v1/intakes", json=intake_body(OWN, known)))
        plan_path = f"/v1/participants/{pid}/case-plan"

        async def status_of(client: httpx.AsyncClient, path: str, code: int) -> bool:
            return (await client.get(path)).status_code == code

        await eventually(lambda: status_of(plan_a, plan_path, 200), "A's case plan", within=30)
        tid = (await b.post("/v1/intakes", json=intake_body(OTHER, known))).json()["participant_id"]
        assert (await plan_b.get(plan_path)).status_code == 404
        assert (await b.get(f"/v1/participants/{pid}/export")).status_code == 404

        assert (await a.post(f"/v1/transfers/{tid}/approval")).status_code == 200
        plan = await eventually(
            lambda: _json_if_ok(plan_b, plan_path), "the case plan readable by B", within=30
        )
        assert plan["municipality"] == OTHER
        assert (await plan_a.get(plan_path)).status_code == 404
        export_path = f"/v1/participants/{pid}/export"
        facts = await eventually(
            lambda: _json_if(report_b, export_path, OTHER), "reporting's facts under B", within=30
        )
        assert facts
        export = await b.get(export_path)
        assert export.status_code == 200, export.text
        [moved] = export.json()["intake"]["transfers"]
        assert (moved["transfer_id"], moved["status"]) == (tid, "approved")

        async def registered_in(municipality: str) -> int:
            r = await figures.get("/v1/reports/summary", params={"municipality": municipality})
            return int(r.json()["participants_registered"]) if r.status_code == 200 else -1

        async def counted_in_b() -> bool:
            return await registered_in(OTHER) == 1

        await eventually(counted_in_b, "the figures of B counting the participant", within=30)
        assert await registered_in(OWN) == 0


async def _json_if_ok(client: httpx.AsyncClient, path: str) -> Any:
    r = await client.get(path)
    return r.json() if r.status_code == 200 else None


async def _json_if(client: httpx.AsyncClient, path: str, municipality: str) -> Any:
    r = await client.get(path)
    if r.status_code != 200:
        return None
    facts = r.json().get("participant_fact") or r.json().get("facts", {}).get("participant_fact")
    return facts if facts and facts[0]["municipality"] == municipality else None

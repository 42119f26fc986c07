"""GDPR with real processes: the subject access export spans the services, and after erasure
no table of any schema (outboxes included) holds the person's name, contact, id hash or notes."""

from __future__ import annotations

import asyncpg
import httpx
from fastapi import FastAPI
from security_helpers import OWN, find_anywhere, intake_body, secrets_of

from services.intake.main import create_app
from services.intake.service import vault_of
from shared.settings import Settings
from tests.support import Stack, bearer, create_api_key, eventually

NOTE = "Secretnote-sleeps-badly-after-prison"


async def test_export_then_erasure_leaves_no_trace(
    stack_factory: type[Stack], settings: Settings
) -> None:
    stack = stack_factory().start("caseplan", "matching", "reporting")  # type: ignore[call-arg]
    ports = {f"{s}_port": stack[s].port for s in ("caseplan", "matching", "reporting")}
    app: FastAPI = create_app(settings.model_copy(update=ports))
    dsn = settings.database_url
    admin = bearer(await create_api_key(dsn))
    mine = bearer(await create_api_key(dsn, role="municipality", municipality=OWN))
    body = intake_body(OWN)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://intake", headers=mine
        ) as intake,
        httpx.AsyncClient(base_url=stack["caseplan"].url, headers=admin) as caseplan,
    ):
        pid = (await intake.post("/v1/intakes", json=body)).json()["participant_id"]

        async def planned():  # type: ignore[no-untyped-def]
            r = await caseplan.get(f"/v1/participants/{pid}/case-plan")
            return r.json() if r.status_code == 200 else None

        plan = await eventually(planned, "a case plan", within=30)
        cid = plan["case_plan_id"]
        await caseplan.post(
            f"/v1/case-plans/{cid}/goals", json={"title": "Sleep", "description": NOTE}
        )
        await caseplan.post(
            f"/v1/case-plans/{cid}/activities",
            json={"activity_type": "coaching_session", "note": NOTE},
        )
        export = await intake.get(f"/v1/participants/{pid}/export")
        assert export.status_code == 200, export.text
        document = export.json()
        assert document["intake"]["participant"]["given_name"] == body["given_name"]
        assert document["intake"]["access_log"][0]["action"] == "participant.created"
        assert document["caseplan"]["goals"][0]["description"] == NOTE
        assert document["caseplan"]["activities"][0]["note"] == NOTE
        assert set(document) >= {"matching", "reporting"}

        id_hash = vault_of(settings).id_hash(body["national_id"])
        needles = [s.encode() for s in secrets_of(body)]
        needles += [NOTE.encode(), id_hash, id_hash.hex().encode()]
        conn = await asyncpg.connect(dsn)
        before = await find_anywhere(conn, needles)  # the scan sees what is there
        assert any("caseplan.goal.description" in hit for hit in before)
        assert any("intake.participant.id_hash" in hit for hit in before)
        erased = await intake.post(f"/v1/participants/{pid}/erasure")
        assert erased.status_code == 200, erased.text
        assert (await intake.get(f"/v1/participants/{pid}")).status_code == 404

        try:
            event_id = await eventually(
                lambda: conn.fetchval(
                    "SELECT event_id FROM intake.outbox o WHERE type = 'participant.erased'"
                    " AND NOT EXISTS (SELECT FROM intake.outbox_pending p WHERE p.id = o.id)"
                ),
                "participant.erased published",
                within=30,
            )

            async def handled_everywhere() -> bool:
                counts = [
                    await conn.fetchval(
                        f"SELECT count(*) FROM {s}.inbox WHERE event_id = $1", event_id
                    )
                    for s in ("caseplan", "matching", "reporting")
                ]
                return all(counts)

            await eventually(
                handled_everywhere, "every service handled participant.erased", within=30
            )
            leaks = await find_anywhere(conn, needles)
            assert not leaks, leaks
            assert (await caseplan.get(f"/v1/participants/{pid}/case-plan")).status_code == 404
        finally:
            await conn.close()

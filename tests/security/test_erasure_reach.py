"""Erasure reaches every copy: after a person registered over HTTP and the inbound stream,
had a request dead-lettered, was matched and accepted by an employer, and was erased, no
line of a full pg_dump and no Redis key holds their name, contact, national id or its hash,
and no outbox, stream entry or match still carries their participant id."""

from __future__ import annotations

import json
from collections.abc import Awaitable
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import redis.asyncio as aioredis
from fastapi import FastAPI
from redis_dump import dump_redis, holders, pg_dump
from security_helpers import OWN, intake_body, secrets_of

from services.intake.main import create_app
from services.intake.service import vault_of
from shared.events import streams
from shared.settings import Settings
from tests.support import Stack, bearer, create_api_key
from tests.support.polling import eventually

HOME = {"lat": 59.0, "lon": 24.79}  # where intake_body's person lives (Rapla)


def _lines_with(dump: bytes, needles: list[bytes]) -> list[str]:
    return [
        line.decode(errors="replace")[:300]
        for line in dump.splitlines()
        for n in needles
        if n in line
    ]


async def _accepted_match(
    matching: httpx.AsyncClient, dsn: str, admin: dict[str, str]
) -> tuple[str, str, dict[str, str]]:
    """An employer posts an opening the person fits and accepts the proposal: the match id,
    the employer's matches and its key."""
    org = await matching.post(
        "/v1/organisations",
        json={"name": "Rapla bakery", "kind": "employer", "municipality": OWN, "location": HOME},
        headers=admin,
    )
    oid = org.json()["organisation_id"]
    employer = bearer(await create_api_key(dsn, UUID(oid), "employer"))
    opening = {
        "organisation_id": oid,
        "title": "Cleaning work trial",
        "kind": "work_practice",
        "seats": 1,
        "location": HOME,
        "required_skills": ["cleaning"],
        "languages": ["et"],
    }
    posted = await matching.post("/v1/openings", json=opening, headers=employer)
    assert posted.status_code == 201, posted.text
    inbox = f"/v1/organisations/{oid}/matches"

    async def proposed() -> list[Any]:
        return (await matching.get(inbox, params={"status": "proposed"}, headers=employer)).json()

    (proposal,) = await eventually(proposed, "a proposal in the employer's inbox", within=60)
    accepted = await matching.post(f"/v1/matches/{proposal['match_id']}/accept", headers=employer)
    assert accepted.status_code == 200, accepted.text
    return str(proposal["match_id"]), inbox, employer


async def test_after_erasure_no_copy_of_the_person_is_left(
    stack_factory: type[Stack], settings: Settings
) -> None:
    stack = stack_factory().start("caseplan", "matching", "reporting")  # type: ignore[call-arg]
    ports = {f"{s}_port": stack[s].port for s in ("caseplan", "matching", "reporting")}
    app: FastAPI = create_app(settings.model_copy(update=ports))
    dsn = settings.database_url
    admin = bearer(await create_api_key(dsn))
    mine = bearer(await create_api_key(dsn, role="municipality", municipality=OWN))
    body = intake_body(OWN)
    redis = aioredis.from_url(settings.redis_url)
    conn = await asyncpg.connect(dsn)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://intake", headers=mine
        ) as intake,
        httpx.AsyncClient(base_url=stack["matching"].url) as matching,
        httpx.AsyncClient(base_url=stack["caseplan"].url, headers=admin) as caseplan,
    ):
        try:
            pid = await _register_everywhere(intake, caseplan, redis, conn, body)
            match_id, inbox, employer = await _accepted_match(matching, dsn, admin)
            await eventually(
                lambda: conn.fetchval(
                    "SELECT 1 FROM caseplan.placement WHERE match_id = $1", UUID(match_id)
                ),
                "the accepted match's placement in caseplan",
                within=60,
            )
            id_hash = vault_of(settings).id_hash(body["national_id"]).hex().encode()
            before = await dump_redis(redis)
            assert holders(before, [id_hash]), "the dead letter names its subject by id hash"
            assert holders(before, [pid.encode()]), "the scan sees the person's events"

            seen = await matching.get(inbox, params={"status": "accepted"}, headers=employer)
            assert seen.json()[0]["explanation"], "before erasure the employer sees why"
            erased = await intake.post(f"/v1/participants/{pid}/erasure")
            assert erased.status_code == 200, erased.text
            await _settled(conn)

            needles = [s.encode() for s in secrets_of(body)] + [id_hash]
            dump = pg_dump(dsn)
            assert pid.encode() in dump  # the audit trail keeps the pseudonymous id
            assert not _lines_with(dump, needles)
            after = await dump_redis(redis)
            assert not holders(after, needles)
            await _no_event_carries(conn, after, pid)
            shown = await matching.get(inbox, params={"status": "accepted"}, headers=employer)
            (match,) = shown.json()  # the employer keeps its record of the placement...
            assert match["match_id"] == match_id
            assert match["explanation"] == [] and match["candidate"]["skills"] == []  # ...bare
        finally:
            await conn.close()
            await redis.aclose()


async def _register_everywhere(
    intake: httpx.AsyncClient,
    caseplan: httpx.AsyncClient,
    redis: aioredis.Redis,
    conn: asyncpg.Connection,
    body: Any,
) -> str:
    """The person over HTTP, again over the inbound stream, once more with a bad request;
    then marked ready for matching in caseplan. Returns their participant id."""
    created = await intake.post("/v1/intakes", json=body)
    assert created.status_code == 201, created.text
    pid: str = created.json()["participant_id"]
    again = {**body, "months_unemployed": 15, "request_id": "again-1"}
    await redis.xadd(streams.INTAKE_REQUESTS, {"data": json.dumps(again)})
    bad = {**body, "months_unemployed": -3}
    await redis.xadd(streams.INTAKE_REQUESTS, {"data": json.dumps(bad)})
    await eventually(
        lambda: conn.fetchval(
            "SELECT registrations = 2 FROM intake.participant WHERE participant_id = $1", UUID(pid)
        ),
        "the second registration from the inbound stream",
        within=60,
    )
    await eventually(
        lambda: redis.xlen(streams.DEAD_LETTER), "the bad request dead-lettered", within=60
    )
    await eventually(
        lambda: _equals(redis.xlen(streams.INTAKE_REQUESTS), 0),
        "settled requests deleted from the inbound stream",
        within=60,
    )
    await eventually(
        lambda: conn.fetchval(
            "SELECT 1 FROM caseplan.case_plan WHERE participant_id = $1", UUID(pid)
        ),
        "a case plan",
        within=60,
    )
    marked = await caseplan.post(
        f"/v1/participants/{pid}/ready-for-matching", json={"opening_kinds": ["work_practice"]}
    )
    assert marked.status_code == 200, marked.text
    return pid


async def _equals(value: Awaitable[Any], want: Any) -> bool:
    return bool(await value == want)


async def _settled(conn: asyncpg.Connection) -> None:
    """participant.erased handled by every service, and every queued event forgotten."""
    event_id = await eventually(
        lambda: conn.fetchval(
            "SELECT event_id FROM intake.outbox o WHERE type = 'participant.erased'"
            " AND NOT EXISTS (SELECT FROM intake.outbox_pending p WHERE p.id = o.id)"
        ),
        "participant.erased published",
        within=60,
    )

    async def handled_and_forgotten() -> bool:
        for s in ("caseplan", "matching", "reporting"):
            if not await conn.fetchval(f"SELECT 1 FROM {s}.inbox WHERE event_id = $1", event_id):
                return False
        for s in ("intake", "caseplan", "matching"):
            if await conn.fetchval(f"SELECT count(*) FROM {s}.outbox_forget"):
                return False
        return True

    await eventually(
        handled_and_forgotten, "erasure handled and the person's events forgotten", within=60
    )


async def _no_event_carries(
    conn: asyncpg.Connection, redis_keys: dict[bytes, bytes], pid: str
) -> None:
    """Only the erasure event itself (an id and nothing else) still names the participant."""
    pattern = f'"participant_id":"{pid}"'
    for s in ("intake", "caseplan", "matching"):
        types = await conn.fetch(f"SELECT type FROM {s}.outbox WHERE strpos(body, $1) > 0", pattern)
        assert [r["type"] for r in types] in ([], ["participant.erased"]), (s, types)
    assert not await conn.fetchval(
        "SELECT 1 FROM matching.match WHERE participant_id = $1", UUID(pid)
    )
    for key, blob in redis_keys.items():
        entries = [line for line in blob.splitlines() if pattern.encode() in line]
        if key == streams.INTAKE.encode():
            assert all(b'"participant.erased"' in line for line in entries), entries
        else:
            assert not entries, (key, entries)

"""The access matrix of matching: every endpoint × every role × own/other organisation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from typing import Any
from uuid import uuid4

import httpx
import pytest
import redis.asyncio as aioredis
from fastapi import FastAPI

from services.matching.main import create_app
from services.matching.settings import MatchingSettings
from shared.events import new_event
from shared.events.caseplan import ParticipantReadyForMatching
from shared.events.envelope import Payload
from shared.events.intake import CoarseLocation, ParticipantRegistered
from shared.settings import Settings
from tests.support import bearer, create_api_key

PLACE = {"lat": 63.548, "lon": 23.697}
HOME = "Kaustinen"
# Allowed callers last, so the state-changing cells (close, accept, decline) come at the end.
WHO: tuple[str | None, ...] = (
    None,
    "operator",
    "support_worker",
    "other_support_worker",
    "other_municipality",
    "other_workshop",
    "central",
    "municipality",
    "workshop",
    "admin",
)
DEFAULT = {None: 401, "operator": 403, "support_worker": 403, "other_support_worker": 403}
CASE_ORGANISATION = uuid4()
"""The support organisation holding the scene's cases (the `support_worker` key's)."""
ADMIN = {
    "other_municipality": 403,
    "other_workshop": 403,
    "central": 403,
    "municipality": 403,
    "workshop": 403,
    "admin": 200,
}
OWNER = {
    "other_municipality": 403,
    "municipality": 403,
    "other_workshop": 404,
    "central": 404,
    "workshop": 200,
    "admin": 200,
}
SUPPORTED = {**OWNER, "central": 200}
"""Read by the owner's central workshop too (the workshop is its satellite)."""
CITIZEN = {
    "other_workshop": 403,
    "central": 403,
    "workshop": 403,
    "other_municipality": 404,
    "municipality": 200,
    "admin": 200,
}

MATRIX: list[tuple[str, str, Any, dict[str | None, int]]] = [
    ("GET", "/v1/candidates/{pid}", None, CITIZEN),
    ("GET", "/v1/participants/{pid}/matches", None, CITIZEN),
    ("GET", "/v1/participants/{pid}/export", None, CITIZEN),
    (
        "GET",
        "/v1/participants/{pid}/proposals",
        None,
        {**CITIZEN, "support_worker": 200, "other_support_worker": 404},
    ),
    (
        "POST",
        "/v1/organisations",
        {"name": "Paja", "kind": "central_workshop", "municipality": HOME},
        {**ADMIN, "admin": 201},
    ),
    ("GET", "/v1/organisations/{oid}/matches", None, OWNER),
    (
        "GET",
        "/v1/organisations/{oid}/matches?limit=1&status=proposed&status=declined",
        None,
        OWNER,
    ),  # a page of the inbox: the same access
    (
        "PUT",
        "/v1/organisations/{oid}/webhook",
        {"webhook_url": None},
        {**OWNER, "other_workshop": 403, "central": 403},
    ),
    ("GET", "/v1/organisations", None, {**SUPPORTED, "other_workshop": 200}),
    ("GET", "/v1/organisations/{oid}", None, SUPPORTED),
    (
        "PATCH",
        "/v1/organisations/{oid}",
        {"name": "Satelliittipaja"},
        {**OWNER, "other_workshop": 403, "central": 403},
    ),
    (
        "POST",
        "/v1/organisations/{oid}/webhook/rotate",
        None,
        {**OWNER, "other_workshop": 403, "central": 403},
    ),
    ("GET", "/v1/organisations/{oid}/placements", None, SUPPORTED),
    ("GET", "/v1/openings", None, {**SUPPORTED, "other_workshop": 200}),
    ("GET", "/v1/openings?organisation_id={oid}", None, SUPPORTED),
    (
        "POST",
        "/v1/openings",
        "opening",
        {**OWNER, "other_workshop": 403, "central": 403, "workshop": 201, "admin": 201},
    ),
    ("GET", "/v1/openings/{opid}", None, SUPPORTED),
    ("PATCH", "/v1/openings/{opid}", {"title": "Carpentry"}, OWNER),
    (
        "PUT",
        "/v1/openings/{opid}/programme",
        {"groups": []},
        {**ADMIN, "operator": 200, "support_worker": 200, "other_support_worker": 200},
    ),
    ("GET", "/v1/openings/{opid}/candidates", None, ADMIN),
    ("GET", "/v1/matches/{mid}", None, ADMIN),
    ("POST", "/v1/matches/{mid}/decline", {"reason": "no room"}, {**OWNER, "admin": 409}),
    ("POST", "/v1/matches/{mid2}/accept", None, {**OWNER, "admin": 409}),
    ("POST", "/v1/openings/{opid}/close", None, {**OWNER, "admin": 409}),
    ("GET", "/v1/audit?participant_id={pid}", None, ADMIN),
]


@pytest.fixture
async def matching_app(settings: Settings) -> AsyncIterator[FastAPI]:
    """Matching's app with its lifespan (consumer included) running."""
    app = create_app(settings, MatchingSettings(max_live_proposals=3))
    async with app.router.lifespan_context(app):
        yield app


async def _publish(settings: Settings, *payloads: Payload) -> None:
    client = aioredis.from_url(settings.redis_url)
    for payload in payloads:
        env = new_event(payload, producer="test")
        await client.xadd(env.stream, {"__data__": env.model_dump_json()})
    await client.aclose()


def _registered(pid: Any) -> ParticipantRegistered:
    return ParticipantRegistered.model_validate(
        {
            "participant_id": pid,
            "municipality": HOME,
            "registered_on": date(2026, 1, 5),
            "languages": ["fi"],
            "skills": ["woodwork"],
            "location": CoarseLocation(municipality=HOME, **PLACE),
            "availability_hours": 25,
            "max_travel_km": 30,
        }
    )


def _opening(org: str) -> dict[str, Any]:
    return {
        "organisation_id": org,
        "title": "Carpentry workshop place",
        "kind": "workshop_place",
        "seats": 2,
        "location": PLACE,
        "required_skills": ["woodwork"],
        "languages": ["fi"],
        "hours_per_week_min": 10,
        "hours_per_week_max": 25,
    }


async def _keys(
    http: httpx.AsyncClient, dsn: str
) -> tuple[dict[str | None, dict[str, str]], dict[str, str]]:
    admin = bearer(await create_api_key(dsn))
    orgs: dict[str, str] = {}
    for who in ("central", "workshop", "other_workshop"):
        body = {"name": who, "kind": "central_workshop", "municipality": HOME, "location": PLACE}
        if who == "workshop":  # a satellite of the central workshop
            body |= {"kind": "satellite_workshop", "central_workshop_id": orgs["central"]}
        created = await http.post("/v1/organisations", json=body, headers=admin)
        assert created.status_code == 201, created.text
        orgs[who] = created.json()["organisation_id"]
    headers: dict[str | None, dict[str, str]] = {None: {}, "admin": admin}
    for who in ("central", "workshop", "other_workshop"):
        headers[who] = bearer(await create_api_key(dsn, orgs[who], "workshop"))
    headers["municipality"] = bearer(await create_api_key(dsn, None, "municipality", HOME))
    headers["other_municipality"] = bearer(
        await create_api_key(dsn, None, "municipality", "Veteli")
    )
    headers["operator"] = bearer(await create_api_key(dsn, None, "operator"))
    headers["support_worker"] = bearer(
        await create_api_key(dsn, CASE_ORGANISATION, "support_worker")
    )
    headers["other_support_worker"] = bearer(await create_api_key(dsn, uuid4(), "support_worker"))
    return headers, orgs


async def _scene(
    http: httpx.AsyncClient, settings: Settings, headers: Any, orgs: Any
) -> dict[str, str]:
    """Two ready participants proposed for one opening of the own workshop."""
    pids = [uuid4(), uuid4()]
    for pid in pids:
        await _publish(
            settings,
            _registered(pid),
            ParticipantReadyForMatching(
                participant_id=pid,
                support_worker_contact="worker@example.org",
                organisation_id=CASE_ORGANISATION,
            ),
        )
    opening = await http.post(
        "/v1/openings", json=_opening(orgs["workshop"]), headers=headers["workshop"]
    )
    opid = opening.json()["opening_id"]
    for _ in range(400):
        matches = (
            await http.get(f"/v1/openings/{opid}/candidates", headers=headers["admin"])
        ).json()
        if len(matches) == 2:
            break
        await asyncio.sleep(0.05)
    assert len(matches) == 2, matches
    return {
        "pid": str(pids[0]),
        "oid": orgs["workshop"],
        "opid": opid,
        "mid": matches[0]["match_id"],
        "mid2": matches[1]["match_id"],
    }


async def test_every_matching_endpoint_for_every_role(
    matching_app: FastAPI, settings: Settings
) -> None:
    transport = httpx.ASGITransport(app=matching_app)
    failures = []
    async with httpx.AsyncClient(transport=transport, base_url="http://matching") as http:
        headers, orgs = await _keys(http, settings.database_url)
        ids = await _scene(http, settings, headers, orgs)
        for method, path, body, cell in MATRIX:
            expected = {**DEFAULT, **cell}
            for who in WHO:
                payload = (
                    {"json": _opening(orgs["workshop"])}
                    if body == "opening"
                    else ({} if body is None else {"json": body})
                )
                r = await http.request(method, path.format(**ids), headers=headers[who], **payload)
                if r.status_code != expected[who]:
                    failures.append(f"{method} {path} as {who}: {r.status_code} {r.text[:160]}")
    assert not failures, "\n".join(failures)


def test_every_matching_operation_needs_a_key_and_is_in_the_matrix(matching_app: FastAPI) -> None:
    operations = {
        (method.upper(), path): op
        for path, item in matching_app.openapi()["paths"].items()
        if path.startswith("/v1")
        for method, op in item.items()
    }
    assert all(op.get("security") for op in operations.values())
    names = {
        "pid": "participant_id",
        "oid": "organisation_id",
        "opid": "opening_id",
        "mid": "match_id",
        "mid2": "match_id",
    }
    in_matrix = {
        (m, p.split("?")[0].format(**{k: "{" + v + "}" for k, v in names.items()}))
        for m, p, _, _ in MATRIX
    }
    assert set(operations) == in_matrix

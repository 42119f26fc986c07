"""Builders and waiting helpers for matching's integration tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import httpx
import redis.asyncio as aioredis

from shared.events import new_event, streams
from shared.events.caseplan import ParticipantReadyForMatching
from shared.events.envelope import Payload
from shared.events.intake import CoarseLocation, ParticipantRegistered

ClientFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
"""Starts matching in-process with MatchingSettings overrides."""

KAUSTINEN = {"lat": 63.548, "lon": 23.697}
VETELI = {"lat": 63.474, "lon": 23.784}


def registered(participant_id: UUID | None = None, **overrides: Any) -> ParticipantRegistered:
    """A participant living in Kaustinen who speaks Finnish and does woodwork."""
    pid = participant_id or uuid4()
    fields: dict[str, Any] = {
        "participant_id": pid,
        "municipality": "Kaustinen",
        "registered_on": date(2026, 1, 5),
        "languages": ["fi"],
        "skills": ["woodwork"],
        "interests": ["crafts"],
        "location": CoarseLocation(municipality="Kaustinen", **KAUSTINEN),
        "availability_hours": 25,
        "max_travel_km": 30,
        "sex": "female",
        "risk_groups": ["addiction_recovery", "disability"],
    }
    fields.update(overrides)
    return ParticipantRegistered.model_validate(fields)


def ready(participant_id: UUID, contact: str = "worker@kaustinen.example") -> Payload:
    """Caseplan's word that a participant may be matched."""
    return ParticipantReadyForMatching(
        participant_id=participant_id, support_worker_contact=contact
    )


async def publish(redis: aioredis.Redis, *payloads: Payload) -> None:
    """XADD events the way the outbox relay does."""
    for payload in payloads:
        env = new_event(payload, producer="test")
        await redis.xadd(env.stream, {"__data__": env.model_dump_json()})


async def stream_events(redis: aioredis.Redis, stream: str, type_: str) -> list[dict[str, Any]]:
    """Every envelope of one type in a stream, as JSON."""
    out = []
    for _id, fields in await redis.xrange(stream):
        body = json.loads(fields[b"__data__"])
        if body["type"] == type_:
            out.append(body)
    return out


async def dead_letters(redis: aioredis.Redis) -> list[dict[str, str]]:
    """Entries of the dead-letter stream."""
    rows = await redis.xrange(streams.DEAD_LETTER)
    return [{k.decode(): v.decode() for k, v in f.items()} for _id, f in rows]


async def organisation(http: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    """Register a central workshop in Kaustinen."""
    body = {
        "name": "Kaustisen työpaja",
        "kind": "central_workshop",
        "municipality": "Kaustinen",
        "location": KAUSTINEN,
    } | overrides
    r = await http.post("/v1/organisations", json=body)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def opening_body(organisation_id: str, **overrides: Any) -> dict[str, Any]:
    """A workshop place in Veteli for Finnish speakers who do woodwork."""
    return {
        "organisation_id": organisation_id,
        "title": "Carpentry workshop place",
        "kind": "workshop_place",
        "seats": 1,
        "location": VETELI,
        "required_skills": ["woodwork"],
        "nice_to_have_skills": ["painting"],
        "languages": ["fi"],
        "hours_per_week_min": 10,
        "hours_per_week_max": 25,
        "interest_tags": ["crafts"],
        "starts_on": "2026-12-01",
    } | overrides


async def post_opening(http: httpx.AsyncClient, organisation_id: str, **overrides: Any) -> str:
    """Post an opening; returns its id."""
    r = await http.post("/v1/openings", json=opening_body(organisation_id, **overrides))
    assert r.status_code == 201, r.text
    return str(r.json()["opening_id"])


async def candidates_of(http: httpx.AsyncClient, opening_id: str, **params: str) -> list[Any]:
    """The proposals made for an opening."""
    r = await http.get(f"/v1/openings/{opening_id}/candidates", params=params)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]

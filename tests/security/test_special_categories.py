"""Targeting special categories: an employer may not reserve an opening for a special
category (nor for an unknown group); a network programme may, and the organisation is never
told why someone was proposed; a participant who refused special-category processing is never
matched by it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
import redis.asyncio as aioredis

from services.matching.main import create_app
from services.matching.settings import MatchingSettings
from shared.events import new_event
from shared.events.caseplan import ParticipantReadyForMatching
from shared.events.intake import CoarseLocation, ParticipantRegistered
from shared.settings import Settings
from tests.support import bearer, create_api_key, eventually

PLACE = {"lat": 63.548, "lon": 23.697}
HOME = "Kaustinen"


@pytest.fixture
async def matching(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client of matching's app with its lifespan (consumer included) running."""
    app = create_app(settings, MatchingSettings(max_live_proposals=3))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://matching") as http:
            yield http


async def _ready(settings: Settings, groups: list[str], *, refused: bool = False) -> UUID:
    pid = uuid4()
    registered = ParticipantRegistered.model_validate(
        {"participant_id": pid, "municipality": HOME, "registered_on": date(2026, 1, 5),
         "languages": ["fi"], "skills": ["woodwork"], "risk_groups": groups,
         "location": CoarseLocation(municipality=HOME, **PLACE), "availability_hours": 25,
         "max_travel_km": 30, "special_categories_refused": refused}
    )  # fmt: skip
    ready = ParticipantReadyForMatching(participant_id=pid, support_worker_contact="w@example.org")
    client = aioredis.from_url(settings.redis_url)
    for payload in (registered, ready):
        env = new_event(payload, producer="test")
        await client.xadd(env.stream, {"__data__": env.model_dump_json()})
    await client.aclose()
    return pid


def _opening(org: str, **extra: Any) -> dict[str, Any]:
    return {"organisation_id": org, "title": "Carpentry workshop place", "kind": "workshop_place",
            "seats": 5, "location": PLACE, "required_skills": ["woodwork"], "languages": ["fi"],
            "hours_per_week_min": 10, "hours_per_week_max": 25, **extra}  # fmt: skip


async def _employer(
    http: httpx.AsyncClient, dsn: str
) -> tuple[str, dict[str, str], dict[str, str]]:
    admin = bearer(await create_api_key(dsn))
    body = {"name": "Paja", "kind": "employer", "municipality": HOME, "location": PLACE}
    org = (await http.post("/v1/organisations", json=body, headers=admin)).json()["organisation_id"]
    return org, bearer(await create_api_key(dsn, UUID(org), "employer")), admin


async def test_an_employer_cannot_target_special_categories_or_unknown_groups(
    matching: httpx.AsyncClient, settings: Settings
) -> None:
    org, employer, _ = await _employer(matching, settings.database_url)
    for groups in (["released_from_prison"], ["youth", "disability"]):
        r = await matching.post(
            "/v1/openings", json=_opening(org, eligible_groups=groups), headers=employer
        )
        assert r.status_code == 403, r.text
        assert r.json()["detail"]["reason"] == "special_category_target"
    r = await matching.post(
        "/v1/openings", json=_opening(org, eligible_groups=["nonsense_group"]), headers=employer
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "eligible_groups", r.text
    r = await matching.post(
        "/v1/openings", json=_opening(org, eligible_groups=["youth"]), headers=employer
    )
    assert r.status_code == 201, r.text
    url = f"/v1/openings/{r.json()['opening_id']}"
    r = await matching.patch(
        url, json={"eligible_groups": ["addiction_recovery"]}, headers=employer
    )
    assert r.status_code == 403 and r.json()["detail"]["reason"] == "special_category_target"
    r = await matching.put(f"{url}/programme", json={"groups": ["disability"]}, headers=employer)
    assert r.status_code == 403 and r.json()["detail"]["reason"] == "role_not_allowed"


async def test_a_network_programme_targets_a_group_without_telling_the_employer(
    matching: httpx.AsyncClient, settings: Settings
) -> None:
    dsn = settings.database_url
    org, employer, admin = await _employer(matching, dsn)
    network = bearer(await create_api_key(dsn, None, "support_worker"))
    r = await matching.post("/v1/openings", json=_opening(org), headers=employer)
    opid = r.json()["opening_id"]
    url = f"/v1/openings/{opid}/programme"
    r = await matching.put(url, json={"groups": ["nonsense_group"]}, headers=network)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "groups.0", r.text
    r = await matching.put(url, json={"groups": ["released_from_prison"]}, headers=network)
    assert r.status_code == 200 and r.json()["groups"] == ["released_from_prison"], r.text

    refused = await _ready(settings, ["released_from_prison"], refused=True)
    outside = await _ready(settings, ["long_term_unemployed"])
    member = await _ready(settings, ["released_from_prison"])
    proposed: set[str] = set()
    for _ in range(400):
        rows = (await matching.get(f"/v1/openings/{opid}/candidates", headers=admin)).json()
        proposed = {m["participant_id"] for m in rows}
        if str(member) in proposed:
            break
        await asyncio.sleep(0.05)
    assert proposed == {str(member)}, (proposed, refused, outside)

    inbox = await matching.get(f"/v1/organisations/{org}/matches", headers=employer)
    assert inbox.status_code == 200 and len(inbox.json()) == 1
    opening = await matching.get(f"/v1/openings/{opid}", headers=employer)
    for seen in (inbox.text, opening.text):
        assert "prison" not in seen and "programme" not in seen

    # without the programme the same kind of participant is proposed: it was the programme
    r = await matching.put(url, json={"groups": []}, headers=network)
    assert r.status_code == 200 and r.json()["groups"] == []
    anyone = await _ready(settings, ["long_term_unemployed"])

    async def proposed_anyone() -> bool:
        rows = (await matching.get(f"/v1/openings/{opid}/candidates", headers=admin)).json()
        return str(anyone) in {m["participant_id"] for m in rows}

    await eventually(proposed_anyone, "the open opening proposing someone new", within=20)

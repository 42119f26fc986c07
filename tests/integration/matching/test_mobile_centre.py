"""A mobile work-practice centre: its opening's schedule of stops is stored, shown, carried
by `opening.posted`, checked (stops sharing a day are refused), and matching proposes from
the stop covering today, not from the opening's own far-away location."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import redis.asyncio as aioredis
from matching_helpers import (
    KAUSTINEN,
    ClientFactory,
    candidates_of,
    organisation,
    post_opening,
    publish,
    ready,
    registered,
    stream_events,
)

from shared.events import streams
from tests.support import eventually

FAR = {"lat": 60.17, "lon": 24.94}  # Helsinki: far beyond the participant's 30 km


async def test_a_mobile_centre_is_matched_from_the_stop_covering_today(
    matching_client: ClientFactory, redis: aioredis.Redis
) -> None:
    today = date.today()
    here = {"starts_on": (today - timedelta(days=2)).isoformat(),
            "ends_on": (today + timedelta(days=2)).isoformat(),
            "location": KAUSTINEN, "municipality": "Kaustinen"}  # fmt: skip
    later = {"starts_on": (today + timedelta(days=3)).isoformat(),
             "ends_on": (today + timedelta(days=9)).isoformat(), "location": FAR}  # fmt: skip
    async with matching_client() as http:
        oid = (await organisation(http))["organisation_id"]
        fixed = await post_opening(http, oid, title="Fixed far away", location=FAR)
        mobile = await post_opening(
            http, oid, title="Paja pyörillä", location=FAR, schedule=[here, later]
        )
        overlapping = await http.post("/v1/openings", json={
            "organisation_id": oid, "title": "x", "kind": "workshop_place", "seats": 1,
            "location": FAR, "schedule": [here, {**later, "starts_on": here["ends_on"]}]})  # fmt: skip
        shown = (await http.get(f"/v1/openings/{mobile}")).json()
        person = registered()
        await publish(redis, person, ready(person.participant_id))

        async def proposed() -> list[Any]:
            return await candidates_of(http, mobile)

        found = await eventually(proposed, what="a proposal from today's stop")
        not_fixed = await candidates_of(http, fixed)
        posted = await stream_events(redis, streams.MATCHING, "opening.posted")
        moved = await http.patch(f"/v1/openings/{mobile}", json={"schedule": [later]})
    assert overlapping.status_code == 422, overlapping.text
    assert [s["location"] for s in shown["schedule"]] == [KAUSTINEN, FAR]
    assert shown["schedule"][0]["municipality"] == "Kaustinen"
    assert len(found) == 1 and not_fixed == []
    [event] = [e for e in posted if e["payload"]["opening_id"] == mobile]
    assert [s["starts_on"] for s in event["payload"]["schedule"]] == [
        here["starts_on"], later["starts_on"]
    ]  # fmt: skip
    assert moved.status_code == 200 and len(moved.json()["schedule"]) == 1

"""A workshop or employer lists its placements with their ids (from caseplan's events)."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import redis.asyncio as aioredis
from matching_helpers import ClientFactory, post_opening, publish
from network_helpers import central_and_satellite, every_page, workshop_key

from shared.events.caseplan import PlacementEnded, PlacementStarted
from shared.settings import Settings
from tests.support.polling import eventually


def started(org: str, opening: str | None, **fields: object) -> PlacementStarted:
    return PlacementStarted.model_validate(
        {
            "participant_id": uuid4(),
            "placement_id": uuid4(),
            "match_id": uuid4(),
            "organisation_id": org,
            "opening_id": opening,
            "opening_kind": "workshop_place",
            "starts_on": date(2026, 12, 1),
            "hours_per_week": 20,
        }
        | fields
    )


def ended(start: PlacementStarted, outcome: str = "completed") -> PlacementEnded:
    return PlacementEnded.model_validate(
        {
            "participant_id": start.participant_id,
            "placement_id": start.placement_id,
            "organisation_id": start.organisation_id,
            "opening_id": start.opening_id,
            "outcome": outcome,
            "ended_on": date(2027, 2, 26),
        }
    )


async def test_placements_listed_with_their_ids_and_never_who(
    matching_client: ClientFactory, redis: aioredis.Redis, settings: Settings
) -> None:
    async with matching_client() as http:
        central, satellite = await central_and_satellite(http)
        opening = await post_opening(http, satellite)
        elsewhere = await post_opening(http, central)
        ongoing = [started(satellite, opening) for _ in range(2)]
        finished = started(satellite, opening, starts_on=date(2026, 11, 2))
        late_start = started(satellite, opening)
        central_one = started(central, elsewhere)
        # an end that arrives before its start, and one that follows it
        await publish(redis, ended(late_start, "dropped_out"), *ongoing, finished)
        await publish(redis, ended(finished), late_start, central_one)
        path = f"/v1/organisations/{satellite}/placements"

        async def four_with_both_ends() -> list[dict[str, object]]:
            items = await every_page(http, path)
            done = [i for i in items if i["status"] == "ended" and i["starts_on"]]
            return items if len(items) == 4 and len(done) == 2 else []

        items = await eventually(four_with_both_ends, what="the satellite's placements")
        pages = await every_page(http, path, limit=3)
        first = (await http.get(path, params={"limit": 3})).json()
        ended_only = await every_page(http, path, status="ended")
        ongoing_only = await every_page(http, path, status="ongoing")
        own_key = await workshop_key(settings.database_url, satellite)
        central_key = await workshop_key(settings.database_url, central)
        as_satellite = await every_page(http, path, own_key)
        as_central = await every_page(http, path, central_key)
        central_own = await http.get(f"/v1/organisations/{central}/placements", headers=own_key)
        unknown = await http.get(f"/v1/organisations/{uuid4()}/placements")
        raw = (await http.get(path)).text

    by_id = {UUID(i["placement_id"]): i for i in items}
    all_started = [*ongoing, finished, late_start]
    assert set(by_id) == {s.placement_id for s in all_started}
    assert [i["placement_id"] for i in items] == sorted(i["placement_id"] for i in items)
    assert pages == items and len(first["items"]) == 3 and first["next_after"] is not None
    for s in all_started:
        item = by_id[s.placement_id]
        assert item["opening_id"] == opening and item["match_id"] == str(s.match_id)
        assert item["opening_title"] == "Carpentry workshop place"
        assert item["starts_on"] == s.starts_on.isoformat() and item["hours_per_week"] == 20
    assert by_id[finished.placement_id]["status"] == "ended"
    assert by_id[finished.placement_id]["ends_on"] == "2027-02-26"
    assert by_id[finished.placement_id]["outcome"] == "completed"
    assert by_id[late_start.placement_id]["outcome"] == "dropped_out"
    for s in ongoing:
        assert by_id[s.placement_id]["status"] == "ongoing"
        assert by_id[s.placement_id]["ends_on"] is None
    assert {i["placement_id"] for i in ended_only} == {
        str(finished.placement_id),
        str(late_start.placement_id),
    }
    assert {i["placement_id"] for i in ongoing_only} == {str(s.placement_id) for s in ongoing}
    assert as_satellite == items and as_central == items  # central staff support satellites
    assert central_own.status_code == 404  # a satellite does not read its central workshop
    assert unknown.status_code == 404
    for s in all_started:
        assert str(s.participant_id) not in raw
    assert "participant" not in raw

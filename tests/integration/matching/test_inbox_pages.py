"""An organisation's inbox a page at a time: `limit` and `after` (the last match's id) walk
the same best-first order as the whole list, `status` may name several statuses, and an
`after` from another organisation (or none) gives nothing."""

from __future__ import annotations

from typing import Any

import httpx
import redis.asyncio as aioredis
from matching_helpers import ClientFactory, organisation, post_opening, publish, ready, registered

from tests.support.polling import eventually


async def pages(http: httpx.AsyncClient, org: str, limit: int, **params: Any) -> list[Any]:
    """Every match of the inbox, `limit` at a time, following the last one's id."""
    found: list[Any] = []
    after: str | None = None
    while True:
        query = {**params, "limit": limit} | ({"after": after} if after else {})
        r = await http.get(f"/v1/organisations/{org}/matches", params=query)
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page) <= limit
        found += page
        if len(page) < limit:
            return found
        after = page[-1]["match_id"]


async def test_the_inbox_pages_in_its_own_order_and_filters_by_several_statuses(
    matching_client: ClientFactory, redis: aioredis.Redis
) -> None:
    async with matching_client(proposals_per_seat=2) as http:
        org = (await organisation(http))["organisation_id"]
        other = (await organisation(http, name="Toinen paja"))["organisation_id"]
        await post_opening(http, org, seats=3)
        await post_opening(http, other, seats=1)
        people = [registered(skills=["woodwork", *(["painting"] if i % 2 else [])])
                  for i in range(5)]  # fmt: skip
        for person in people:
            await publish(redis, person, ready(person.participant_id))
        url = f"/v1/organisations/{org}/matches"

        async def five() -> list[Any]:
            found = (await http.get(url)).json()
            return found if len(found) == 5 else []

        whole = await eventually(five, what="five proposals")
        declined = [m["match_id"] for m in whole[:2]]
        for mid in declined:
            r = await http.post(f"/v1/matches/{mid}/decline", json={"code": "position_filled"})
            assert r.status_code == 200, r.text
        everything = (await http.get(url)).json()
        paged = await pages(http, org, 2)
        one_by_one = await pages(http, org, 1)
        live = await pages(http, org, 2, status="proposed")
        answered = await pages(http, org, 50, status=["declined", "accepted"])
        foreign = (await http.get(f"/v1/organisations/{other}/matches")).json()
        across = await http.get(url, params={"after": foreign[0]["match_id"], "limit": 5})
        no_limit = await http.get(url, params={"after": everything[1]["match_id"]})
        zero = await http.get(url, params={"limit": 0})

    ids = [m["match_id"] for m in everything]
    assert [m["match_id"] for m in paged] == [m["match_id"] for m in one_by_one] == ids
    assert [m["score"] for m in everything] == sorted((m["score"] for m in everything),
                                                      reverse=True)  # fmt: skip
    assert [m["match_id"] for m in live] == [m for m in ids if m not in declined]
    assert sorted(m["match_id"] for m in answered) == sorted(declined)
    assert {m["status"] for m in answered} == {"declined"}
    assert across.status_code == 200 and across.json() == []  # another's match: nothing
    assert [m["match_id"] for m in no_limit.json()] == ids[2:]
    assert zero.status_code == 422

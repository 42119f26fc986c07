"""Keys and pages for the organisations' own pages in matching's integration tests."""

from __future__ import annotations

from typing import Any

import httpx
from matching_helpers import organisation

from tests.support import bearer, create_api_key


async def workshop_key(dsn: str, organisation_id: str) -> dict[str, str]:
    """The Authorization header of a workshop staff key of this organisation."""
    return bearer(await create_api_key(dsn, organisation_id, "workshop"))  # type: ignore[arg-type]


async def central_and_satellite(http: httpx.AsyncClient) -> tuple[str, str]:
    """A central workshop and a satellite workshop that belongs to it: their ids."""
    central = await organisation(http, name="Keskuspaja")
    satellite = await organisation(
        http,
        name="Satelliittipaja",
        kind="satellite_workshop",
        central_workshop_id=central["organisation_id"],
    )
    return central["organisation_id"], satellite["organisation_id"]


async def every_page(
    http: httpx.AsyncClient, path: str, headers: dict[str, str] | None = None, **params: Any
) -> list[dict[str, Any]]:
    """Every item of a paged list, read a page at a time by following `next_after`."""
    items: list[dict[str, Any]] = []
    after = None
    while True:
        query = {**params, **({"after": after} if after else {})}
        r = await http.get(path, params=query, headers=headers or {})
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= int(params.get("limit", 50))
        items += page["items"]
        after = page["next_after"]
        if after is None:
            return items

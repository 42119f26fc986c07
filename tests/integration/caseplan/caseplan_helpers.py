"""Helpers for caseplan integration tests: a client, publishing events, reading streams."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import redis.asyncio as aioredis

from shared.events import new_event, streams
from shared.events.envelope import Payload
from shared.events.intake import ParticipantRegistered
from shared.settings import Settings
from tests.support.polling import eventually

RAPLA = "Rapla vald"


class Caseplan:
    """A running caseplan app, a client for it, and the test's Redis and database."""

    def __init__(self, client: httpx.AsyncClient, settings: Settings) -> None:
        self.client = client
        self.settings = settings
        self.redis = aioredis.from_url(settings.redis_url)
        self.organisation = uuid4()
        """The support organisation whose workers the test creates."""

    async def publish(self, *payloads: Payload, producer: str = "intake") -> None:
        """XADD events the way the outbox relay does."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for p in payloads:
                env = new_event(p, producer=producer)
                pipe.xadd(env.stream, {"__data__": env.model_dump_json()})
            await pipe.execute()

    async def register(self, municipality: str = RAPLA, on: date | None = None) -> UUID:
        """Publish one participant.registered and return the participant id."""
        pid = uuid4()
        await self.publish(registered(pid, municipality, on))
        return pid

    async def case_plan(self, pid: UUID) -> dict[str, Any]:
        """Wait until the participant's case plan exists and return it."""

        async def found() -> dict[str, Any] | None:
            r = await self.client.get(f"/v1/participants/{pid}/case-plan")
            return r.json() if r.status_code == 200 else None

        return await eventually(found, what=f"case plan of {pid}")

    async def agree(self, municipality: str = RAPLA) -> dict[str, Any] | None:
        """A service agreement: the test's support organisation serves the municipality
        (None when it already does)."""
        r = await self.client.post(
            "/v1/service-agreements",
            json={"organisation_id": str(self.organisation), "municipality": municipality},
        )
        if r.status_code == 409 and r.json()["detail"]["reason"] == "agreement_exists":
            return None
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    async def worker(self, limit: int = 8, municipality: str = RAPLA) -> dict[str, Any]:
        """Create a support worker of the test's organisation (agreed to serve there)."""
        await self.agree(municipality)
        r = await self.client.post(
            "/v1/support-workers",
            json={
                "organisation_id": str(self.organisation),
                "municipalities": [municipality],
                "caseload_limit": limit,
                "contact": "mentor@example.org",
            },
        )
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    async def emitted(self, type_: str) -> list[dict[str, Any]]:
        """Payloads of one event type in the caseplan stream, in stream order."""
        entries = await self.redis.xrange(streams.CASEPLAN)
        bodies = [json.loads(f[b"__data__"]) for _, f in entries]
        return [b["payload"] for b in bodies if b["type"] == type_]

    async def stream_types(self) -> list[str]:
        """Event types in the caseplan stream, in stream order."""
        entries = await self.redis.xrange(streams.CASEPLAN)
        return [json.loads(f[b"__data__"])["type"] for _, f in entries]

    async def sql(self, query: str, *args: Any) -> list[asyncpg.Record]:
        """Run a query in the caseplan schema."""
        conn = await asyncpg.connect(self.settings.database_url)
        try:
            await conn.execute("SET search_path TO caseplan")
            return await conn.fetch(query, *args)
        finally:
            await conn.close()


def registered(
    pid: UUID, municipality: str = RAPLA, on: date | None = None
) -> ParticipantRegistered:
    """A participant.registered payload."""
    return ParticipantRegistered(
        participant_id=pid, municipality=municipality, registered_on=on or date.today()
    )

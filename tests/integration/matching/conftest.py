"""Matching's app in-process (lifespan started: pool, relay, consumer, jobs) on real servers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis
from matching_helpers import ClientFactory

from services.matching.main import create_app
from services.matching.settings import MatchingSettings
from shared.settings import Settings
from tests.support import keyed_client


@pytest.fixture
def matching_client(settings: Settings, admin_key: str) -> ClientFactory:
    """Start matching in-process with the given MatchingSettings overrides; yields a client."""

    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(settings, MatchingSettings(**overrides))
        async with app.router.lifespan_context(app):
            async with keyed_client(app, admin_key, base_url="http://matching") as http:
                yield http

    return start


@pytest.fixture
async def redis(settings: Settings) -> AsyncIterator[aioredis.Redis]:
    """A client of the test's private Redis."""
    client = aioredis.from_url(settings.redis_url)
    try:
        yield client
    finally:
        await client.aclose()

"""Intake's app in-process (lifespan started: pool, relay, consumer) on real servers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from services.intake.main import create_app
from shared.settings import Settings
from tests.support import keyed_client


@pytest.fixture
async def client(settings: Settings, admin_key: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client (sending an admin key) talking to a running intake app."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with keyed_client(app, admin_key, base_url="http://intake") as http:
            yield http


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[asyncpg.Connection]:
    """A connection to the test database, in intake's schema."""
    conn = await asyncpg.connect(settings.database_url, server_settings={"search_path": "intake"})
    try:
        yield conn
    finally:
        await conn.close()

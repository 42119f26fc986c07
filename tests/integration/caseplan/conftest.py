"""In-process caseplan apps against this test's PostgreSQL and Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from caseplan_helpers import Caseplan

from services.caseplan.main import create_app
from shared.settings import Settings
from tests.support import keyed_client


@pytest.fixture
async def caseplan_factory(
    settings: Settings, admin_key: str
) -> AsyncIterator[Callable[[], Awaitable[Caseplan]]]:
    """Start caseplan apps in this process (each a separate consumer); stopped afterwards."""
    stack: list[tuple[Any, Caseplan]] = []

    async def start() -> Caseplan:
        app = create_app(settings)
        ctx = app.router.lifespan_context(app)
        await ctx.__aenter__()
        client = keyed_client(app, admin_key, base_url="http://cp")
        cp = Caseplan(client, settings)
        stack.append((ctx, cp))
        return cp

    yield start
    for ctx, cp in reversed(stack):
        await cp.client.aclose()
        await cp.redis.aclose()
        await ctx.__aexit__(None, None, None)


@pytest.fixture
async def caseplan(caseplan_factory: Callable[[], Awaitable[Caseplan]]) -> Caseplan:
    """One running caseplan app."""
    return await caseplan_factory()

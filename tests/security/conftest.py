"""Security tests: every service denies calls without a key; keys per role; in-process apps."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from fastapi import FastAPI
from security_helpers import OTHER, OWN

from services.intake.main import create_app as create_intake
from shared.settings import Settings
from tests.support import create_api_key


@pytest.fixture
async def intake_app(settings: Settings) -> AsyncIterator[FastAPI]:
    """Intake's app with its lifespan running."""
    app = create_intake(settings)
    async with app.router.lifespan_context(app):
        yield app


class Keys:
    """One key per role; municipalities and organisations own or other."""

    def __init__(self) -> None:
        self.text: dict[str, str] = {}
        self.organisation: dict[str, UUID] = {}

    def __getitem__(self, who: str) -> str:
        return self.text[who]


@pytest.fixture
async def keys(settings: Settings) -> Keys:
    """Keys for: admin, operator, municipality/other_municipality, and own/other organisations."""
    made = Keys()
    plan: dict[str, tuple[str, str | None]] = {
        "admin": ("admin", None),
        "operator": ("operator", None),
        "municipality": ("municipality", OWN),
        "other_municipality": ("municipality", OTHER),
        "support_worker": ("support_worker", None),
        "other_support_worker": ("support_worker", None),
        "workshop": ("workshop", None),
        "other_workshop": ("workshop", None),
        "employer": ("employer", None),
        "other_employer": ("employer", None),
    }
    for who, (role, municipality) in plan.items():
        org = uuid4()
        made.organisation[who] = org
        made.text[who] = await create_api_key(settings.database_url, org, role, municipality)
    return made


async def connect(settings: Settings, schema: str = "intake") -> Any:
    """A connection in one service's schema."""
    return await asyncpg.connect(settings.database_url, server_settings={"search_path": schema})

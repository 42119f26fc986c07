"""Fixtures for the foundation's tests: settings with the probe schemas migrated."""

from __future__ import annotations

import asyncio

import pytest
from messaging_probe import migrate_probe

from shared.settings import Settings


@pytest.fixture
def probe_settings(settings: Settings) -> Settings:
    """The plugin's fast settings, with the probe and probesource schemas migrated."""
    asyncio.run(migrate_probe(settings.database_url))
    return settings

"""pytest plugin: real-server fixtures every test folder can use."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.migrate import migrate
from shared.settings import SERVICES, Settings
from tests.support.keys import create_api_key_sync
from tests.support.servers import (
    RedisServer,
    Stack,
    create_database,
    drop_database,
    service_logins,
)

ARTIFACTS = Path(os.environ.get("POLKU_TEST_ARTIFACTS", "artifacts"))


@pytest.fixture
def database_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the machine's server, dropped afterwards."""
    dsn = asyncio.run(create_database())
    try:
        yield dsn
    finally:
        asyncio.run(drop_database(dsn))


@pytest.fixture
def migrated_database_url(database_url: str) -> str:
    """A fresh database with every service's schema migrated."""
    asyncio.run(migrate(database_url, SERVICES))
    return database_url


@pytest.fixture
def admin_key(migrated_database_url: str) -> str:
    """An admin API key valid in every service of this test's database."""
    return create_api_key_sync(migrated_database_url)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A private redis-server on a free port (so a test may restart it), stopped afterwards."""
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    return redis_server.url


@pytest.fixture
def settings(migrated_database_url: str, redis_url: str) -> Settings:
    """Settings pointing at this test's database and Redis, with fast claim timings; an app
    built from them logs in as its service's own role, `database_url` is the owner."""
    return Settings(
        database_url=migrated_database_url,
        redis_url=redis_url,
        claim_idle_ms=300,
        claim_interval_ms=100,
        consumer_block_ms=100,
        redis_check_ms=200,
        max_attempts=3,
    ).model_copy(update=_logins(migrated_database_url))


def _logins(database_url: str) -> dict[str, str]:
    """Settings' `<service>_database_url` fields: each service's own role."""
    return {
        name.removeprefix("POLKU_").lower(): dsn
        for name, dsn in service_logins(database_url).items()
    }


@pytest.fixture
def stack_factory(
    migrated_database_url: str, redis_url: str, tmp_path: Path
) -> Iterator[type[Stack]]:
    """Build stacks of real service processes; every one started is stopped afterwards."""
    made: list[Stack] = []

    class _Stack(Stack):
        def __init__(self, **settings: str) -> None:
            super().__init__(migrated_database_url, redis_url, tmp_path, **settings)
            made.append(self)

    yield _Stack
    for stack in made:
        stack.stop()


@pytest.fixture
def stack(stack_factory: type[Stack]) -> Stack:
    """All four services as real processes against this test's database and Redis."""
    return stack_factory().start()  # type: ignore[call-arg]


@pytest.fixture
def artifacts_dir() -> Path:
    """Where tests save screenshots and reports for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS

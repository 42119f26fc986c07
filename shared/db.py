"""asyncpg pools: one per service, its search_path set to the service's own schema."""

from __future__ import annotations

import asyncio
import logging

import asyncpg

log = logging.getLogger("polku.db")

INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.ConnectionFailureError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.TooManyConnectionsError,
    ConnectionError,
    asyncio.TimeoutError,
)
"""Errors that mean the database is unreachable, not that an event is bad."""


def is_infrastructure_error(exc: BaseException) -> bool:
    """True when the error is the database or network being down."""
    return isinstance(exc, INFRASTRUCTURE_ERRORS)


async def _no_reset_query(conn: asyncpg.Connection) -> None:
    """Released connections skip asyncpg's reset query (one round trip per acquire):
    Polku sets no session state on pooled connections: its settings come with the
    connection, its advisory locks are transaction-scoped, LISTEN has its own connection.
    asyncpg still rolls back a transaction left open."""


async def create_pool(
    dsn: str, *, schema: str, min_size: int = 2, max_size: int = 10, wait_s: float = 60.0
) -> asyncpg.Pool:
    """A pool whose connections use `schema` first; waits for PostgreSQL to answer."""
    delay = 0.2
    deadline = asyncio.get_running_loop().time() + wait_s
    while True:
        try:
            pool = await asyncpg.create_pool(
                dsn,
                min_size=min_size,
                max_size=max_size,
                server_settings={"search_path": f"{schema},public", "application_name": schema},
                command_timeout=60,
                reset=_no_reset_query,
            )
            assert pool is not None
            return pool
        except INFRASTRUCTURE_ERRORS as exc:
            if asyncio.get_running_loop().time() > deadline:
                raise
            log.warning("database not answering (%s); retrying in %.1fs", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

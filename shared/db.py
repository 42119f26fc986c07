"""asyncpg pools: one per service, its search_path set to the service's own schema."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import asyncpg

log = logging.getLogger("polku.db")

OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # ConnectionError and refused, reset or unreachable sockets among them
    asyncpg.exceptions.ClientCannotConnectError,
    asyncpg.exceptions.ConnectionFailureError,
    asyncpg.exceptions.ConnectionRejectionError,
    asyncpg.exceptions.CannotConnectNowError,  # starting up or shutting down
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
)
"""Errors that mean the database cannot be reached: an outage, not a failed attempt."""

INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    *OUTAGE_ERRORS,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.InternalClientError,  # "another operation is in progress" as it dies
    asyncio.TimeoutError,
)
"""What an HTTP request answers with 503: an outage, or a backing service too slow to answer."""


def is_outage(exc: BaseException) -> bool:
    """True when the database (or the network to it) cannot be reached.

    A statement that failed or timed out on a live connection is not an outage: for a
    consumer it is a failed attempt of the event at hand (`shared.messaging`)."""
    return isinstance(exc, OUTAGE_ERRORS) and not isinstance(exc, TimeoutError)


def is_infrastructure_error(exc: BaseException) -> bool:
    """True when a backing service is down or too slow: an HTTP request answers 503."""
    return isinstance(exc, INFRASTRUCTURE_ERRORS)


async def _no_reset_query(conn: asyncpg.Connection) -> None:
    """Released connections skip asyncpg's reset query (one round trip per acquire):
    Polku sets no session state on pooled connections: its settings come with the
    connection, its advisory locks are transaction-scoped, LISTEN has its own connection.
    asyncpg still rolls back a transaction left open."""


def statement_kind(query: str) -> str:
    """The first keyword of a statement, lower case (`select`, `insert`, `begin`, ...)."""
    head = query.lstrip().split(None, 1)
    return head[0].rstrip(";").lower() if head else ""


async def create_pool(
    dsn: str,
    *,
    schema: str,
    min_size: int = 2,
    max_size: int = 10,
    wait_s: float = 60.0,
    on_statement: Callable[[str], None] | None = None,
) -> asyncpg.Pool:
    """A pool whose connections use `schema` first; waits for PostgreSQL to answer.

    `on_statement`, when given, is called with each statement's text as it ends (each is a
    round trip: the bench counts them, `POLKU_DB_COUNT_STATEMENTS`)."""
    from shared.outage import Backoff, OutageLog  # shared.outage classifies with this module

    backoff, outage = Backoff(), OutageLog(log, f"database of {schema}")
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
                init=None if on_statement is None else _statement_logger(on_statement),
            )
            assert pool is not None
            outage.recovered()
            return pool
        except INFRASTRUCTURE_ERRORS as exc:
            if asyncio.get_running_loop().time() > deadline:
                raise
            outage.failed(exc)
            await asyncio.sleep(backoff.next())


def _statement_logger(
    on_statement: Callable[[str], None],
) -> Callable[[asyncpg.Connection], Any]:
    async def init(conn: asyncpg.Connection) -> None:
        conn.add_query_logger(lambda record: on_statement(record.query))

    return init

"""What the `polku` command says, in one line, when a server is down or the input is wrong."""

from __future__ import annotations

import re

import asyncpg
import redis.exceptions as redis_errors
from cryptography.exceptions import InvalidTag

STREAM_ID = re.compile(r"\d+-\d+")
USAGE_ERROR = 2  # the command line itself was wrong
FAILED = 1  # a server is unreachable, or refused


def is_stream_id(text: str) -> bool:
    """Whether `text` is a full Redis stream entry id (`<milliseconds>-<sequence>`)."""
    return STREAM_ID.fullmatch(text) is not None


def explain(exc: BaseException) -> str | None:
    """One line for an error the user can fix (a server down, a database not migrated);
    None for anything else (a bug, which keeps its traceback)."""
    if isinstance(exc, redis_errors.ConnectionError | redis_errors.TimeoutError):
        return f"cannot reach Redis (POLKU_REDIS_URL): {exc}"
    if isinstance(exc, redis_errors.ResponseError):
        return f"Redis refused the command: {exc}"
    if isinstance(exc, asyncpg.UndefinedTableError | asyncpg.InvalidSchemaNameError):
        return f"the database is not migrated ({exc}); run `polku migrate`"
    if isinstance(
        exc, asyncpg.InvalidCatalogNameError | asyncpg.InvalidAuthorizationSpecificationError
    ):
        return f"PostgreSQL (POLKU_DATABASE_URL) refused the connection: {exc}"
    if isinstance(exc, asyncpg.PostgresConnectionError | asyncpg.InterfaceError | OSError):
        return f"cannot reach PostgreSQL (POLKU_DATABASE_URL): {exc or type(exc).__name__}"
    if isinstance(exc, InvalidTag):
        return (
            "cannot open the sealed entry: POLKU_ENCRYPTION_KEY is not the key it was sealed with"
        )
    return None

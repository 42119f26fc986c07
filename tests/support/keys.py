"""API keys for tests and the demo: create one straight in the database, send it with httpx."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID, uuid4

import httpx

from shared.key_store import create_key

ADMIN_ORGANISATION = UUID("00000000-0000-4000-8000-00000000ad01")
"""The organisation tests and the demo give their admin key."""


async def create_api_key(
    dsn: str,
    organisation_id: UUID | None = None,
    role: str = "admin",
    municipality: str | None = None,
    **options: Any,
) -> str:
    """A new key in every schema of the database at `dsn` (migrated); returns its text."""
    org = organisation_id or (ADMIN_ORGANISATION if role == "admin" else uuid4())
    _, key = await create_key(
        dsn, organisation_id=org, role=role, municipality=municipality, **options
    )
    return key


def create_api_key_sync(
    dsn: str,
    organisation_id: UUID | None = None,
    role: str = "admin",
    municipality: str | None = None,
    **options: Any,
) -> str:
    """`create_api_key` for code without a running event loop (sync tests, the demo);
    `options` as `create_key`'s (e.g. `scopes=["history"]`)."""
    return asyncio.run(create_api_key(dsn, organisation_id, role, municipality, **options))


def bearer(key: str) -> dict[str, str]:
    """The Authorization header that sends `key`."""
    return {"Authorization": f"Bearer {key}"}


def keyed_client(app: Any, key: str, base_url: str = "http://polku") -> httpx.AsyncClient:
    """An httpx client that talks to an in-process app and sends `key` on every request."""
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url=base_url, headers=bearer(key))

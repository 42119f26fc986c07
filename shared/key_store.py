"""API keys, written into every service's schema at once (`polku keys` is polku/keys_cli.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from shared.auth import ROLES, key_hash, new_key
from shared.history import SCOPES
from shared.settings import SERVICES


async def create_key(
    dsn: str,
    *,
    organisation_id: UUID,
    role: str,
    municipality: str | None = None,
    expires_at: datetime | None = None,
    label: str = "",
    scopes: Sequence[str] = (),
) -> tuple[UUID, str]:
    """Create a key in every schema in one transaction; returns (key id, key text shown once)."""
    conn = await asyncpg.connect(dsn)
    try:
        return await insert_key(
            conn,
            organisation_id=organisation_id,
            role=role,
            municipality=municipality,
            expires_at=expires_at,
            label=label,
            scopes=scopes,
        )
    finally:
        await conn.close()


async def insert_key(
    conn: asyncpg.Connection,
    *,
    organisation_id: UUID,
    role: str,
    municipality: str | None = None,
    expires_at: datetime | None = None,
    label: str = "",
    scopes: Sequence[str] = (),
) -> tuple[UUID, str]:
    """The same new key (its hash) in every service's schema, in one transaction; `scopes`
    add permissions beyond the role (`history`: an import of past dates)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if unknown := set(scopes) - set(SCOPES):
        raise ValueError(f"scopes must be among {', '.join(SCOPES)}, not {sorted(unknown)}")
    if (role == "municipality") != (municipality is not None):
        raise ValueError("a municipality key (and only one) names its municipality")
    key_id, key = uuid4(), new_key()
    async with conn.transaction():
        for schema in SERVICES:
            await conn.execute(
                f'INSERT INTO "{schema}".api_key (key_id, key_hash, organisation_id, role,'
                " municipality, expires_at, label, scopes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                key_id,
                key_hash(key),
                organisation_id,
                role,
                municipality,
                expires_at,
                label,
                sorted(set(scopes)),
            )
    return key_id, key


async def revoke_key(dsn: str, key_id: UUID) -> bool:
    """Revoke a key everywhere; False when no such key exists."""
    conn = await asyncpg.connect(dsn)
    try:
        return await revoke_in(conn, key_id)
    finally:
        await conn.close()


async def revoke_in(conn: asyncpg.Connection, key_id: UUID) -> bool:
    """Revoke a key in every schema, in one transaction; False when unknown."""
    found = False
    async with conn.transaction():
        for schema in SERVICES:
            status = await conn.execute(
                f'UPDATE "{schema}".api_key SET revoked_at = coalesce(revoked_at, now())'
                " WHERE key_id = $1",
                key_id,
            )
            found = found or status != "UPDATE 0"
    return found


async def list_keys(dsn: str) -> list[dict[str, Any]]:
    """Every key (never its text), as intake's schema holds them."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            f"SELECT key_id, organisation_id, role, municipality, label, created_at, expires_at,"
            f" revoked_at, array_to_string(scopes, ',') AS scopes"
            f' FROM "{SERVICES[0]}".api_key ORDER BY created_at'
        )
    finally:
        await conn.close()
    return [{k: None if v is None else str(v) for k, v in dict(r).items()} for r in rows]

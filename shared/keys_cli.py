"""`polku keys create|revoke|list`: API keys, written into every service's schema at once."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from shared.auth import ROLES, key_hash, new_key
from shared.history import SCOPES
from shared.settings import SERVICES, Settings


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


def _create(args: argparse.Namespace) -> int:
    expires = None
    if args.expires_in_days is not None:
        expires = datetime.now(UTC) + timedelta(days=args.expires_in_days)
    try:
        key_id, key = asyncio.run(
            create_key(
                Settings().database_url,
                organisation_id=args.org,
                role=args.role,
                municipality=args.municipality,
                expires_at=expires,
                label=args.label,
                scopes=args.scope,
            )
        )
    except ValueError as exc:
        print(f"polku keys create: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"key_id": str(key_id), "key": key, "role": args.role}))
    print("polku: the key is shown only once; store it now", file=sys.stderr)
    return 0


def _revoke(args: argparse.Namespace) -> int:
    if asyncio.run(revoke_key(Settings().database_url, args.key_id)):
        print(json.dumps({"key_id": str(args.key_id), "revoked": True}))
        return 0
    print(f"polku keys revoke: no key {args.key_id}", file=sys.stderr)
    return 1


KEY_COLUMNS = ("key_id", "role", "municipality", "organisation_id", "label", "expires_at",
               "revoked_at", "scopes")  # fmt: skip


def _list(args: argparse.Namespace) -> int:
    from shared.cli import print_rows

    print_rows(asyncio.run(list_keys(Settings().database_url)), KEY_COLUMNS, args.json)
    return 0


def run(args: argparse.Namespace) -> int:
    """Dispatch `polku keys <action>`."""
    actions: dict[str, Callable[[argparse.Namespace], int]] = {
        "create": _create,
        "revoke": _revoke,
        "list": _list,
    }
    return actions[args.action](args)


def add_commands(subparsers: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add `polku keys` to the CLI."""
    keys = subparsers.add_parser("keys", help="create, revoke or list API keys")
    actions = keys.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a key and print it once")
    create.add_argument("--org", type=UUID, required=True, help="organisation id (UUID)")
    create.add_argument("--role", choices=ROLES, required=True)
    create.add_argument("--municipality", help="municipality code (municipality keys only)")
    create.add_argument("--expires-in-days", type=float, default=None)
    create.add_argument("--label", default="", help="a note on who holds the key")
    create.add_argument(
        "--scope", action="append", choices=SCOPES, default=[],
        help="a permission beyond the role (history: import past dates); may repeat",
    )  # fmt: skip
    revoke = actions.add_parser("revoke", help="revoke a key everywhere")
    revoke.add_argument("key_id", type=UUID)
    listing = actions.add_parser("list", help="list keys (never their text) as a table")
    listing.add_argument("--json", action="store_true", help="one JSON object a line")
    return {"keys": run}

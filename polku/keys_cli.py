"""`polku keys create|revoke|list`: API keys, written into every service's schema at once."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from shared.auth import ROLES
from shared.history import SCOPES
from shared.key_store import create_key, list_keys, revoke_key
from shared.settings import Settings


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
    from polku.cli import print_rows

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

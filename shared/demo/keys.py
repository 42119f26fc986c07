"""The demo's API keys: one per role it plays (a municipality registering, an employer
answering, the network's admin), created like `polku keys create` does when the demo may
write keys into the database, else the one key it was given."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

import asyncpg

ADMIN_ORGANISATION = uuid.UUID("00000000-0000-4000-8000-00000000ad01")


@dataclass(frozen=True)
class Identity:
    """Who the demo is when it sends a step: a role, an organisation, a municipality."""

    role: str
    organisation_id: str | None = None
    municipality: str | None = None


ADMIN = Identity("admin")


def municipality(name: str) -> Identity:
    """The registering municipality's identity."""
    org = uuid.uuid5(uuid.NAMESPACE_URL, f"polku-demo:municipality:{name}")
    return Identity("municipality", str(org), name)


def staff(organisation_id: str, kind: str) -> Identity:
    """Staff of an organisation: an employer's, or a workshop's (any placement provider)."""
    return Identity("employer" if kind == "employer" else "workshop", organisation_id)


class KeyRing:
    """Keys by identity: minted in the database at `database_url`, else `fallback` for all."""

    def __init__(self, database_url: str | None = None, fallback: str | None = None) -> None:
        self.database_url = database_url
        self.fallback = fallback
        self.keys: dict[Identity, str] = {}
        self.failure: str | None = None
        self.transient_failures = 0
        self.last_transient = ""
        self._lock = asyncio.Lock()

    async def headers(self, identity: Identity | None) -> dict[str, str]:
        """The Authorization header for `identity` (empty when the demo has no keys)."""
        key = await self._key(identity or ADMIN)
        return {"Authorization": f"Bearer {key}"} if key else {}

    async def _key(self, identity: Identity) -> str | None:
        async with self._lock:
            return await self._mint(identity)

    async def _mint(self, identity: Identity) -> str | None:
        if identity in self.keys:
            return self.keys[identity]
        if self.database_url is None or self.failure is not None:
            return self.fallback
        from shared.keys_cli import create_key

        org = identity.organisation_id or (ADMIN_ORGANISATION if identity == ADMIN else None)
        try:
            _, key = await create_key(
                self.database_url,
                organisation_id=uuid.UUID(str(org or uuid.uuid4())),
                role=identity.role,
                municipality=identity.municipality,
                label="polku demo",
            )
        except (asyncpg.UndefinedTableError, asyncpg.InvalidCatalogNameError) as exc:
            self.failure = f"{type(exc).__name__}: {exc}"  # no key table: keys are not used
            return self.fallback
        except (OSError, asyncpg.PostgresError) as exc:
            self.transient_failures += 1  # e.g. too many clients: try again next time
            self.last_transient = f"{type(exc).__name__}: {exc}"
            return self.fallback
        self.keys[identity] = key
        return key

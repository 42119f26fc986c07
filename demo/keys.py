"""The demo's API keys: one per role it plays (a municipality registering, an employer
answering, the network's admin), created like `polku keys create` does when the demo may
write keys into the database, else the one key it was given."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, replace

import asyncpg
import httpx

from demo.apis import Api

ADMIN_ORGANISATION = uuid.UUID("00000000-0000-4000-8000-00000000ad01")


@dataclass(frozen=True)
class Identity:
    """Who the demo is when it sends a step: a role, an organisation, a municipality."""

    role: str
    organisation_id: str | None = None
    municipality: str | None = None
    history: bool = False
    """Its key holds the `history` scope: it records the replayed year on its own past days."""

    def importing(self) -> Identity:
        """The same role and organisation, with the history import permission."""
        return replace(self, history=True)


ADMIN = Identity("admin")


def municipality(name: str) -> Identity:
    """The registering municipality's identity."""
    org = uuid.uuid5(uuid.NAMESPACE_URL, f"polku-demo:municipality:{name}")
    return Identity("municipality", str(org), name)


def staff(organisation_id: str, kind: str) -> Identity:
    """Staff of an organisation: an employer's, or a workshop's (any placement provider)."""
    return Identity("employer" if kind == "employer" else "workshop", organisation_id)


def _org_of(identity: Identity) -> uuid.UUID:
    org = identity.organisation_id or (ADMIN_ORGANISATION if identity == ADMIN else None)
    return uuid.UUID(str(org or uuid.uuid4()))


def _scopes(identity: Identity) -> list[str]:
    return ["history"] if identity.history else []


class KeyRing:
    """Keys by identity: minted in the database at `database_url`, else `fallback` for all."""

    def __init__(self, database_url: str | None = None, fallback: str | None = None) -> None:
        self.database_url = database_url
        self.fallback = fallback
        self.keys: dict[Identity, str] = {}
        self.failure: str | None = None
        self.api: Api | None = None
        self.created_over_http = 0
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
        if identity != ADMIN and self.api is not None and self.api.route("create_key"):
            admin = await self._mint(ADMIN)  # the admin creates role keys over the public API
            key = await self._over_http(identity, admin) if admin else None
            if key is not None:
                self.keys[identity] = key
                return key
        if self.database_url is None or self.failure is not None:
            return self.fallback
        from shared.key_store import create_key

        try:
            _, key = await create_key(
                self.database_url,
                organisation_id=_org_of(identity),
                role=identity.role,
                municipality=identity.municipality,
                label="polku demo",
                scopes=_scopes(identity),
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

    async def _over_http(self, identity: Identity, admin: str) -> str | None:
        """A key created by the admin through `POST /v1/keys`; None when refused."""
        assert self.api is not None
        route = self.api.route("create_key")
        assert route is not None
        body = {
            "organisation_id": str(_org_of(identity)),
            "role": identity.role,
            "municipality": identity.municipality,
            "label": "polku demo",
            "scopes": _scopes(identity),
        }
        try:
            r = await self.api.call(route, body, None, {"Authorization": f"Bearer {admin}"})
        except httpx.HTTPError:
            return None
        if r.status_code != 201:
            return None
        self.created_over_http += 1
        return str(r.json()["key"])

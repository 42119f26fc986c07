"""Demo people, one per role, for `make up` (POLKU_WEB_DEMO_PEOPLE=true): never in production."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from services.web import accounts, repository

DEMO_PASSWORD = "polku-demo-password"
ADMIN_ORGANISATION = uuid.UUID("00000000-0000-4000-8000-00000000ad01")  # the demo's admin org


def _org(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"polku-demo:{name}")


def demo_people() -> list[dict[str, Any]]:
    """The demo's people: e-mail, name, role, organisation and municipality."""
    return [
        {"email": "admin@demo.polku", "display_name": "Anu Admin", "role": "admin",
         "organisation_id": ADMIN_ORGANISATION, "municipality": None, "manages_people": True},
        {"email": "operator@demo.polku", "display_name": "Olavi Operaator", "role": "operator",
         "organisation_id": _org("operator"), "municipality": None},
        {"email": "clerk@demo.polku", "display_name": "Kati Kliendinõustaja",
         "role": "municipality", "organisation_id": _org("municipality:Rapla vald"),
         "municipality": "Rapla vald", "manages_people": True},
        {"email": "worker@demo.polku", "display_name": "Tiina Tugiisik", "role": "support_worker",
         "organisation_id": _org("support:Rapla"), "municipality": None},
        {"email": "employer@demo.polku", "display_name": "Erki Tööandja", "role": "employer",
         "organisation_id": _org("employer"), "municipality": None},
        {"email": "workshop@demo.polku", "display_name": "Tõnu Töökoda", "role": "workshop",
         "organisation_id": _org("workshop"), "municipality": None},
    ]  # fmt: skip


JOINERS = {
    "support_worker": ("worker@demo.polku", _org("support:Rapla")),
    "employer": ("employer@demo.polku", _org("employer")),
    "workshop": ("workshop@demo.polku", _org("workshop")),
}
"""The demo people who join the first organisation of their kind the web front hears of
(the demo region's organisations get their ids from the services as the demo runs), with
the placeholder organisation they wait in: the support worker the first support
organisation a case is assigned to, the employer the first proposal's, the workshop person
the first workshop where a placement starts (only workshops offer workshop places), so that
*My placements* shows them one."""


async def join(conn: asyncpg.Connection, role: str, organisation_id: uuid.UUID) -> bool:
    """The demo person of `role` joins this organisation unless they joined one already."""
    email, placeholder = JOINERS[role]
    return await repository.join_organisation(
        conn, email=email, placeholder=placeholder, organisation_id=organisation_id
    )


async def seed(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    """Create the demo people that do not exist yet; returns them all."""
    people = demo_people()
    hashed = await accounts.hash_password(DEMO_PASSWORD)
    async with pool.acquire() as conn:
        for p in people:
            if await repository.person_by_email(conn, p["email"]) is None:
                await repository.insert_person(
                    conn, person_id=uuid.uuid4(), password_hash=hashed, **p
                )
    return people

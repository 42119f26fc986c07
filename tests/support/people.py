"""People of the web front for tests: created straight in the `web` schema (migrated)."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from uuid import UUID

import asyncpg
from argon2 import PasswordHasher

PASSWORD = "correct horse battery staple"
_hash = PasswordHasher().hash(PASSWORD)  # once: argon2id costs ~50 ms a time


@dataclass(frozen=True)
class WebPerson:
    """A person who can sign in with `password`."""

    person_id: UUID
    email: str
    role: str
    organisation_id: UUID
    municipality: str | None
    password: str = PASSWORD


async def create_person(
    dsn: str,
    role: str,
    *,
    organisation_id: UUID | None = None,
    municipality: str | None = None,
    manages_people: bool = False,
    totp_secret: str | None = None,
    name: str = "Test Person",
) -> WebPerson:
    """A person in the web schema of the database at `dsn`."""
    person = WebPerson(
        person_id=uuid.uuid4(),
        email=f"{role}-{uuid.uuid4().hex[:8]}@test.polku",
        role=role,
        organisation_id=organisation_id or uuid.uuid4(),
        municipality=municipality,
    )
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO web.person (person_id, organisation_id, role, municipality,"
            " manages_people, email, display_name, password_hash, totp_secret, totp_enabled)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            person.person_id,
            person.organisation_id,
            role,
            municipality,
            manages_people,
            person.email,
            name,
            _hash,
            totp_secret,
            totp_secret is not None,
        )
    finally:
        await conn.close()
    return person


def create_person_sync(dsn: str, role: str, **options: object) -> WebPerson:
    """`create_person` for code without a running event loop."""
    return asyncio.run(create_person(dsn, role, **options))  # type: ignore[arg-type]

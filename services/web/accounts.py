"""Use cases of people's accounts: sign in, invite, set and reset a password, TOTP."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from services.web import domain, repository
from services.web.notify import rules as notify_rules
from services.web.notify import service as notify_service
from services.web.settings import WebSettings

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile
_DUMMY_HASH = _hasher.hash("not a password anyone has")


class AccountError(Exception):
    """A refusal shown to the person, as a message code."""

    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(code)
        self.code, self.field = code, field


@dataclass(frozen=True)
class SignIn:
    """The outcome of a correct password: the person, and whether a TOTP code is still due."""

    person: asyncpg.Record
    needs_code: bool


async def hash_password(password: str) -> str:
    """An argon2id hash, computed off the event loop."""
    return await asyncio.to_thread(_hasher.hash, password)


async def _verify(password_hash: str | None, password: str) -> bool:
    def check() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


async def sign_in(
    pool: asyncpg.Pool, ws: WebSettings, *, email: str, password: str, client: str
) -> SignIn:
    """Check the password, throttled per account and per address; AccountError otherwise."""
    email, now = domain.normal_email(email), datetime.now(UTC)
    window = timedelta(seconds=ws.throttle_window_s)
    async with pool.acquire() as conn:
        mine, here = await repository.failures_since(
            conn, email=email, client=client, since=now - window
        )
        for failures, limit in ((mine, ws.throttle_failures), (here, ws.throttle_client_failures)):
            if domain.throttled_until(failures, limit=limit, window=window, now=now):
                raise AccountError("sign_in_throttled")
        person = await repository.person_by_email(conn, email)
        good = await _verify(person["password_hash"] if person else None, password)
        if person is None or not good or person["disabled_at"] is not None:
            await repository.record_failure(conn, email, client)
            raise AccountError("sign_in_failed")
        await repository.forget_failures(conn, email)
    return SignIn(person=person, needs_code=bool(person["totp_enabled"]))


def code_is_right(person: asyncpg.Record, code: str) -> bool:
    """The TOTP code matches the person's secret (one step of clock drift allowed)."""
    secret = person["totp_secret"]
    return bool(secret) and pyotp.TOTP(secret).verify(code.strip(), valid_window=1)


async def invite(pool: asyncpg.Pool, ws: WebSettings, inviter: asyncpg.Record, **who: Any) -> str:
    """A one-time invitation link's token for a new person; AccountError when not allowed."""
    role, org = who["role"], who["organisation_id"]
    same = org == inviter["organisation_id"]
    if not domain.may_invite(inviter["role"], inviter["manages_people"], role, same):
        raise AccountError("invite_not_allowed", "role")
    municipality = (who.get("municipality") or "").strip() or None
    if (role == "municipality") != (municipality is not None):
        raise AccountError("municipality_required", "municipality")
    email = domain.normal_email(who["email"])
    token = domain.new_token()
    async with pool.acquire() as conn:
        if await repository.person_by_email(conn, email) is not None:
            raise AccountError("email_taken", "email")
        await repository.insert_token(
            conn,
            domain.token_hash(token),
            kind="invitation",
            organisation_id=org,
            role=role,
            municipality=municipality,
            email=email,
            created_by=inviter["person_id"],
            expires_at=datetime.now(UTC) + timedelta(days=ws.invitation_days),
        )
    return token


async def reset_link(
    pool: asyncpg.Pool, ws: WebSettings, admin: asyncpg.Record, person_id: UUID
) -> str:
    """A one-time password reset link's token for a person the admin may manage."""
    async with pool.acquire() as conn:
        person = await repository.person_by_id(conn, person_id)
        if person is None or not domain.may_invite(
            admin["role"],
            admin["manages_people"],
            person["role"],
            person["organisation_id"] == admin["organisation_id"],
        ):
            raise AccountError("person_not_found")
        token = domain.new_token()
        await repository.insert_token(
            conn,
            domain.token_hash(token),
            kind="reset",
            person_id=person_id,
            organisation_id=person["organisation_id"],
            role=person["role"],
            email=person["email"],
            created_by=admin["person_id"],
            expires_at=datetime.now(UTC) + timedelta(hours=ws.reset_hours),
        )
    return token


async def pending_link(pool: asyncpg.Pool, token_hash: bytes, kind: str) -> asyncpg.Record:
    """The invitation or reset a browser holds; AccountError when used or expired."""
    async with pool.acquire() as conn:
        link = await repository.usable_token(conn, token_hash, kind, datetime.now(UTC))
    if link is None:
        raise AccountError("link_not_valid")
    return link


async def complete_link(
    pool: asyncpg.Pool, token_hash: bytes, kind: str, *, password: str, name: str
) -> asyncpg.Record:
    """Accept an invitation (creating the person) or reset a password; returns the person."""
    link = await pending_link(pool, token_hash, kind)
    problem = domain.password_problem(password, email=link["email"])
    if problem:
        raise AccountError(problem, "password")
    if kind == "invitation" and not name.strip():
        raise AccountError("name_required", "name")
    hashed = await hash_password(password)
    async with pool.acquire() as conn, conn.transaction():
        if not await repository.use_token(conn, token_hash):
            raise AccountError("link_not_valid")
        person_id = link["person_id"] or uuid4()
        if kind == "invitation":
            await repository.insert_person(
                conn,
                person_id=person_id,
                organisation_id=link["organisation_id"],
                role=link["role"],
                municipality=link["municipality"],
                email=link["email"],
                display_name=name.strip()[:100],
                password_hash=hashed,
            )
            notice = notify_rules.invitation_accepted(
                inviter=link["created_by"], name=name.strip()[:100], email=link["email"]
            )
            await notify_service.record(conn, notice)  # with the person, or not at all
        else:
            await repository.set_password(conn, person_id, hashed)
        person = await repository.person_by_id(conn, person_id)
    assert person is not None
    return person


async def start_totp(pool: asyncpg.Pool, person: asyncpg.Record) -> str:
    """A new TOTP secret for the person (not active until a code confirms it)."""
    if not domain.may_use_totp(person["role"]):
        raise AccountError("totp_not_for_role")
    secret = pyotp.random_base32()
    async with pool.acquire() as conn:
        await repository.set_person_field(
            conn, person["person_id"], totp_secret=secret, totp_enabled=False
        )
    return secret


async def confirm_totp(pool: asyncpg.Pool, person: asyncpg.Record, code: str) -> None:
    """Turn TOTP on once the person's authenticator shows a right code."""
    if not code_is_right(person, code):
        raise AccountError("totp_wrong_code", "code")
    async with pool.acquire() as conn:
        await repository.set_person_field(conn, person["person_id"], totp_enabled=True)

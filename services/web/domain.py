"""The web front's pure rules: throttling, languages, dates, tokens, roles. No I/O."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from babel import Locale, UnknownLocaleError
from babel.core import negotiate_locale

LANGUAGES: tuple[str, ...] = ("et", "fi", "ru", "en")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"et": "Eesti", "fi": "Suomi", "ru": "Русский", "en": "English"}
TOTP_ROLES = frozenset({"operator", "admin"})
HOME_OF_ROLE = {
    "operator": "/dashboard",
    "admin": "/people",
    "municipality": "/participants",
    "support_worker": "/cases",
    "employer": "/proposals",
    "workshop": "/proposals",
}
MIN_PASSWORD = 12


def language_of(choice: str | None, accept_language: str | None) -> str:
    """The person's choice when it is one we speak, else the best of Accept-Language."""
    if choice in LANGUAGES:
        return choice
    wanted = []
    for part in (accept_language or "").split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        if tag:
            wanted.append((weight, tag.replace("-", "_")))
    ordered = [t for _, t in sorted(wanted, key=lambda w: -w[0])]
    found = negotiate_locale(ordered, LANGUAGES, sep="_") or negotiate_locale(
        [t.split("_")[0] for t in ordered], LANGUAGES
    )
    return found or DEFAULT_LANGUAGE


def format_day(day: date | datetime | str | None) -> str:
    """A date (or an ISO date from JSON) as dd.mm.yyyy, as Estonia, Finland and Russia write
    it (never mm/dd/yyyy)."""
    if isinstance(day, str):
        try:
            parsed = datetime.fromisoformat(day) if "T" in day else date.fromisoformat(day)
        except ValueError:
            return day
        return parsed.strftime("%d.%m.%Y")
    return "" if day is None else day.strftime("%d.%m.%Y")


def locale_of(language: str) -> Locale:
    """Babel's locale of a language we speak."""
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LANGUAGE)


def throttled_until(
    failures: Sequence[datetime], *, limit: int, window: timedelta, now: datetime
) -> datetime | None:
    """When sign-in is allowed again, if `limit` failures fall within `window` of now."""
    recent = sorted(f for f in failures if f > now - window)
    if len(recent) < limit:
        return None
    return recent[-limit] + window


def password_problem(password: str, *, email: str) -> str | None:
    """Why a new password is refused (a message code), or None when it is acceptable."""
    if len(password) < MIN_PASSWORD:
        return "password_too_short"
    if len(password) > 256:
        return "password_too_long"
    if email and email.split("@")[0].lower() in password.lower():
        return "password_contains_email"
    return None


def new_token() -> str:
    """A random secret for a link or a session (shown once, stored as its hash)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    """The SHA-256 hash under which a token is stored."""
    return hashlib.sha256(token.encode()).digest()


def same_secret(a: str, b: str) -> bool:
    """Compare two secrets in constant time."""
    return secrets.compare_digest(a.encode(), b.encode())


def may_use_totp(role: str) -> bool:
    """Operators and admins may (and should) protect their sign-in with a TOTP code."""
    return role in TOTP_ROLES


def home_of(role: str) -> str:
    """The first page a person of this role sees after signing in."""
    return HOME_OF_ROLE.get(role, "/account")


def may_invite(inviter_role: str, manages_people: bool, role: str, same_org: bool) -> bool:
    """A network admin invites anyone; an organisation's people manager its own, not admins."""
    if inviter_role == "admin":
        return True
    return manages_people and same_org and role not in ("admin", "operator")


def normal_email(email: str) -> str:
    """An e-mail address as stored: trimmed, lower case."""
    return email.strip().lower()

"""The web front's signed identity: what the services accept and what they refuse."""

from __future__ import annotations

import time
from uuid import uuid4

import jwt

from services.web.backend import identity_token
from shared.auth import IDENTITY_AUDIENCE, IDENTITY_ISSUER, Principal, verify_identity

SECRET = "a-test-secret-of-enough-length-000000"


def _person(role: str = "municipality", municipality: str | None = "Rapla vald") -> dict:
    return {
        "person_id": uuid4(), "organisation_id": uuid4(), "role": role,
        "municipality": municipality,
    }  # fmt: skip


def test_a_fresh_token_names_the_person_organisation_role_and_municipality() -> None:
    person = _person()
    principal = verify_identity(identity_token(person, SECRET, 60), SECRET, "10.0.0.1")
    assert isinstance(principal, Principal)
    assert principal.person_id == person["person_id"]
    assert principal.organisation_id == person["organisation_id"]
    assert (principal.role, principal.municipality) == ("municipality", "Rapla vald")
    assert principal.key_id is None and principal.client == "10.0.0.1"


def test_another_secret_or_a_tampered_token_is_refused() -> None:
    token = identity_token(_person(), SECRET, 60)
    assert verify_identity(token, "another-secret-0000000000000000000", None) == "invalid_identity"
    head, body, sig = token.split(".")
    assert verify_identity(f"{head}.{body}x.{sig}", SECRET, None) == "invalid_identity"


def test_an_expired_token_is_refused_with_its_reason() -> None:
    now = int(time.time())
    claims = {
        "iss": IDENTITY_ISSUER, "aud": IDENTITY_AUDIENCE, "sub": str(uuid4()),
        "org": str(uuid4()), "role": "operator", "iat": now - 120, "exp": now - 60,
    }  # fmt: skip
    assert verify_identity(jwt.encode(claims, SECRET, "HS256"), SECRET, None) == "expired_identity"


def _claims(**change: object) -> dict:
    now = int(time.time())
    claims: dict = {
        "iss": IDENTITY_ISSUER, "aud": IDENTITY_AUDIENCE, "sub": str(uuid4()),
        "org": str(uuid4()), "role": "operator", "iat": now, "exp": now + 60,
    }  # fmt: skip
    claims.update(change)
    return {k: v for k, v in claims.items() if v is not None}


def test_long_lived_unknown_role_wrong_audience_or_alg_none_are_refused() -> None:
    now = int(time.time())
    for claims in (
        _claims(exp=now + 3600),
        _claims(role="superuser"),
        _claims(aud="someone-else"),
        _claims(iss="not-the-web"),
        _claims(sub="not-a-uuid"),
        _claims(org=None),
    ):
        token = jwt.encode(claims, SECRET, "HS256")
        assert verify_identity(token, SECRET, None) == "invalid_identity", claims
    unsigned = jwt.encode(_claims(), None, algorithm="none")
    assert verify_identity(unsigned, SECRET, None) == "invalid_identity"

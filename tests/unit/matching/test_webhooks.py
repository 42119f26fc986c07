"""Webhook signatures, secrets at rest, refused URLs, backoff and what organisations see."""

import hashlib
import hmac
from uuid import uuid4

import pytest

from services.matching.sender import backoff_s
from services.matching.settings import MatchingSettings
from services.matching.views import organisation_view
from services.matching.webhooks import (
    decrypt_secret,
    encrypt_secret,
    new_secret,
    sign,
    unsafe_url_reason,
    verify,
)
from shared.settings import Settings

from .builders import profile


def test_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    body = b'{"type": "match.proposed"}'
    header = sign("whsec_abc", body, 1_700_000_000)
    mac = hmac.new(b"whsec_abc", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={mac}"
    assert verify("whsec_abc", body, header, now=1_700_000_100)


@pytest.mark.parametrize(
    ("secret", "body", "now"),
    [
        ("whsec_other", b"{}", 1_700_000_000),
        ("whsec_abc", b"{ }", 1_700_000_000),
        ("whsec_abc", b"{}", 1_700_000_301),
    ],
)
def test_wrong_secret_changed_body_or_stale_timestamp_fail(
    secret: str, body: bytes, now: int
) -> None:
    header = sign("whsec_abc", b"{}", 1_700_000_000)
    assert not verify(secret, body, header, now=now)


def test_garbled_header_fails() -> None:
    assert not verify("whsec_abc", b"{}", "v1=deadbeef")
    assert not verify("whsec_abc", b"{}", "t=soon,v1=deadbeef")


def test_secret_is_sealed_at_rest_and_bound_to_its_organisation() -> None:
    key = Settings().encryption_key
    secret, org = new_secret(), uuid4()
    stored = encrypt_secret(key, secret, org)
    assert secret not in stored
    assert decrypt_secret(key, stored, org) == secret
    with pytest.raises(Exception):  # noqa: B017 - AES-GCM refuses another organisation's data
        decrypt_secret(key, stored, uuid4())


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "ftp://93.184.216.34/",
        "not a url",
    ],
)
async def test_private_or_malformed_urls_are_refused(url: str) -> None:
    assert await unsafe_url_reason(url, allow_private=False) is not None


async def test_public_address_passes_and_private_passes_when_allowed() -> None:
    assert await unsafe_url_reason("https://93.184.216.34/hook", allow_private=False) is None
    assert await unsafe_url_reason("http://127.0.0.1:9/h", allow_private=True) is None


def test_backoff_doubles() -> None:
    settings = MatchingSettings(webhook_backoff_s=2)
    assert [backoff_s(settings, n) for n in (1, 2, 3, 4)] == [2, 4, 8, 16]


def test_organisation_view_is_minimal() -> None:
    person = profile(
        sex="female",
        birth_year=1970,
        risk_groups=["released_from_prison", "addiction_recovery", "disability"],
    )
    view = organisation_view(
        match_id=uuid4(),
        opening_id=uuid4(),
        opening_title="Workshop place",
        status="proposed",
        score=0.5,
        explanation={"plain_words": ["about 9 km away"]},
        profile=person,
        contact="worker@example.org",
    )
    text = repr(view)
    for secret in (str(person.participant_id), "female", "1970", "prison", "addiction", "disab"):
        assert secret not in text
    assert view["candidate"]["skills"] == ["woodwork", "cooking"]
    assert view["explanation"] == ["about 9 km away"]
    assert set(view) == {
        "match_id", "opening_id", "opening_title", "status", "score", "explanation", "candidate",
    }  # fmt: skip

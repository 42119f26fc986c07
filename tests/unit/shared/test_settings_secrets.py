"""The development secrets work only where development is said; bad secrets stop the start."""

from __future__ import annotations

import base64
import subprocess
import sys

import pytest
from pydantic import ValidationError

from shared.settings import DEVELOPMENT_SECRETS, Settings, settings_at_start

REAL = {
    "id_hash_secret": "a-real-id-hash-secret-of-forty-characters!",
    "encryption_key": base64.b64encode(b"\x01" * 32).decode(),
    "webhook_signing_secret": "a-real-webhook-secret",
    "web_identity_secret": "a-real-web-identity-secret-of-forty-chars",
}


@pytest.fixture(autouse=True)
def _no_secrets_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*DEVELOPMENT_SECRETS, "env"):
        monkeypatch.delenv(f"POLKU_{name.upper()}", raising=False)


def _refusal(**values: str) -> str:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **values)  # type: ignore[call-arg]
    return str(caught.value)


def test_without_a_development_flag_the_development_secrets_are_refused() -> None:
    reason = _refusal()
    for name in DEVELOPMENT_SECRETS:
        assert f"POLKU_{name.upper()}" in reason
    assert "development value" in reason


@pytest.mark.parametrize("name", sorted(DEVELOPMENT_SECRETS))
def test_each_development_secret_is_refused_in_production(name: str) -> None:
    values = {**REAL, name: DEVELOPMENT_SECRETS[name]}
    reason = _refusal(env="production", **values)
    assert f"POLKU_{name.upper()}" in reason
    assert [n for n in DEVELOPMENT_SECRETS if f"POLKU_{n.upper()}" in reason] == [name]


def test_development_accepts_them_and_production_takes_real_ones() -> None:
    assert (
        Settings(_env_file=None, env="development").id_hash_secret
        == (  # type: ignore[call-arg]
            DEVELOPMENT_SECRETS["id_hash_secret"]
        )
    )
    assert Settings(_env_file=None, env="production", **REAL).env == "production"  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("not base64!", "must be base64"),
        (base64.b64encode(b"short").decode(), "not 5"),
        (base64.b64encode(b"k" * 16).decode(), "not 16"),
    ],
)
def test_a_malformed_encryption_key_is_refused_even_in_development(key: str, why: str) -> None:
    reason = _refusal(env="development", encryption_key=key)
    assert "encryption_key" in reason and why in reason
    assert key not in reason  # the refusal never prints a secret


def test_a_too_short_hash_secret_is_refused() -> None:
    reason = _refusal(env="production", **{**REAL, "id_hash_secret": "only-twenty-chars-xx"})
    assert "id_hash_secret" in reason and "at least 32 characters" in reason
    assert "only-twenty-chars-xx" not in reason


def test_an_unknown_environment_is_refused() -> None:
    assert "env" in _refusal(env="staging", **REAL)


def test_start_exits_naming_each_refused_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLKU_ENV", "production")
    monkeypatch.setenv("POLKU_ENCRYPTION_KEY", "QUJD")
    with pytest.raises(SystemExit) as caught:
        settings_at_start()
    message = str(caught.value)
    assert message.startswith("polku: refusing to start")
    assert "POLKU_ENCRYPTION_KEY" in message and "QUJD" not in message


def test_a_service_refuses_to_start_with_development_secrets_outside_development() -> None:
    env = {"PATH": "/usr/bin:/bin", "POLKU_ENV": "production"}
    done = subprocess.run(
        [sys.executable, "-m", "polku.cli", "run", "intake"],
        env={**env, "PYTHONPATH": ":".join(sys.path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "POLKU_ID_HASH_SECRET" in done.stderr and "development value" in done.stderr


def test_the_demo_says_it_is_development() -> None:
    from demo.driver import DEMO_ENV

    assert DEMO_ENV["POLKU_ENV"] == "development"
    assert Settings(_env_file=None, env=DEMO_ENV["POLKU_ENV"]).env == "development"  # type: ignore[call-arg, arg-type]

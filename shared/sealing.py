"""Sealing personal data kept outside a service's own tables (dead letters) with the
project's key (`POLKU_ENCRYPTION_KEY`, AES-GCM), and redacting it from what operators see."""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
SEALED = "«sealed»"
"""What a personal value reads as in a redacted view."""

PERSONAL_KEYS = frozenset(
    {
        # identity and contact (intake's requests, never in events)
        "given_name",
        "family_name",
        "national_id",
        "contact",
        "email",
        "phone",
        "home",
        "postal_code",
        "address",
        # what the pseudonymous profile says of the person
        "birth_year",
        "age_at_entry",
        "sex",
        "risk_groups",
        "location",
        "accessibility_needs",
        "support_worker_contact",
        # free text a support worker may write
        "note",
        "notes",
        "description",
    }
)
"""Keys whose values are personal data wherever they appear in an entry's JSON."""


class Sealer:
    """AES-GCM with the project's key: seal bytes to text and open them again."""

    def __init__(self, encryption_key: str) -> None:
        key = base64.b64decode(encryption_key)
        if len(key) not in (16, 24, 32):
            raise ValueError("encryption_key must be base64 of 16, 24 or 32 bytes")
        self._aead = AESGCM(key)

    def seal(self, plain: bytes, *, bound_to: bytes) -> str:
        """Encrypted `plain` as base64 text; `bound_to` must be given again to open it."""
        nonce = os.urandom(NONCE_BYTES)
        return base64.b64encode(nonce + self._aead.encrypt(nonce, plain, bound_to)).decode()

    def open(self, sealed: str, *, bound_to: bytes) -> bytes:
        """The bytes `seal` encrypted; raises InvalidTag on a wrong key or binding."""
        raw = base64.b64decode(sealed)
        return self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], bound_to)


def redact(value: Any) -> Any:
    """A JSON value with every personal key's value replaced by SEALED, at any depth."""
    if isinstance(value, dict):
        return {k: SEALED if k in PERSONAL_KEYS else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def redact_text(text: str) -> str:
    """JSON text redacted (nested JSON strings too); text that is not JSON is sealed whole."""
    try:
        data = json.loads(text)
    except ValueError:
        return f"{SEALED} (not JSON, {len(text)} characters)"
    if isinstance(data, str):
        return json.dumps(redact_text(data), ensure_ascii=False)
    return json.dumps(redact(data), ensure_ascii=False)


def redact_fields(fields: dict[str, str]) -> dict[str, str]:
    """A stream entry's fields as an operator may read them: bodies redacted, `type` kept."""
    return {k: v if k == "type" else redact_text(v) for k, v in fields.items()}

"""Keyed hashes of national ids and AES-GCM encryption of personal data at rest."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.intake.domain import name_search

NONCE_BYTES = 12


class PersonalDataVault:
    """Hashes identity numbers (HMAC-SHA256) and seals personal data (AES-256-GCM)."""

    def __init__(self, *, id_hash_secret: str, encryption_key: str) -> None:
        self._secret = id_hash_secret.encode()
        key = base64.b64decode(encryption_key)
        if len(key) not in (16, 24, 32):
            raise ValueError("encryption_key must be base64 of 16, 24 or 32 bytes")
        self._aead = AESGCM(key)
        self._name_key = hmac.new(self._secret, b"polku name search", hashlib.sha256).digest()

    def name_tokens(self, *names: str) -> list[bytes]:
        """The keyed tokens a person's names are found under (domain/name_search.py)."""
        return name_search.tokens(self._name_key, name_search.index_terms(*names))

    def query_tokens(self, terms: list[str]) -> list[bytes]:
        """The tokens of a name query's words (each must be among a match's)."""
        return name_search.tokens(self._name_key, terms)

    def id_hash(self, national_id: str) -> bytes:
        """The keyed hash under which a (normalised) national id is found again."""
        return hmac.new(self._secret, national_id.encode(), hashlib.sha256).digest()

    def seal(self, data: dict[str, Any], *, bound_to: bytes) -> bytes:
        """Encrypt a JSON-able dict; `bound_to` (the participant id) must match to open it."""
        return self.seal_bytes(json.dumps(data, separators=(",", ":")).encode(), bound_to=bound_to)

    def seal_bytes(self, plain: bytes, *, bound_to: bytes) -> bytes:
        """Encrypt JSON text already encoded; `open` reads it back as a dict."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plain, bound_to)

    def open(self, sealed: bytes, *, bound_to: bytes) -> dict[str, Any]:
        """Decrypt what `seal` made."""
        nonce, cipher = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
        return json.loads(self._aead.decrypt(nonce, cipher, bound_to))  # type: ignore[no-any-return]

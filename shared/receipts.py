"""Registration receipts: intake's signed word that it registered a person for a municipality.

Caseplan learns of a person only when `participant.registered` reaches it; a read before that
finds nothing. With the receipt intake gave the registering municipality (HMAC over the
participant id and the municipality, keyed from `POLKU_ID_HASH_SECRET`, which every service
shares), caseplan can answer that caller "not yet" (404 `case_plan_not_yet`) while anyone
else, unable to forge one, still gets the plain 404: existence never leaks.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from uuid import UUID

HEADER = "Polku-Registration-Receipt"
_PURPOSE = b"polku registration receipt v1|"


def _key(secret: str) -> bytes:
    return hashlib.sha256(_PURPOSE + secret.encode()).digest()


def receipt(secret: str, participant_id: UUID | str, municipality: str) -> str:
    """The receipt for one registration: URL-safe text, without padding."""
    message = f"{participant_id}|{municipality}".encode()
    mac = hmac.new(_key(secret), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def is_valid(
    secret: str, token: str | None, participant_id: UUID, municipality: str | None
) -> bool:
    """True when `token` is intake's receipt for this participant and municipality."""
    if not token or municipality is None:
        return False
    return hmac.compare_digest(token, receipt(secret, participant_id, municipality))

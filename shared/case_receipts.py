"""Case receipts: caseplan's signed word that an organisation holds a participant's case.

Intake shows a participant's name only to the registering municipality; a support worker
needs the names of their own cases. Intake does not know who holds a case, caseplan does:
its list of cases gives each line a receipt (HMAC over the participant id, the organisation
and an expiry, keyed from `POLKU_ID_HASH_SECRET`, which every service shares), and intake's
`POST /v1/participants/names` answers a support worker only for ids with a valid receipt of
their own organisation. A receipt lives `TTL_S` seconds, so a case that moves on stops
opening the name soon after; a forged or borrowed receipt opens nothing.

A *placement receipt* is matching's word, in the same shape under its own purpose (so neither
kind passes for the other), that an organisation accepted the participant for one of its
openings: intake opens the given name to that employer or workshop with it (and only when
the participant agreed to `employer_contact`). Caseplan's list of an organisation's
placements (`GET /v1/organisations/{id}/placements`) gives the same placement receipt, for
the reading organisation (the placement's own, or its central workshop), once the placement
has started: one scheme, two services that know of a placement.

the participant agreed to `employer_contact`).

A *waiting receipt* is caseplan's word, under a third purpose, that the participant waits
for a support worker in a municipality the organisation serves under a live service
agreement: with it intake shows the organisation's support worker the waiting person's name
(the waiting list names the people the organisation may be given next). Caseplan gives none
where the agreement ended, and an old one expires with `TTL_S`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from uuid import UUID

TTL_S = 15 * 60
_PURPOSE = b"polku case receipt v1|"
PLACEMENT = b"polku placement receipt v1|"
WAITING = b"polku waiting receipt v1|"


def _mac(
    secret: str,
    participant_id: UUID | str,
    organisation_id: UUID | str,
    exp: int,
    purpose: bytes = _PURPOSE,
) -> str:
    key = hashlib.sha256(purpose + secret.encode()).digest()
    message = f"{participant_id}|{organisation_id}|{exp}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def receipt(
    secret: str,
    participant_id: UUID | str,
    organisation_id: UUID | str,
    *,
    now: float | None = None,
    purpose: bytes = _PURPOSE,
) -> str:
    """A receipt that the organisation holds the participant's case (or, with `PLACEMENT`,
    accepted them): `<expiry>.<mac>`."""
    exp = int(now if now is not None else time.time()) + TTL_S
    return f"{exp}.{_mac(secret, participant_id, organisation_id, exp, purpose)}"


def is_valid(
    secret: str,
    token: str | None,
    participant_id: UUID,
    organisation_id: UUID | None,
    *,
    now: float | None = None,
    purpose: bytes = _PURPOSE,
) -> bool:
    """True when `token` is caseplan's unexpired receipt for this participant and organisation
    (with `PLACEMENT`: matching's placement receipt)."""
    if not token or organisation_id is None or "." not in token:
        return False
    exp_text, _, mac = token.partition(".")
    if not exp_text.isdigit() or int(exp_text) < (now if now is not None else time.time()):
        return False
    expected = _mac(secret, participant_id, organisation_id, int(exp_text), purpose)
    return hmac.compare_digest(mac, expected)

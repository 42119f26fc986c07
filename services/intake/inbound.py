"""Decoding the inbound request stream: validate like POST /v1/intakes, or refuse as poison."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid5

import asyncpg
from pydantic import PrivateAttr, TypeAdapter, ValidationError

from services.intake.crypto import PersonalDataVault
from services.intake.domain import InvalidNationalId, parse_national_id
from services.intake.records import PRODUCER
from services.intake.schemas import IntakeIn, Municipality
from shared import outbox
from shared.dead_letters import SubjectOf
from shared.events.envelope import Envelope, InvalidPayload, MalformedEvent, envelope_of
from shared.events.intake import IntakeRequested, IntakeRowsRefused
from shared.http_errors import field_errors
from shared.messaging import entry_body

REQUEST_NAMESPACE = UUID("7f1c1f3e-3b0a-4d55-9a53-0c4f1e0b5a21")
"""Namespace of the event ids derived from request ids, so a re-sent request counts once."""
MAX_REQUEST_ID = 200


class CheckedRequest(IntakeRequested):
    """An intake.requested payload as the decoder made it, holding the intake it validated,
    so the handler need not validate the body again (same type, same JSON; never published)."""

    _intake: IntakeIn | None = PrivateAttr(None)

    @classmethod
    def of(cls, request_id: str | None, intake: IntakeIn) -> CheckedRequest:
        """The payload of a validated intake."""
        payload = cls(request_id=request_id, body=intake.model_dump(mode="json"))
        payload._intake = intake
        return payload


def intake_of(payload: IntakeRequested) -> IntakeIn:
    """The intake a request carries: the decoder's validated one, else validated now."""
    if isinstance(payload, CheckedRequest) and payload._intake is not None:
        return payload._intake
    return IntakeIn.model_validate(payload.body)


def decode_request(fields: dict[bytes, bytes]) -> Envelope[Any]:
    """An inbound entry's JSON `data` as an IntakeRequested envelope; raises PoisonEvent."""
    raw = entry_body(fields)
    try:
        data = json.loads(raw)
    except ValueError:
        raise MalformedEvent("data: not valid JSON") from None
    if not isinstance(data, dict):
        raise MalformedEvent("data: not a JSON object")
    request_id = data.pop("request_id", None)
    if request_id is not None and not (
        isinstance(request_id, str) and 0 < len(request_id) <= MAX_REQUEST_ID
    ):
        raise InvalidPayload(f"request_id: a string of 1-{MAX_REQUEST_ID} characters")
    try:
        intake = IntakeIn.model_validate(data)
    except ValidationError as exc:
        reasons = [f"{e['field']}: {e['reason']}" for e in field_errors(exc.errors(), skip=())]
        raise InvalidPayload("; ".join(reasons)) from None
    payload = CheckedRequest.of(request_id, intake)
    key = f"request:{request_id}" if request_id else f"body:{hashlib.sha256(raw).hexdigest()}"
    event_id = uuid5(REQUEST_NAMESPACE, key)
    return Envelope[IntakeRequested](
        event_id=event_id,
        type=IntakeRequested.TYPE,
        version=IntakeRequested.VERSION,
        occurred_at=datetime.now(UTC),
        producer="municipality",
        correlation_id=event_id,
        payload=payload,
    )


def person_subject(id_hash: bytes) -> str:
    """The dead-letter subject of a request about the person with this national id hash."""
    return f"person:{id_hash.hex()}"


def request_subject(vault: PersonalDataVault) -> SubjectOf:
    """Whom an inbound request is about (its national id's keyed hash), for erasure."""

    def subject(fields: dict[bytes, bytes]) -> str | None:
        data = json.loads(entry_body(fields))
        if "national_id" not in data:  # a handler's failure: the envelope of the request
            data = data.get("payload", {}).get("body", {})
        national_id = data.get("national_id")
        if not isinstance(national_id, str):
            return None
        try:
            normal = parse_national_id(national_id).value
        except InvalidNationalId:
            normal = national_id.strip().upper()
        return person_subject(vault.id_hash(normal))

    return subject


REFUSAL_NAMESPACE = UUID("0d6f5a52-9c1e-4a3b-8f57-2b7d4c1e9a60")
"""Namespace of the ids of `intake.rows_refused` told of a stream entry (one per entry)."""
_MUNICIPALITY: TypeAdapter[str] = TypeAdapter(Municipality)


def refused_request(fields: dict[bytes, bytes]) -> IntakeRowsRefused | None:
    """What a refused inbound request tells its municipality (its request id, never its
    data); None when it names no municipality to tell."""
    try:
        data = json.loads(entry_body(fields))
        municipality = _MUNICIPALITY.validate_python(data["municipality"])
    except (ValueError, TypeError, KeyError, ValidationError):
        return None
    request_id = data.get("request_id")
    ids = (
        [request_id]
        if isinstance(request_id, str) and 0 < len(request_id) <= MAX_REQUEST_ID
        else []
    )
    return IntakeRowsRefused(
        municipality=municipality, source="stream", refused=1, total=1, request_ids=ids
    )


async def tell_refused(
    pool: asyncpg.Pool, entry_id: bytes, fields: dict[bytes, bytes], reason: str
) -> None:
    """Record `intake.rows_refused` for a request refused as poison, before it is
    dead-lettered; its id derives from the entry, so a retried refusal is told once."""
    told = refused_request(fields)
    if told is None:
        return
    event_id = uuid5(REFUSAL_NAMESPACE, entry_id.decode())
    event = envelope_of(IntakeRowsRefused)(
        event_id=event_id, type=told.TYPE, version=told.VERSION, occurred_at=datetime.now(UTC),
        producer=PRODUCER, correlation_id=event_id, payload=told,
    )  # fmt: skip
    try:
        async with pool.acquire() as conn, conn.transaction():
            await outbox.record(conn, [event])
    except asyncpg.UniqueViolationError:
        return  # told already (the entry's dead-lettering failed after it, and was retried)

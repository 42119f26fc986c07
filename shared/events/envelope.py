"""The event envelope, the payload base class and the registry of event types."""

from __future__ import annotations

import json
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.ids import uuid7


def new_event_id() -> UUID:
    """A fresh event id: time-ordered (every inbox, outbox and event log is keyed by it)."""
    return uuid7()


class Payload(BaseModel):
    """Base of every event payload: frozen, and tolerant of fields added by newer producers."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1
    STREAM: ClassVar[str]


P = TypeVar("P", bound=Payload)


class Envelope(BaseModel, Generic[P]):
    """One event: identity, provenance and a typed payload."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: UUID = Field(default_factory=new_event_id)
    type: str
    version: int
    occurred_at: datetime
    producer: str
    correlation_id: UUID
    causation_id: UUID | None = None
    payload: P

    @property
    def stream(self) -> str:
        """The stream this event is published to."""
        return EVENT_TYPES[(self.type, self.version)].STREAM

    def follow(self, payload: Payload, *, producer: str) -> Envelope[Any]:
        """A new event caused by this one, in the same correlation."""
        return new_event(
            payload,
            producer=producer,
            correlation_id=self.correlation_id,
            causation_id=self.event_id,
        )


EVENT_TYPES: dict[tuple[str, int], type[Payload]] = {}
"""Every known (type, version) and its payload model."""
_NEWEST: dict[str, type[Payload]] = {}
_ENVELOPES: dict[type[Payload], type[Envelope[Any]]] = {}


def envelope_of(model: type[P]) -> type[Envelope[P]]:
    """The concrete `Envelope[model]` class (looked up once per payload type)."""
    cls = _ENVELOPES.get(model)
    if cls is None:
        cls = _ENVELOPES[model] = Envelope[model]  # type: ignore[valid-type]
    return cls


def register(cls: type[P]) -> type[P]:
    """Class decorator: make an event payload known to producers and consumers."""
    key = (cls.TYPE, cls.VERSION)
    if key in EVENT_TYPES and EVENT_TYPES[key] is not cls:
        raise ValueError(f"event type {key} is defined twice")
    EVENT_TYPES[key] = cls
    newest = _NEWEST.get(cls.TYPE)
    if newest is None or newest.VERSION < cls.VERSION:
        _NEWEST[cls.TYPE] = cls
    return cls


def new_event(
    payload: Payload,
    *,
    producer: str,
    correlation_id: UUID | None = None,
    causation_id: UUID | None = None,
    occurred_at: datetime | None = None,
) -> Envelope[Any]:
    """Wrap a payload in a fresh envelope."""
    event_id = new_event_id()
    # The payload is a validated model and the rest is built here: no need to validate again.
    return envelope_of(type(payload)).model_construct(
        event_id=event_id,
        type=payload.TYPE,
        version=payload.VERSION,
        occurred_at=occurred_at or datetime.now(UTC),
        producer=producer,
        correlation_id=correlation_id or event_id,
        causation_id=causation_id,
        payload=payload,
    )


class PoisonEvent(Exception):
    """An entry that can never be processed; `reason` is machine-readable."""

    reason = "poison"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class MalformedEvent(PoisonEvent):
    reason = "malformed"


class UnknownVersion(PoisonEvent):
    reason = "unknown_version"


class InvalidPayload(PoisonEvent):
    reason = "invalid_payload"


class _RawEnvelope(BaseModel):
    model_config = ConfigDict(extra="ignore")
    event_id: UUID
    type: str
    version: int
    occurred_at: datetime
    producer: str
    correlation_id: UUID
    causation_id: UUID | None = None
    payload: dict[str, Any]


def peek_type(raw: bytes | str) -> tuple[str | None, str | None]:
    """Best-effort (type, event_id) of an entry, for routing and dead-letter records."""
    try:
        data = json.loads(raw)
        return str(data.get("type")), str(data.get("event_id"))
    except (ValueError, AttributeError):
        return None, None


def decode(raw: bytes | str, *, wanted: AbstractSet[str] | None = None) -> Envelope[Any] | None:
    """Parse and validate one event; None when its type is not in `wanted`.

    Raises a PoisonEvent subclass naming what is wrong.
    """
    try:
        env = _RawEnvelope.model_validate_json(raw)
    except ValidationError as exc:
        raise MalformedEvent(_first_error(exc)) from exc
    if wanted is not None and env.type not in wanted:
        return None
    model = EVENT_TYPES.get((env.type, env.version))
    if model is None:
        known = sorted(v for (t, v) in EVENT_TYPES if t == env.type)
        if known:
            raise UnknownVersion(f"{env.type} version {env.version} is not known (knows {known})")
        raise UnknownVersion(f"event type {env.type!r} is not known")
    try:
        payload = model.model_validate(env.payload)
    except ValidationError as exc:
        raise InvalidPayload(f"{env.type}: {_first_error(exc)}") from exc
    return envelope_of(model)(
        event_id=env.event_id,
        type=env.type,
        version=env.version,
        occurred_at=env.occurred_at,
        producer=env.producer,
        correlation_id=env.correlation_id,
        causation_id=env.causation_id,
        payload=payload,
    )


def decode_hinted(
    raw: bytes | str, type_hint: str, *, wanted: AbstractSet[str] | None = None
) -> Envelope[Any] | None:
    """`decode` for an entry whose producer named its type beside the body (Polku's relay).

    An unwanted type is skipped without parsing; a wanted one is validated in one pass as
    the newest version of its type. Anything unexpected (another version, a body whose type
    differs from the hint, an invalid body) goes through `decode`, which names the problem.
    """
    if wanted is not None and type_hint not in wanted:
        return None
    model = _NEWEST.get(type_hint)
    if model is not None:
        try:
            env = envelope_of(model).model_validate_json(raw)
        except ValidationError:
            return decode(raw, wanted=wanted)
        if env.type == type_hint and env.version == model.VERSION:
            return env
    return decode(raw, wanted=wanted)


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ())) or "body"
    return f"{where}: {err.get('msg', 'invalid')}"

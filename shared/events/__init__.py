"""Event contracts: the envelope, one module per producing service, stream names."""

from shared.events import caseplan, intake, matching, streams
from shared.events.envelope import (
    EVENT_TYPES,
    Envelope,
    InvalidPayload,
    MalformedEvent,
    Payload,
    PoisonEvent,
    UnknownVersion,
    decode,
    new_event,
    register,
)

__all__ = [
    "EVENT_TYPES",
    "Envelope",
    "InvalidPayload",
    "MalformedEvent",
    "Payload",
    "PoisonEvent",
    "UnknownVersion",
    "caseplan",
    "decode",
    "intake",
    "matching",
    "new_event",
    "register",
    "streams",
]

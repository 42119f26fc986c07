"""The streams' contract as an AsyncAPI 3.0.0 document, built from the event registry (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from shared.events import EVENT_TYPES, Payload, streams
from shared.events.envelope import envelope_of

ASYNCAPI_VERSION = "3.0.0"
OUTSIDE_PRODUCERS: Mapping[str, str] = {streams.INTAKE_REQUESTS: "municipality systems"}
"""Streams written by systems outside Polku, and who writes them."""
_STREAM_ORDER = (streams.INTAKE_REQUESTS, *streams.ALL_EVENT_STREAMS)
_SCHEMAS = "#/components/schemas/{model}"
_ENVELOPE_FIELDS = {
    "event_id": "Unique, time-ordered (UUIDv7): consumers' inboxes deduplicate on it.",
    "type": "The event's type; also in the entry's `type` field.",
    "version": "The payload's version: a breaking change is a new version.",
    "occurred_at": "When the fact happened.",
    "producer": "The service that recorded the event.",
    "correlation_id": "Shared by every event that followed from one request.",
    "causation_id": "The event this one followed from, if any.",
    "payload": "The event's own fields.",
}


@dataclass(frozen=True)
class ServiceRole:
    """One service's part in the streams: the event types it sends and those it receives."""

    service: str
    sends: frozenset[str]
    receives: frozenset[str]


def role_of(service: str, receives: Iterable[str]) -> ServiceRole:
    """A service's role: it sends every event of the stream it produces into."""
    stream = streams.PRODUCED_BY.get(service)
    sends = frozenset(m.TYPE for m in EVENT_TYPES.values() if m.STREAM == stream)
    return ServiceRole(service, sends, frozenset(receives))


def producer_of(stream: str) -> str:
    """Who writes a stream: a Polku service, or a system outside it."""
    for service, produced in streams.PRODUCED_BY.items():
        if produced == stream:
            return service
    return OUTSIDE_PRODUCERS.get(stream, "outside Polku")


def message_id(model: type[Payload]) -> str:
    """The message's key in the document: `type.vN` (a new version is a new message)."""
    return f"{model.TYPE}.v{model.VERSION}"


def channel_id(stream: str) -> str:
    """The channel's key in the document, from its stream name."""
    return stream.replace(".", "_").replace("-", "_")


def build_document(
    roles: Sequence[ServiceRole],
    *,
    title: str,
    description: str = "",
    version: str = "1.0.0",
    events: Mapping[tuple[str, int], type[Payload]] | None = None,
) -> dict[str, Any]:
    """The AsyncAPI document of every registered event, with the operations of `roles`."""
    models = sorted((events or EVENT_TYPES).values(), key=lambda m: (m.TYPE, m.VERSION))
    schemas, envelopes = _schemas(models)
    messages = {message_id(m): _message(m, envelopes[m], roles) for m in models}
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": title,
            "version": version,
            "description": description
            or "Polku's Redis Streams: one channel per stream, one message per event version.",
        },
        "defaultContentType": "application/json",
        "channels": _channels(models),
        "operations": _operations(models, roles),
        "components": {"messages": messages, "schemas": schemas},
    }


def _schemas(models: Sequence[type[Payload]]) -> tuple[dict[str, Any], dict[type[Payload], str]]:
    """Every envelope's JSON schema under components/schemas, and each event's envelope name."""
    mode: JsonSchemaMode = "validation"
    keyed: list[tuple[type[BaseModel], JsonSchemaMode]] = [(envelope_of(m), mode) for m in models]
    refs, top = models_json_schema(keyed, ref_template=_SCHEMAS)
    schemas: dict[str, Any] = top.get("$defs", {})
    envelopes: dict[type[Payload], str] = {}
    for model in models:
        name = refs[(envelope_of(model), "validation")]["$ref"].rsplit("/", 1)[-1]
        envelope = schemas[name]
        props = envelope["properties"]
        props["type"] = {**props["type"], "const": model.TYPE}
        props["version"] = {**props["version"], "const": model.VERSION}
        for field, text in _ENVELOPE_FIELDS.items():
            if field in props:
                props[field] = {**props[field], "description": text}
        envelope["description"] = f"The envelope of {model.TYPE} version {model.VERSION}."
        envelopes[model] = name
    return schemas, envelopes


def _summary(model: type[Payload]) -> str:
    doc = (model.__doc__ or "").strip()
    return doc.splitlines()[0] if doc else model.TYPE


def _message(model: type[Payload], envelope: str, roles: Sequence[ServiceRole]) -> dict[str, Any]:
    return {
        "name": model.TYPE,
        "title": f"{model.TYPE} v{model.VERSION}",
        "summary": _summary(model),
        "contentType": "application/json",
        "payload": {"$ref": _SCHEMAS.format(model=envelope)},
        "x-polku-type": model.TYPE,
        "x-polku-version": model.VERSION,
        "x-polku-stream": model.STREAM,
        "x-polku-producer": producer_of(model.STREAM),
        "x-polku-consumers": sorted(r.service for r in roles if model.TYPE in r.receives),
    }


def _stream_key(stream: str) -> tuple[int, str]:
    return (_STREAM_ORDER.index(stream) if stream in _STREAM_ORDER else len(_STREAM_ORDER), stream)


def _channels(models: Sequence[type[Payload]]) -> dict[str, Any]:
    channels: dict[str, Any] = {}
    for stream in sorted({m.STREAM for m in models}, key=_stream_key):
        channels[channel_id(stream)] = {
            "address": stream,
            "title": stream,
            "description": (
                f"Redis stream {stream}, written by {producer_of(stream)}. Each entry holds the"
                " event's JSON in `__data__` and its type in `type`."
            ),
            "messages": {
                message_id(m): {"$ref": f"#/components/messages/{message_id(m)}"}
                for m in models
                if m.STREAM == stream
            },
        }
    return channels


def _operations(models: Sequence[type[Payload]], roles: Sequence[ServiceRole]) -> dict[str, Any]:
    operations: dict[str, Any] = {}
    for role in sorted(roles, key=lambda r: r.service):
        for action, types in (("send", role.sends), ("receive", role.receives)):
            for stream in sorted({m.STREAM for m in models}, key=_stream_key):
                chosen = [m for m in models if m.STREAM == stream and m.TYPE in types]
                if chosen:
                    operations[f"{role.service}.{action}.{channel_id(stream)}"] = _operation(
                        role.service, action, stream, chosen
                    )
    return operations


def _operation(
    service: str, action: str, stream: str, models: Sequence[type[Payload]]
) -> dict[str, Any]:
    channel = channel_id(stream)
    verb = "publishes to" if action == "send" else "consumes from"
    return {
        "action": action,
        "channel": {"$ref": f"#/channels/{channel}"},
        "title": f"{service} {verb} {stream}",
        "summary": f"{service} {verb} {stream}: {', '.join(m.TYPE for m in models)}.",
        "messages": [{"$ref": f"#/channels/{channel}/messages/{message_id(m)}"} for m in models],
        "x-polku-service": service,
    }

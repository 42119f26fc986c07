"""Reading stream entries: the event JSON of an entry, and the check of its `type` field."""

from __future__ import annotations

import json
from typing import Any

from shared.events.envelope import PoisonEvent

Entry = tuple[bytes, dict[bytes, bytes]]
TYPE_FIELD = b"type"
"""The stream entry field beside `__data__` where the relay names the event's type."""


def entry_body(fields: dict[bytes, bytes]) -> bytes:
    """The event JSON of a stream entry (Polku's `__data__` field, or `data`/`event`)."""
    for key in (b"__data__", b"data", b"event"):
        if key in fields:
            body = fields[key]
            return _strip_faststream_binary(body)
    raise _malformed("entry has no __data__, data or event field")


def _strip_faststream_binary(body: bytes) -> bytes:
    if body.startswith(b"\x89BIN"):
        from faststream.redis.parser.binary import BinaryMessageFormatV1

        data, _headers = BinaryMessageFormatV1.parse(body)
        return data
    return body


def _malformed(detail: str) -> PoisonEvent:
    from shared.events.envelope import MalformedEvent

    return MalformedEvent(detail)


class TypeMismatch(PoisonEvent):
    """The entry's `type` field names another type than its body: trust neither."""

    reason = "type_mismatch"


def check_unwanted_type(body: bytes, hint: str) -> None:
    """Raise `TypeMismatch` if the body of an entry hinted as an unwanted type is another type.

    The relay writes the envelope's `type` second (after `event_id`), so the hint is found
    in the first bytes without parsing; only an entry where it is not is parsed in full."""
    if body.find(b'"type":"' + hint.encode() + b'"', 0, 200) != -1:
        return
    try:
        actual = json.loads(body).get("type")
    except (ValueError, AttributeError):
        return  # not ours to judge: the services that consume the hinted type name it
    if isinstance(actual, str) and actual != hint:
        raise TypeMismatch(f"type field says {hint!r}, the body is {actual!r}")


def _entries_of(answer: Any) -> list[Entry]:
    """The entries of a one-stream XREADGROUP answer (`[[stream, [(id, fields), ...]]]`)."""
    return list(answer[0][1]) if answer else []

"""Which handler takes which event type, which streams are read, and how an entry decodes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

import asyncpg

from shared.dead_letters import SubjectOf
from shared.events.envelope import Envelope, Payload, decode, decode_hinted
from shared.logs import event_context
from shared.messaging.entries import TYPE_FIELD, TypeMismatch, check_unwanted_type, entry_body

Emitted = list[Envelope[Any]] | None
Handler = Callable[[asyncpg.Connection, Envelope[Any]], Awaitable[Emitted]]
BatchHandler = Callable[[asyncpg.Connection, list[Envelope[Any]]], Awaitable[Emitted]]
EntryDecoder = Callable[[dict[bytes, bytes]], Envelope[Any] | None]
RefusalHook = Callable[[asyncpg.Pool, bytes, dict[bytes, bytes], str], Awaitable[None]]
"""Told of a raw entry refused as poison (pool, entry id, fields, reason) before it is
dead-lettered, so a service can record what the refusal means (a failure retries it)."""


@dataclass
class _Route:
    handler: Handler | None = None
    batch_handler: BatchHandler | None = None


class Routes:
    """The handlers one consumer registered, the streams it reads, and their decoding."""

    def __init__(self) -> None:
        self._routes: dict[str, _Route] = {}
        self._streams: dict[str, EntryDecoder | None] = {}
        self.subjects: dict[str, SubjectOf] = {}
        self.deleting: set[str] = set()
        self.refusals: dict[str, RefusalHook] = {}

    def on(self, payload: type[Payload]) -> Callable[[Handler], Handler]:
        """Register a handler for one event type; its stream is subscribed automatically."""

        def register(fn: Handler) -> Handler:
            self._routes.setdefault(payload.TYPE, _Route()).handler = fn
            self._streams.setdefault(payload.STREAM, None)
            return fn

        return register

    def on_batch(self, payload: type[Payload]) -> Callable[[BatchHandler], BatchHandler]:
        """Register a handler that takes a run of consecutive new events at once."""

        def register(fn: BatchHandler) -> BatchHandler:
            self._routes.setdefault(payload.TYPE, _Route()).batch_handler = fn
            self._streams.setdefault(payload.STREAM, None)
            return fn

        return register

    def subscribe_raw(
        self,
        stream: str,
        decoder: EntryDecoder,
        *,
        delete_settled: bool,
        subject: SubjectOf | None,
        on_refused: RefusalHook | None = None,
    ) -> None:
        """Read a stream whose entries `decoder` turns into envelopes."""
        self._streams[stream] = decoder
        if on_refused is not None:
            self.refusals[stream] = on_refused
        if delete_settled:
            self.deleting.add(stream)
        if subject is not None:
            self.subjects[stream] = subject

    @property
    def streams(self) -> list[str]:
        """Every stream read."""
        return sorted(self._streams)

    @property
    def wanted(self) -> AbstractSet[str]:
        """The event types with a handler (a live view: no copy per entry)."""
        return self._routes.keys()

    def decode(self, stream: str, fields: dict[bytes, bytes]) -> Envelope[Any] | None:
        """The entry's envelope, or None for a type nobody here handles."""
        custom = self._streams.get(stream)
        if custom is not None:
            return custom(fields)
        hint = fields.get(TYPE_FIELD)
        if hint is None:
            return decode(entry_body(fields), wanted=self.wanted)
        # Polku's relay names the type: skip or validate in one pass, never trust a wrong name
        type_, body = hint.decode(errors="replace"), entry_body(fields)
        if type_ not in self.wanted:
            check_unwanted_type(body, type_)
            return None
        env = decode_hinted(body, type_, wanted=self.wanted)
        if env is None or env.type != type_:
            actual = "an unwanted type" if env is None else repr(env.type)
            raise TypeMismatch(f"type field says {type_!r}, the body is {actual}")
        return env

    def handler_of(self, env: Envelope[Any]) -> object:
        """What takes this event: its batch handler (which may serve several types), or its type."""
        route = self._routes[env.type]
        return route.batch_handler or env.type

    async def dispatch(
        self, conn: asyncpg.Connection, type_: str, envs: list[Envelope[Any]]
    ) -> list[Envelope[Any]]:
        """Hand a run of consecutive events, in stream order, to the handler of their type."""
        route = self._routes[type_]
        emitted: list[Envelope[Any]] = []
        if route.batch_handler is not None:
            with event_context(envs[0] if len(envs) == 1 else None):
                emitted += await route.batch_handler(conn, envs) or []
            return emitted
        assert route.handler is not None
        for env in envs:
            with event_context(env):
                emitted += await route.handler(conn, env) or []
        return emitted

"""Idempotent consumers over Redis consumer groups, with claiming and a dead-letter stream.

One `EventConsumer` per service. New entries arrive through FastStream batch subscribers
(see `shared.runtime`); entries left pending by a dead consumer or a failed attempt are
claimed here in batches with XAUTOCLAIM. Either way an entry goes through `process`:
decode, then one PostgreSQL transaction holding the inbox insert, the handler's effects
and the events it emits (outbox), and only after the commit, XACK.

The parts, one job each: `entries` (an entry's event JSON), `routes` (handlers, streams,
decoding), `applier` (a batch in one transaction), `database_wait` (outage or attempt),
`failures` (counted attempts), `dead_letter` (the dead-letter stream), `claimer` (pending
entries), `consumer` (`EventConsumer`, composing them).
"""

from shared.messaging.applier import _log_handled
from shared.messaging.consumer import EventConsumer, consumer_name
from shared.messaging.database_wait import PROBE_TIMEOUT_S
from shared.messaging.entries import (
    TYPE_FIELD,
    Entry,
    TypeMismatch,
    _entries_of,
    check_unwanted_type,
    entry_body,
)
from shared.messaging.failures import RetryLater, failure_reason
from shared.messaging.routes import BatchHandler, Emitted, EntryDecoder, Handler

__all__ = [
    "PROBE_TIMEOUT_S",
    "TYPE_FIELD",
    "BatchHandler",
    "Emitted",
    "Entry",
    "EntryDecoder",
    "EventConsumer",
    "Handler",
    "RetryLater",
    "TypeMismatch",
    "_entries_of",
    "_log_handled",
    "check_unwanted_type",
    "consumer_name",
    "entry_body",
    "failure_reason",
]

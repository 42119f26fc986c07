"""Writing an entry that cannot be applied, with why, to the dead-letter stream."""

from __future__ import annotations

import logging
from typing import Any

from shared import dead_letters
from shared.dead_letters import Failure, SubjectOf
from shared.events import streams
from shared.events.envelope import Envelope
from shared.messaging.connections import Connections
from shared.metrics import ServiceMetrics
from shared.sealing import Sealer

log = logging.getLogger("polku.messaging")


class DeadLetterWriter:
    """One consumer's writer of dead letters: redacted for operators, sealed for replay."""

    def __init__(
        self,
        conn: Connections,
        *,
        service: str,
        group: str,
        metrics: ServiceMetrics,
        sealer: Sealer,
        subjects: dict[str, SubjectOf],
    ) -> None:
        self._conn = conn
        self.service, self.group, self.metrics = service, group, metrics
        self._sealer, self._subjects = sealer, subjects

    async def write(
        self,
        stream: str,
        entry_id: bytes,
        fields: dict[bytes, bytes],
        reason: str,
        error: str,
        attempts: int,
        env: Envelope[Any] | None = None,
    ) -> None:
        """Write the entry, with why it failed, to the dead-letter stream (its personal
        data redacted for operators and sealed for replay: `shared.dead_letters`)."""
        redis = self._conn.client()
        record = dead_letters.record_of(
            Failure(stream, entry_id, self.group, reason, error, attempts),
            fields,
            env,
            sealer=self._sealer,
            subject=self._subjects.get(stream),
        )
        await redis.xadd(streams.DEAD_LETTER, record, maxlen=100_000, approximate=True)  # type: ignore[arg-type]
        self.metrics.dead_lettered.labels(self.service, stream, reason).inc()
        self.metrics.events_consumed.labels(
            self.service, stream, record["event_type"] or "unknown", "dead_lettered"
        ).inc()
        log.error("dead-lettered %s from %s: %s (%s)", record["event_id"], stream, reason, error)

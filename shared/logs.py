"""Structured JSON logs: `service`, `event_id` and `correlation_id` on every line."""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

_service = contextvars.ContextVar("polku_service", default="polku")
_event_id = contextvars.ContextVar[str | None]("polku_event_id", default=None)
_correlation_id = contextvars.ContextVar[str | None]("polku_correlation_id", default=None)


@contextlib.contextmanager
def event_context(env: Any) -> Iterator[None]:
    """Tag the log lines written while handling `env` with its ids."""
    if env is None:
        yield
        return
    t1 = _event_id.set(str(env.event_id))
    t2 = _correlation_id.set(str(env.correlation_id))
    try:
        yield
    finally:
        _event_id.reset(t1)
        _correlation_id.reset(t2)


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": _service.get(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (eid := _event_id.get()) is not None:
            line["event_id"] = eid
            line["correlation_id"] = _correlation_id.get()
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def setup_logging(service: str, *, level: str = "INFO", json_lines: bool = True) -> None:
    """Configure the root logger for one service process."""
    _service.set(service)
    handler = logging.StreamHandler(sys.stdout)
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(f"%(asctime)s {service} %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("uvicorn.access", "faststream.access.redis"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

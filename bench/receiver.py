"""An organisation's webhook receiver on 127.0.0.1 for the latency benchmarks.

It runs in a process of its own, so its request threads never compete for the GIL with the
bench's event loop (which sends the load and watches the database): arrival times are the
receiver's own, taken as each request is read, on the wall clock.
"""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from typing import Any

from tests.support.servers import free_port


class WebhookReceiver:
    """An organisation's webhook endpoint: notes when each match's notification arrived."""

    def __init__(self) -> None:
        self.port = free_port()
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(self.port, child), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> WebhookReceiver:
        """Start the receiver's process and wait until it listens."""
        self._process.start()
        assert self._pipe.recv() == "listening"
        return self

    def count(self) -> int:
        """How many matches had a notification so far."""
        self._pipe.send("count")
        return int(self._pipe.recv())

    def arrived(self) -> dict[str, float]:
        """Match id → when its first notification arrived (time.time() seconds)."""
        self._pipe.send("arrived")
        return dict(self._pipe.recv())

    def shutdown(self) -> None:
        """Stop the receiver's process."""
        if self._process.is_alive():
            self._pipe.send("stop")
            self._process.join(10)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 resets connections when many arrive at once

    def __init__(self, port: int) -> None:
        self.arrived: dict[str, float] = {}
        super().__init__(("127.0.0.1", port), _Hook)


class _Hook(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver would: no connect per call

    def do_POST(self) -> None:
        now = time.time()
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        match_id = json.loads(body)["match"]["match_id"]
        self.server.arrived.setdefault(match_id, now)  # type: ignore[attr-defined]
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


def _serve(port: int, pipe: Connection) -> None:
    server = _Server(port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pipe.send("listening")
    while (command := pipe.recv()) != "stop":
        pipe.send(len(server.arrived) if command == "count" else dict(server.arrived))
    server.shutdown()

"""An organisation's webhook receiver on 127.0.0.1 for the latency benchmark."""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from shared.testing.servers import free_port


class WebhookReceiver(ThreadingHTTPServer):
    """An organisation's webhook endpoint: notes when each match's notification arrived."""

    daemon_threads = True
    request_queue_size = 256  # the default 5 resets connections when many arrive at once

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        super().__init__(("127.0.0.1", free_port()), _Hook)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class _Hook(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver would: no connect per call

    def do_POST(self) -> None:
        now = time.monotonic()
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        match_id = json.loads(body)["match"]["match_id"]
        self.server.arrived.setdefault(match_id, now)  # type: ignore[attr-defined]
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

"""A tiny real HTTP receiver on 127.0.0.1 that verifies signatures as WEBHOOKS.md says."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret: str, body: bytes, header: str) -> bool:
    """Written from services/matching/WEBHOOKS.md alone."""
    parts = dict(p.split("=", 1) for p in header.split(","))
    signed = parts["t"].encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(parts["t"])) <= 300
    return fresh and hmac.compare_digest(expected, parts["v1"])


@dataclass
class Received:
    """One request as the receiver saw it."""

    at: float
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers with the statuses given, in order (the last one repeats)."""

    statuses: list[int]
    requests: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    gate: threading.Event | None = None
    """When given, each request waits for it to be set before it is answered."""
    waiting: int = 0
    most_waiting: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/polku-hook"

    def __enter__(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k: v for k, v in self.headers.items()}
                receiver.requests.append(Received(time.monotonic(), headers, body))
                n = len(receiver.requests)
                if receiver.gate is not None:
                    with receiver.lock:
                        receiver.waiting += 1
                        receiver.most_waiting = max(receiver.most_waiting, receiver.waiting)
                    receiver.gate.wait(30)
                    with receiver.lock:
                        receiver.waiting -= 1
                status = receiver.statuses[min(n, len(receiver.statuses)) - 1]
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()

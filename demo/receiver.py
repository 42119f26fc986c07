"""A demo employer's webhook receiver: a small HTTP server on 127.0.0.1 that takes match
proposals from matching and hands them to the driver, which accepts or declines them."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import time
from collections.abc import Generator
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

SIGNATURE = "Polku-Signature"


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to whoever runs the demo."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def match_id_of(body: Any) -> str | None:
    """The match id in a webhook body, wherever the sender put it."""
    if not isinstance(body, dict):
        return None
    if isinstance(body.get("match_id"), str):
        return str(body["match_id"])
    for key in ("match", "data", "payload"):
        found = match_id_of(body.get(key))
        if found:
            return found
    return str(body["id"]) if isinstance(body.get("id"), str) else None


def signature_valid(secret: str, body: bytes, header: str, tolerance_s: int = 300) -> bool:
    """Check `Polku-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`, the way
    matching's webhook documentation tells a receiver to (Stripe-style, with a time window)."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance_s:
        return False
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(mac.hexdigest(), parts.get("v1", ""))


class WebhookReceiver:
    """Receives proposals at `url_for(slot)` (one slot per organisation), checks their
    signatures when the organisation's secret is known, and queues (match_id, body)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.proposals: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        self.secrets: dict[str, str] = {}
        self.received = 0
        self.verified = 0
        self.rejected = 0
        self._server: _QuietServer | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """The receiver's base URL for organisations' webhooks."""
        return f"http://{self.host}:{self.port}/webhooks/matches"

    def url_for(self, slot: str) -> str:
        """The webhook URL of one organisation."""
        return f"{self.url}/{slot}"

    def app(self) -> FastAPI:
        """The receiver's ASGI app: one POST route."""
        app = FastAPI(title="polku demo employer", openapi_url=None)

        @app.post("/webhooks/matches/{slot}", status_code=202)
        async def receive(slot: str, request: Request) -> JSONResponse:
            """Take one proposal; one with a bad signature is refused with 401."""
            raw = await request.body()
            self.received += 1
            secret = self.secrets.get(slot)
            if secret is not None:
                if not signature_valid(secret, raw, request.headers.get(SIGNATURE, "")):
                    self.rejected += 1
                    return JSONResponse({"detail": {"reason": "bad_signature"}}, 401)
                self.verified += 1
            body = json.loads(raw or b"{}")
            match_id = match_id_of(body)
            if match_id:
                self.proposals.put_nowait((match_id, body if isinstance(body, dict) else {}))
            return JSONResponse({"status": "received"}, 202)

        return app

    async def start(self) -> None:
        """Serve in the running event loop until `stop`."""
        config = uvicorn.Config(
            self.app(), host=self.host, port=self.port, log_level="warning", lifespan="off"
        )
        self._server = _QuietServer(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop serving."""
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task

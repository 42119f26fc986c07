"""A demo employer's webhook receiver: a small HTTP server on 127.0.0.1 that takes match
proposals from matching and hands them to the driver, which accepts or declines them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Generator
from typing import Any

import uvicorn
from fastapi import FastAPI, Request


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


class WebhookReceiver:
    """Receives proposals at `url` and queues (match_id, body) pairs for the driver."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.proposals: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        self.received = 0
        self._server: _QuietServer | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """Where organisations' webhooks should point."""
        return f"http://{self.host}:{self.port}/webhooks/matches"

    def app(self) -> FastAPI:
        """The receiver's ASGI app: one POST route."""
        app = FastAPI(title="polku demo employer", openapi_url=None)

        @app.post("/webhooks/matches", status_code=202)
        async def receive(request: Request) -> dict[str, str]:
            """Take one signed proposal (the signature is matching's business to test)."""
            body = await request.json()
            self.received += 1
            match_id = match_id_of(body)
            if match_id:
                self.proposals.put_nowait((match_id, body if isinstance(body, dict) else {}))
            return {"status": "received"}

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

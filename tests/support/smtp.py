"""A real SMTP server for tests (the standard library's, on a free port, in a thread): it
speaks the protocol to the mailer and keeps what it received; it can refuse for a while."""

from __future__ import annotations

import email
import email.policy
import threading
import warnings
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from tests.support.servers import free_port

with warnings.catch_warnings():  # the standard library's server: no SMTP library here
    warnings.simplefilter("ignore", DeprecationWarning)
    import asyncore
    import smtpd


@dataclass
class Received:
    sender: str
    to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return str(self.message.get_content())


class _Server(smtpd.SMTPServer):
    def __init__(self, owner: SmtpServer, port: int) -> None:
        super().__init__(("127.0.0.1", port), None, decode_data=False)  # type: ignore[arg-type]
        self.owner = owner

    def process_message(
        self, peer: Any, mailfrom: str, rcpttos: list[str], data: bytes | str, **kwargs: Any
    ) -> str | None:
        with self.owner.lock:
            if self.owner.refuse > 0:
                self.owner.refuse -= 1
                self.owner.refused += 1
                return "451 4.3.0 try again later"
            self.owner.received.append(Received(mailfrom, rcpttos, _parse(data)))
        return None


class SmtpServer:
    """Start with `with SmtpServer() as smtp:`; `smtp.port`, `smtp.received`."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[Received] = []
        self.refuse = 0
        self.refused = 0
        self.lock = threading.Lock()
        self._map: dict[int, Any] = {}

    def __enter__(self) -> SmtpServer:
        self._server = _Server(self, self.port)
        self._thread = threading.Thread(
            target=asyncore.loop, kwargs={"timeout": 0.05, "use_poll": True}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.close()
        asyncore.close_all()
        self._thread.join(timeout=5)

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if address in r.to]


def _parse(data: bytes | str) -> EmailMessage:
    raw = data.encode() if isinstance(data, str) else data
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message

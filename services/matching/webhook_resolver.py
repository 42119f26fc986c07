"""Webhook hosts resolved once per connection, and only to addresses that pass the check.

aiohttp connects to exactly the addresses its resolver returns, so checking them here (and
nowhere else at send time) leaves no gap between check and connect for DNS rebinding to slip
through; the URL, and with it the Host header and the TLS server name, stay as they were.
"""

from __future__ import annotations

import ipaddress
import socket

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from services.matching.webhooks import address_reason


class RefusedAddress(OSError):
    """A webhook host resolved to an address webhooks may not go to."""


class CheckedResolver(AbstractResolver):
    """Resolves a webhook host and returns its addresses only if every one is public."""

    def __init__(self, *, allow_private: bool, inner: AbstractResolver | None = None) -> None:
        self._allow_private = allow_private
        self._inner = inner or aiohttp.ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """The host's addresses, all checked; RefusedAddress if any is not public."""
        results = await self._inner.resolve(host, port, family)
        if not self._allow_private:
            for result in results:
                refused = address_reason(ipaddress.ip_address(result["host"]))
                if refused:
                    raise RefusedAddress(f"{host}: {refused}")
        return results

    async def close(self) -> None:
        """Release the inner resolver."""
        await self._inner.close()


def webhook_connector(*, limit: int, allow_private: bool) -> aiohttp.TCPConnector:
    """The sender's connector: checked resolution on every new connection, no DNS cache
    (a cached answer would be an address this connection did not check)."""
    return aiohttp.TCPConnector(
        limit=limit,
        resolver=CheckedResolver(allow_private=allow_private),
        use_dns_cache=False,
    )

"""Webhook SSRF: private IPv4 hidden in IPv6 transition prefixes is refused, and the sender
connects only to the address it checked (no DNS rebinding between check and connect).
Traffic goes to 127.0.0.1 only: the other addresses are checked, never contacted."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from services.matching.webhook_resolver import CheckedResolver, RefusedAddress, webhook_connector
from services.matching.webhooks import unsafe_url_reason, url_reason

HIDDEN_PRIVATE = [
    "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",  # NAT64 of 169.254.169.254 (cloud metadata)
    "http://[64:ff9b::a00:1]/hook",  # NAT64 of 10.0.0.1
    "http://[64:ff9b:1::a9fe:a9fe]/hook",  # local-use NAT64 /48
    "http://[2002:a9fe:a9fe::1]/hook",  # 6to4 of 169.254.169.254
    "http://[2002:7f00:1::1]/hook",  # 6to4 of 127.0.0.1
    "http://[::7f00:1]/hook",  # IPv4-compatible 127.0.0.1
    "http://[::ffff:0:c0a8:1]/hook",  # IPv4-translated 192.168.0.1
    "http://[2001:0:a9fe:a9fe::1]/hook",  # Teredo with server 169.254.169.254
]


@pytest.mark.parametrize("url", HIDDEN_PRIVATE)
async def test_private_ipv4_inside_an_ipv6_transition_prefix_is_refused(url: str) -> None:
    reason = await unsafe_url_reason(url, allow_private=False)
    assert reason is not None and "non-public" in reason
    assert url_reason(url, allow_private=False) == reason  # the send-time check agrees


async def test_public_ipv4_behind_nat64_and_plain_public_addresses_pass() -> None:
    for url in ("https://[64:ff9b::5db8:d822]/hook", "https://93.184.216.34/hook"):
        assert await unsafe_url_reason(url, allow_private=False) is None


class Rebinding(AbstractResolver):
    """A name server that answers each look-up with the next address (the last repeats)."""

    def __init__(self, *addresses: str) -> None:
        self.addresses, self.asked = list(addresses), 0

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        address = self.addresses[min(self.asked, len(self.addresses) - 1)]
        self.asked += 1
        return [ResolveResult(hostname=host, host=address, port=port, family=socket.AF_INET,
                              proto=0, flags=socket.AI_NUMERICHOST)]  # fmt: skip

    async def close(self) -> None:
        return None


@pytest.fixture
async def loopback_receiver() -> AsyncIterator[tuple[int, list[str]]]:
    """An HTTP server on 127.0.0.1 recording the Host header of every request."""
    hosts: list[str] = []

    async def hook(request: web.Request) -> web.Response:
        hosts.append(request.headers["Host"])
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield port, hosts
    finally:
        await runner.cleanup()


async def test_a_name_rebound_to_loopback_after_the_check_is_not_connected(
    loopback_receiver: tuple[int, list[str]],
) -> None:
    port, hosts = loopback_receiver
    dns = Rebinding("93.184.216.34", "127.0.0.1")
    resolver = CheckedResolver(allow_private=False, inner=dns)
    assert await resolver.resolve("hooks.example", port)  # the check: a public address
    connector = aiohttp.TCPConnector(resolver=resolver, use_dns_cache=False)
    async with aiohttp.ClientSession(connector=connector) as client:
        with pytest.raises(aiohttp.ClientConnectorError) as caught:
            await client.post(f"http://hooks.example:{port}/hook", data=b"{}")
    assert isinstance(caught.value.os_error, RefusedAddress)
    assert "127.0.0.1" in str(caught.value.os_error)
    assert hosts == [] and dns.asked == 2


async def test_the_checked_address_is_the_one_connected_and_the_host_header_is_kept(
    loopback_receiver: tuple[int, list[str]],
) -> None:
    port, hosts = loopback_receiver
    resolver = CheckedResolver(allow_private=True, inner=Rebinding("127.0.0.1"))
    connector = aiohttp.TCPConnector(resolver=resolver, use_dns_cache=False)
    async with aiohttp.ClientSession(connector=connector) as client:
        async with client.post(f"http://hooks.example:{port}/hook", data=b"{}") as answer:
            assert answer.status == 204
    assert hosts == [f"hooks.example:{port}"]


async def test_the_sender_resolves_through_the_check_without_a_dns_cache() -> None:
    connector = webhook_connector(limit=4, allow_private=False)
    try:
        assert isinstance(connector._resolver, CheckedResolver)
        assert connector.use_dns_cache is False
    finally:
        await connector.close()

"""Employer webhooks: Stripe-style signatures, safe URLs, secrets at rest, and the sender.

See WEBHOOKS.md for what a receiver must do. The signature is
`Polku-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import os
import secrets
import socket
import time
from urllib.parse import urlsplit
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SIGNATURE_HEADER = "Polku-Signature"
TOLERANCE_S = 300


def new_secret() -> str:
    """A fresh per-organisation signing secret (shown once, when the organisation is created)."""
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The `Polku-Signature` header value for a body sent at `timestamp` (unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    secret: str, body: bytes, header: str, *, now: float | None = None, tolerance_s: int = 300
) -> bool:
    """Whether a signature header is valid for the body and recent enough."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance_s:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def encrypt_secret(key_b64: str, secret: str, organisation_id: UUID) -> str:
    """A signing secret sealed with AES-256-GCM for storage (bound to its organisation)."""
    nonce = os.urandom(12)
    sealed = AESGCM(base64.b64decode(key_b64)).encrypt(
        nonce, secret.encode(), organisation_id.bytes
    )
    return base64.b64encode(nonce + sealed).decode()


def decrypt_secret(key_b64: str, stored: str, organisation_id: UUID) -> str:
    """The signing secret from its stored form."""
    raw = base64.b64decode(stored)
    aead = AESGCM(base64.b64decode(key_b64))
    return aead.decrypt(raw[:12], raw[12:], organisation_id.bytes).decode()


NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 transition address carries (mapped, translated, NAT64,
    IPv4-compatible, 6to4, Teredo server and client), which the packet may really go to."""
    low = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    found = [a for a in (address.ipv4_mapped, address.sixtofour) if a is not None]
    if any(address in net for net in (NAT64, IPV4_COMPATIBLE, IPV4_TRANSLATED)):
        found.append(low)
    if address.teredo is not None:
        found.extend(address.teredo)
    return found


def address_reason(address: Address) -> str | None:
    """Why a webhook may not be sent to this address (not public, or hiding one), or None."""
    refused = f"webhook_url points at a non-public address ({address})"
    if not address.is_global or address.is_multicast:
        return refused
    if isinstance(address, ipaddress.IPv6Address):
        if address in LOCAL_NAT64:  # local-use NAT64 (RFC 8215): inside a network by definition
            return refused
        if any(not v4.is_global or v4.is_multicast for v4 in embedded_ipv4(address)):
            return refused
    return None


def url_reason(url: str, *, allow_private: bool) -> str | None:
    """Why a webhook URL is refused without looking its host up (bad scheme, no host, an
    address literal that is not public), or None."""
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port
    except ValueError:
        return "webhook_url is not a valid URL"
    if parts.scheme not in ("http", "https") or not host:
        return "webhook_url must be an http(s) URL with a host"
    if allow_private:
        return None
    try:
        return address_reason(ipaddress.ip_address(host))
    except ValueError:
        return None  # a name: its addresses are checked where it is resolved


async def unsafe_url_reason(url: str, *, allow_private: bool) -> str | None:
    """Why a webhook URL is refused (bad scheme, no host, a non-public address), or None."""
    refused = url_reason(url, allow_private=allow_private)
    if refused or allow_private:
        return refused
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        ipaddress.ip_address(host)
        return None  # a literal, checked above
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, parts.port or 443, type=socket.SOCK_STREAM
        )
    except (OSError, UnicodeError):
        return "webhook_url host does not resolve"
    for info in infos:
        refused = address_reason(ipaddress.ip_address(info[4][0]))
        if refused:
            return refused
    return None

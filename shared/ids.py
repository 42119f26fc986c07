"""Identifiers: time-ordered UUIDs for events and records that are keys of growing tables."""

from __future__ import annotations

import os
import time
from uuid import UUID


def uuid7() -> UUID:
    """A version-7 UUID: 48 bits of Unix milliseconds, then 74 random bits.

    Keys that grow with time are appended at the right edge of their indexes instead of
    landing on a random page each (fewer page splits, one full-page WAL image per page
    rather than per insert). Not for participant ids: those stay random (uuid4), so an id
    reveals nothing of when someone registered.
    """
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10))
    rand_a, rand_b = (rand >> 62) & 0xFFF, rand & ((1 << 62) - 1)
    return UUID(int=(ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b)

"""Everything a Redis server holds, and a full pg_dump, as bytes to search for a person."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import redis.asyncio as aioredis


async def dump_redis(client: aioredis.Redis) -> dict[bytes, bytes]:
    """Every key (SCAN) with its whole value, whatever its TYPE, as one blob per key."""
    dumped: dict[bytes, bytes] = {}
    async for key in client.scan_iter(count=500):
        kind = (await client.type(key)).decode()
        value: Any
        if kind == "stream":
            value = await client.xrange(key)
        elif kind == "hash":
            value = await client.hgetall(key)
        elif kind == "string":
            value = await client.get(key)
        elif kind == "list":
            value = await client.lrange(key, 0, -1)
        elif kind == "set":
            value = await client.smembers(key)
        elif kind == "zset":
            value = await client.zrange(key, 0, -1)
        else:
            raise AssertionError(f"key {key!r} of unexpected type {kind}")
        dumped[key] = _raw(value)
    return dumped


def _raw(value: Any) -> bytes:
    """The bytes inside a Redis reply, one value a line."""
    if isinstance(value, bytes):
        return value + b"\n"
    if isinstance(value, dict):
        return b"".join(_raw(k) + _raw(v) for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return b"".join(_raw(v) for v in value)
    return str(value).encode() + b"\n"


def pg_dump(dsn: str) -> bytes:
    """A full plain-text pg_dump of the database (schema and data)."""
    binary = shutil.which("pg_dump")
    assert binary is not None, "pg_dump is not on the PATH"
    done = subprocess.run([binary, "--no-owner", dsn], capture_output=True, check=True)
    return done.stdout


def holders(blobs: dict[bytes, bytes], needles: list[bytes]) -> list[str]:
    """Which blobs hold which needle."""
    return [f"{key!r} holds {n!r}" for key, blob in blobs.items() for n in needles if n in blob]

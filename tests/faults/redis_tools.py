"""Redis as compose runs it (AOF), for the fault tests that restart it with its data, and
what the tests read from it: stream lengths, group positions, the services' reset counters."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

import asyncpg
import redis
from fault_tools import metric

from polku.embedded import start_redis
from shared.events import streams
from shared.settings import SERVICES
from tests.support import RedisServer, Stack
from tests.support.polling import wait_until


class PersistentRedis(RedisServer):
    """A private redis-server with AOF (`appendfsync everysec`, as in docker-compose.yml)."""

    def start(self) -> PersistentRedis:
        self.proc = start_redis(self.dir, self.port, persistent=True, binary=self.binary())
        return self

    def shutdown(self) -> None:
        """SIGTERM, as `docker compose restart` sends: Redis writes its AOF and exits."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(30)

    def restart_keeping_data(self) -> None:
        """Stop and start again on the same port and files."""
        self.shutdown()
        self.start()


def client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True)


def stream_lengths(url: str) -> dict[str, int]:
    """XLEN of every event stream."""
    with client(url) as c:
        return {s: int(c.xlen(s)) for s in streams.ALL_EVENT_STREAMS}


def outbox_rows_by_stream(dsn: str) -> dict[str, int]:
    """How many events the services' outboxes hold for each stream."""

    async def go() -> dict[str, int]:
        conn = await asyncpg.connect(dsn)
        try:
            counts = dict.fromkeys(streams.ALL_EVENT_STREAMS, 0)
            for s in SERVICES:
                for row in await conn.fetch(
                    f"SELECT stream, count(*) AS n FROM {s}.outbox GROUP BY stream"
                ):
                    counts[row["stream"]] = counts.get(row["stream"], 0) + row["n"]
            return counts
        finally:
            await conn.close()

    return asyncio.run(go())


def groups(url: str) -> dict[tuple[str, str], dict[str, Any]]:
    """XINFO GROUPS of every event stream, by (stream, group)."""
    with client(url) as c:
        return {
            (s, g["name"]): g
            for s in streams.ALL_EVENT_STREAMS
            if c.exists(s)
            for g in c.xinfo_groups(s)
        }


def consumers(url: str) -> set[str]:
    """Every consumer of every group on the event streams and intake's request stream."""
    names = set()
    with client(url) as c:
        for s in (*streams.ALL_EVENT_STREAMS, streams.INTAKE_REQUESTS):
            if not c.exists(s):
                continue
            for g in c.xinfo_groups(s):
                names |= {x["name"] for x in c.xinfo_consumers(s, g["name"])}
    return names


def resets(stack: Stack, service: str) -> float:
    """Redis data losses a service's replicas handled (each one republished its window)."""
    line = f'polku_redis_resets_total{{service="{service}"}}'
    return sum(metric(sp.url, line) for sp in stack.services[service])


def wait_until_delivered(url: str, probes: dict[str, str], *, within: float) -> None:
    """Every group on each probed stream got its probe and acknowledged it, `within` s."""

    def delivered() -> bool:
        seen = groups(url)
        return bool(seen) and all(
            g["last-delivered-id"] == probes[s] and g["pending"] == 0 for (s, _), g in seen.items()
        )

    wait_until(delivered, timeout=within, interval=0.02, what="every group reading again")

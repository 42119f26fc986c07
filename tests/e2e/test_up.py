"""`polku up` with nothing configured: embedded PostgreSQL and Redis, four supervised services.
A service that crashes is started again (and the supervisor says so); Ctrl-C stops the
services, then the embedded Redis and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import psutil

from shared.settings import SERVICES
from tests.support import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]


def _ready(port: int) -> bool:
    return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200


def _service_pid(up: psutil.Process, service: str) -> int | None:
    for child in up.children():
        if child.cmdline()[-2:] == ["run", service]:
            return child.pid
    return None


def test_up_restarts_a_crashed_service_and_ctrl_c_stops_the_embedded_servers(
    tmp_path: Path,
) -> None:
    ports = {s: free_port() for s in SERVICES}
    env = {
        k: v for k, v in os.environ.items() if k not in ("POLKU_DATABASE_URL", "POLKU_REDIS_URL")
    }
    env.update({f"POLKU_{s.upper()}_PORT": str(p) for s, p in ports.items()})
    up = subprocess.Popen(
        [sys.executable, "-m", "polku.cli", "up", "--data-dir", str(tmp_path / "data")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: the test's Ctrl-C reaches only it
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(iter(up.stdout.readline, "")), daemon=True).start()  # type: ignore[union-attr]
    try:
        for port in ports.values():
            wait_until(lambda p=port: _ready(p), timeout=120, what=f"service on {port}")
        postmaster = int((tmp_path / "data/pgdata/postmaster.pid").read_text().split()[0])
        supervisor = psutil.Process(up.pid)
        redis = next(c for c in supervisor.children() if "redis-server" in c.name())
        victim = _service_pid(supervisor, "caseplan")
        assert victim is not None
        os.kill(victim, signal.SIGKILL)
        wait_until(
            lambda: any("caseplan exited with code -9; restarting it in 1s" in x for x in lines),
            what="the supervisor saying it restarts caseplan",
        )
        wait_until(lambda: _service_pid(supervisor, "caseplan") not in (None, victim), timeout=30)
        wait_until(lambda: _ready(ports["caseplan"]), timeout=60, what="caseplan ready again")
        others = {s: _service_pid(supervisor, s) for s in ("intake", "matching", "reporting")}

        os.killpg(up.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole group
        assert up.wait(90) == 0, "".join(lines[-40:])
    finally:
        if up.poll() is None:
            os.killpg(up.pid, signal.SIGKILL)
    assert all(pid is not None and not psutil.pid_exists(pid) for pid in others.values())
    wait_until(lambda: not psutil.pid_exists(redis.pid), timeout=10, what="Redis stopped")
    wait_until(lambda: not psutil.pid_exists(postmaster), timeout=10, what="PostgreSQL stopped")
    assert any("polku: stopping the embedded Redis and PostgreSQL" in x for x in lines)

"""`polku up`'s process supervisor: each service in its own process, its output prefixed
with its name; a process that exits unasked is started again after a back-off (1 s, doubling
to 30 s, short again once it has run for a minute) and the supervisor says so."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO


def restart_delay(restarts: int, *, first: float = 1.0, cap: float = 30.0) -> float:
    """How long to wait before the `restarts`-th restart in a row (1-based)."""
    return float(min(first * 2 ** (restarts - 1), cap))


@dataclass
class Child:
    """One supervised command and what the supervisor knows of it."""

    name: str
    argv: list[str]
    proc: subprocess.Popen[str] | None = None
    started_at: float = 0.0
    restarts: int = 0  # in a row, since it last ran long enough
    due: float | None = None  # when to start it again
    history: list[int] = field(default_factory=list)  # pids, oldest first


class Supervisor:
    """Starts, watches and stops child processes; restarts the ones that crash."""

    def __init__(
        self,
        commands: dict[str, list[str]],
        *,
        env: dict[str, str],
        first_delay: float = 1.0,
        max_delay: float = 30.0,
        healthy_after: float = 60.0,
        out: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.children = {name: Child(name, argv) for name, argv in commands.items()}
        self.env = env
        self.first_delay, self.max_delay, self.healthy_after = first_delay, max_delay, healthy_after
        self.out = out or sys.stdout
        self.clock = clock
        self._lock = threading.Lock()

    def say(self, message: str) -> None:
        """One line of the supervisor's own, as `polku: ...` on stderr-like output."""
        with self._lock:
            self.out.write(f"polku: {message}\n")
            self.out.flush()

    def start_all(self) -> None:
        """Start every child."""
        for child in self.children.values():
            self._start(child)

    def _start(self, child: Child) -> None:
        child.proc = subprocess.Popen(
            child.argv,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        child.started_at, child.due = self.clock(), None
        child.history.append(child.proc.pid)
        threading.Thread(target=self._prefix, args=(child.name, child.proc), daemon=True).start()

    def _prefix(self, name: str, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            with self._lock:
                self.out.write(f"{name:<9}| {line}")
                self.out.flush()

    def tend(self) -> None:
        """Notice children that exited and start the ones whose back-off is over."""
        now = self.clock()
        for child in self.children.values():
            if child.due is not None:
                if now >= child.due:
                    self.say(f"starting {child.name} again (restart {child.restarts})")
                    self._start(child)
                continue
            if child.proc is None or (code := child.proc.poll()) is None:
                continue
            if now - child.started_at >= self.healthy_after:
                child.restarts = 0  # it ran long enough: this crash starts a new series
            child.restarts += 1
            delay = restart_delay(child.restarts, first=self.first_delay, cap=self.max_delay)
            child.due = now + delay
            self.say(
                f"{child.name} exited with code {code}; restarting it in {delay:.0f}s"
                f" (restart {child.restarts} in a row)"
            )

    def run(self, stop: threading.Event, *, interval: float = 0.2) -> None:
        """Tend the children until `stop` is set."""
        while not stop.is_set():
            self.tend()
            stop.wait(interval)

    def stop_all(self, timeout: float = 30) -> None:
        """SIGTERM every running child, wait for them, SIGKILL what is left."""
        running = [c.proc for c in self.children.values() if c.proc and c.proc.poll() is None]
        for proc in running:
            proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in running:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)

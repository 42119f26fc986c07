"""Waiting for what another process, task or service does: poll a check until it answers
something truthy, or fail once a deadline has passed, saying what was awaited and the last
answer. The one polling loop of the tests (no fixed sleeps): `eventually` in async tests,
`wait_until` in plain ones."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable
from typing import Any

NOT_YET: tuple[type[BaseException], ...] = (Exception,)
"""What a check may raise meaning "not yet": a server restarting refuses the connection, a
service not caught up answers 404, a check's own `assert` fails. The last one is shown (and
chained) when the deadline passes, so a check that can never pass still fails the test."""


class Poll:
    """One poll's deadline and its last answer (the loop itself is in `eventually`/`wait_until`)."""

    def __init__(
        self,
        check: Callable[[], Any],
        what: str,
        within: float,
        ignoring: tuple[type[BaseException], ...],
    ) -> None:
        self.check, self.what, self.within, self.ignoring = check, what, within, ignoring
        self.deadline = time.monotonic() + within
        self.last: Any = None

    def open(self) -> bool:
        return time.monotonic() < self.deadline

    def timed_out(self) -> AssertionError:
        error = AssertionError(
            f"timed out after {self.within}s waiting for {self.what or self.check}: {self.last!r}"
        )
        if isinstance(self.last, BaseException):
            error.__cause__ = self.last
        return error


async def eventually(
    check: Callable[[], Any],
    what: str = "",
    *,
    within: float = 20.0,
    interval: float = 0.05,
    ignoring: tuple[type[BaseException], ...] = NOT_YET,
) -> Any:
    """Await `check()` (a coroutine function, or a plain function of state another task
    changes) every `interval` s without blocking the loop, until it answers something truthy,
    which is returned; an AssertionError after `within` s."""
    poll = Poll(check, what, within, ignoring)
    while True:
        try:
            answer = check()
            if inspect.isawaitable(answer):
                answer = await answer
            poll.last = answer
            if answer:
                return answer
        except ignoring as exc:
            poll.last = exc
        if not poll.open():
            raise poll.timed_out()
        await asyncio.sleep(interval)


def wait_until(
    predicate: Callable[[], Any],
    what: str = "",
    *,
    timeout: float = 30.0,
    interval: float = 0.05,
    ignoring: tuple[type[BaseException], ...] = NOT_YET,
) -> Any:
    """`eventually` for plain (non-async) tests: call `predicate()` every `interval` s until it
    answers something truthy, which is returned; an AssertionError after `timeout` s."""
    poll = Poll(predicate, what, timeout, ignoring)
    while True:
        try:
            answer = predicate()
            poll.last = answer
            if answer:
                return answer
        except ignoring as exc:
            poll.last = exc
        if not poll.open():
            raise poll.timed_out()
        time.sleep(interval)

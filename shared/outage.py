"""Bounded logging for a loop that meets a dependency that is down.

A loop retrying against a lost database must not write a line per retry (matching wrote
8,454 warnings in a 10-second outage): it writes one line when it loses the dependency,
one when it has it back, and a reminder every `reminder_s` in between.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from shared.db import is_infrastructure_error

DEFAULT_REMINDER_S = 30.0


class OutageLog:
    """One line on losing, one on regaining, a periodic reminder in between."""

    def __init__(
        self,
        log: logging.Logger,
        what: str,
        *,
        reminder_s: float = DEFAULT_REMINDER_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.log, self.what, self.reminder_s, self._clock = log, what, reminder_s, clock
        self._since: float | None = None
        self._next_reminder = 0.0
        self._failures = 0

    @property
    def down(self) -> bool:
        """True between a failure and the next success."""
        return self._since is not None

    def failed(self, exc: BaseException, *, outage: bool | None = None) -> None:
        """Note one failed try; logs only the first of a run and a reminder now and then.

        The first is a warning when `exc` is (or `outage` says it is) the database being
        unreachable, else an error with its traceback: a bug retried in a loop."""
        now = self._clock()
        self._failures += 1
        if self._since is None:
            self._since, self._next_reminder, self._failures = now, now + self.reminder_s, 1
            expected = is_infrastructure_error(exc) if outage is None else outage
            self.log.log(
                logging.WARNING if expected else logging.ERROR,
                "%s unavailable (%r); retrying, reminder every %.0fs",
                self.what,
                exc,
                self.reminder_s,
                exc_info=None if expected else exc,
            )
        elif now >= self._next_reminder:
            self._next_reminder = now + self.reminder_s
            self.log.warning(
                "%s still unavailable after %.0fs (%d tries; last: %r)",
                self.what,
                now - self._since,
                self._failures,
                exc,
            )

    def recovered(self) -> None:
        """Note a success; logs once if the dependency had been lost."""
        if self._since is None:
            return
        self.log.info(
            "%s available again after %.1fs (%d tries)",
            self.what,
            self._clock() - self._since,
            self._failures,
        )
        self._since, self._failures = None, 0


class Backoff:
    """Delays that double from `first` up to `cap`, back to `first` after a success."""

    def __init__(self, first: float = 0.2, cap: float = 5.0) -> None:
        self.first, self.cap, self._next = first, cap, first

    def next(self) -> float:
        """The delay before the next try."""
        delay, self._next = self._next, min(self._next * 2, self.cap)
        return delay

    def reset(self) -> None:
        """Back to the first delay."""
        self._next = self.first

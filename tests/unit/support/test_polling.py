"""The tests' one polling loop: the first truthy answer, or a failure naming what was awaited."""

from __future__ import annotations

import time

import pytest

from tests.support.polling import eventually, wait_until


class Countdown:
    """Answers nothing (or raises) `misses` times, then `answer`."""

    def __init__(self, misses: int, answer: object, error: Exception | None = None) -> None:
        self.misses, self.answer, self.error, self.calls = misses, answer, error, 0

    def __call__(self) -> object:
        self.calls += 1
        if self.calls <= self.misses:
            if self.error is not None:
                raise self.error
            return None
        return self.answer

    async def check(self) -> object:
        return self()


async def test_eventually_returns_the_first_truthy_answer_of_an_async_or_a_plain_check() -> None:
    awaited = Countdown(3, {"id": 1})
    assert await eventually(awaited.check, within=5, interval=0.001) == {"id": 1}
    assert awaited.calls == 4
    plain = Countdown(2, [7])
    assert await eventually(plain, within=5, interval=0.001) == [7]
    assert plain.calls == 3


async def test_eventually_fails_after_its_deadline_naming_what_and_the_last_answer() -> None:
    never = Countdown(10**9, None)
    started = time.monotonic()
    with pytest.raises(AssertionError, match=r"after 0.2s waiting for the case plan: \[\]"):
        await eventually(lambda: [], "the case plan", within=0.2, interval=0.01)
    assert 0.2 <= time.monotonic() - started < 2
    with pytest.raises(AssertionError, match="waiting for"):
        await eventually(never.check, within=0.05, interval=0.01)
    assert never.calls >= 2  # polled, not asked once


async def test_an_error_meaning_not_yet_is_retried_and_shown_when_time_runs_out() -> None:
    refusing = Countdown(2, "up", ConnectionRefusedError("starting"))
    assert await eventually(refusing.check, within=5, interval=0.001) == "up"
    with pytest.raises(AssertionError, match="ConnectionRefusedError") as failed:
        await eventually(Countdown(10**9, 1, ConnectionRefusedError("down")).check, within=0.05)
    assert isinstance(failed.value.__cause__, ConnectionRefusedError)


async def test_an_error_not_ignored_fails_at_once() -> None:
    broken = Countdown(10**9, 1, KeyError("bug"))
    with pytest.raises(KeyError):
        await eventually(broken.check, within=30, ignoring=(ConnectionError,))
    assert broken.calls == 1


def test_wait_until_is_the_same_loop_for_plain_tests() -> None:
    assert wait_until(Countdown(3, 42), timeout=5, interval=0.001) == 42
    assert wait_until(Countdown(1, 5, OSError("refused")), timeout=5, interval=0.001) == 5
    with pytest.raises(AssertionError, match=r"after 0.05s waiting for nothing: 0"):
        wait_until(lambda: 0, "nothing", timeout=0.05, interval=0.01)
    with pytest.raises(ValueError):
        wait_until(Countdown(10**9, 1, ValueError("bug")), timeout=30, ignoring=(OSError,))

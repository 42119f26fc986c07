"""After its replay the demo region lives on at a slow, steady pace: a new participant each
live day, marked ready two days later, leaving after a month; employers keep answering."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Callable

from demo.flow import ParticipantFlow
from demo.ledger import RegionLedger
from demo.people import Participant, iter_participants
from demo.year import Action, journey

READY_AFTER_DAYS = 2
STAY_DAYS = 30
"""Live days from arrival to exit: about this many live cases are open at any time."""


async def until(moment: float, halt: threading.Event) -> bool:
    """Wait until the loop's clock reaches `moment`; False (at once) when halted. `halt` is
    a threading.Event: `polku demo` with services sets it from another thread."""
    loop = asyncio.get_running_loop()
    while not halt.is_set() and loop.time() < moment:  # noqa: ASYNC110
        await asyncio.sleep(min(0.1, moment - loop.time()))
    return not halt.is_set()


class LivingRegion:
    """Plays live days of `every` seconds until halted or `live_for` seconds have passed."""

    def __init__(
        self,
        flow: ParticipantFlow,
        ledger: RegionLedger,
        *,
        seed: int,
        count: int,
        every: float,
        halt: threading.Event,
    ) -> None:
        self.flow = flow
        self.ledger = ledger
        self.seed = seed
        self.count = count
        self.every = every
        self.halt = halt
        self.arrived: list[int] = []

    async def run(
        self, live_for: float | None, spawn: Callable[[Action, Participant | None], None]
    ) -> None:
        """Send each live day's intake, readiness and exit through `spawn`."""
        loop = asyncio.get_running_loop()
        end = loop.time() + live_for if live_for is not None else float("inf")
        first = max(self.ledger.next_live_index, self.count)  # never an earlier run's person
        people = itertools.islice(iter_participants(self.seed, 2**31), first, None)
        day, next_day = 0, loop.time()
        while await until(min(next_day, end), self.halt) and loop.time() < end:
            for action, person in self.day(day, next(people)):
                spawn(action, person)
            day, next_day = day + 1, next_day + self.every

    def day(self, day: int, person: Participant) -> list[tuple[Action, Participant | None]]:
        """One live day: `person` arrives, an earlier arrival is ready, an older one leaves."""
        self.arrived.append(person.index)
        self.ledger.next_live_index = person.index + 1
        self.flow.report.count("live_days")
        actions: list[tuple[Action, Participant | None]] = [
            (Action(day, person.index, 0, "register", live=True), person)
        ]
        if len(self.arrived) > READY_AFTER_DAYS:
            index = self.arrived[-1 - READY_AFTER_DAYS]
            kinds = list(journey(self.seed, index, self.count).opening_kinds)
            actions.append(
                (Action(day, index, 1, "ready", {"opening_kinds": kinds}, live=True), None)
            )
        if len(self.arrived) > STAY_DAYS:
            index = self.arrived[-1 - STAY_DAYS]
            outcome = journey(self.seed, index, self.count).exit_outcome
            actions.append((Action(day, index, 5, "exit", {"outcome": outcome}, live=True), None))
        return actions

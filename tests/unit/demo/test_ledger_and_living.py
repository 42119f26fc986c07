"""The demo's region ledger (what a second run finds again) and its live days."""

from __future__ import annotations

import argparse
import json
import threading
from pathlib import Path

from demo.cli import resolve_defaults
from demo.ledger import RegionLedger, load_ledger, region_key, save_ledger
from demo.living import READY_AFTER_DAYS, STAY_DAYS, LivingRegion, until
from demo.people import iter_participants
from polku.cli import build_parser


def test_a_saved_ledger_is_found_again_for_its_region_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / "demo-region.json"
    ledger = RegionLedger(organisations={"employer:a": "o-1"}, openings={"employer:a:0": "x"})
    ledger.participants["3"] = "p-3"
    ledger.next_live_index = 250
    save_ledger(path, 7, 200, ledger)
    save_ledger(path, 8, 200, RegionLedger(organisations={"employer:b": "o-2"}))

    assert load_ledger(path, 7, 200) == ledger
    assert load_ledger(path, 8, 200).organisations == {"employer:b": "o-2"}
    assert load_ledger(path, 7, 100) == RegionLedger()  # another region: nothing known
    assert set(json.loads(path.read_text())) == {region_key(7, 200), region_key(8, 200)}


def test_no_ledger_or_a_broken_one_is_an_empty_ledger(tmp_path: Path) -> None:
    assert load_ledger(None, 7, 200) == RegionLedger()
    assert load_ledger(tmp_path / "missing.json", 7, 200) == RegionLedger()
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert load_ledger(broken, 7, 200) == RegionLedger()
    save_ledger(None, 7, 200, RegionLedger())  # no path: nothing written, no error


def test_forgetting_people_keeps_the_region() -> None:
    ledger = RegionLedger(organisations={"k": "o"}, participants={"1": "p"}, next_live_index=9)
    ledger.forget_people()
    assert ledger.organisations == {"k": "o"}
    assert ledger.participants == {} and ledger.next_live_index == 0


class _Report:
    def __init__(self) -> None:
        self.sent: dict[str, int] = {}

    def count(self, step: str, n: int = 1) -> None:
        self.sent[step] = self.sent.get(step, 0) + n


class _Flow:
    report = _Report()


def _living(ledger: RegionLedger) -> LivingRegion:
    flow = _Flow()
    return LivingRegion(flow, ledger, seed=7, count=10, every=0.0, halt=threading.Event())  # type: ignore[arg-type]


def test_each_live_day_brings_one_arrival_then_readiness_then_an_exit() -> None:
    ledger = RegionLedger()
    living = _living(ledger)
    people = list(iter_participants(7, 10 + STAY_DAYS + 1))[10:]
    days = [living.day(d, p) for d, p in enumerate(people)]

    assert [a.kind for a, _ in days[0]] == ["register"]
    ready_day = days[READY_AFTER_DAYS]
    assert [a.kind for a, _ in ready_day] == ["register", "ready"]
    assert ready_day[1][0].index == people[0].index and ready_day[1][0].data["opening_kinds"]
    leaving_day = days[STAY_DAYS]
    assert [a.kind for a, _ in leaving_day] == ["register", "ready", "exit"]
    assert leaving_day[2][0].index == people[0].index
    assert ledger.next_live_index == people[-1].index + 1


async def test_waiting_for_a_live_day_ends_at_once_when_halted() -> None:
    halt = threading.Event()
    halt.set()
    assert await until(float("inf"), halt) is False
    assert await until(0.0, threading.Event()) is True


async def test_the_living_phase_starts_after_everyone_an_earlier_run_registered() -> None:
    ledger = RegionLedger(next_live_index=14)
    living = _living(ledger)
    registered: list[int] = []
    await living.run(
        live_for=0.05,
        spawn=lambda action, person: registered.append(action.index) if person else None,
    )
    assert registered and registered[0] == 14 and registered == sorted(set(registered))


def _demo_args(*argv: str) -> argparse.Namespace:
    parser, _ = build_parser()
    args = parser.parse_args(["demo", *argv])
    resolve_defaults(args)
    return args


def test_the_demo_lives_on_and_remembers_its_region_when_it_starts_the_services() -> None:
    started = _demo_args("--data-dir", "d")
    assert started.live and started.region_file == Path("d") / "demo-region.json"
    elsewhere = _demo_args("--no-services")
    assert not elsewhere.live and elsewhere.region_file is None
    assert not _demo_args("--exit").live
    assert _demo_args("--no-services", "--live-for", "5").live
    assert not _demo_args("--no-live").live

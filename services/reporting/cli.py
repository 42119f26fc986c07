"""`polku reporting rebuild`: truncate the read model and replay it from the event log."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from typing import TextIO

from shared.db import create_pool
from shared.settings import Settings


def progress_bar(stream: TextIO = sys.stderr, width: int = 40) -> Callable[[int, int], None]:
    """A callback drawing `[####....]  n/total` on one line of `stream`."""

    def draw(done: int, total: int) -> None:
        filled = width if total == 0 else int(width * done / total)
        end = "\n" if done >= total else ""
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} events{end}")
        stream.flush()

    return draw


async def run_rebuild(database_url: str, *, chunk: int = 1000) -> int:
    """Rebuild reporting's read model in its schema; returns the events replayed."""
    from services.reporting.projection import rebuild
    from services.reporting.settings import ReportingSettings

    pool = await create_pool(database_url, schema="reporting")
    try:
        return await rebuild(
            pool, chunk=chunk, progress=progress_bar(), settings=ReportingSettings()
        )
    finally:
        await pool.close()


def cmd_reporting(args: argparse.Namespace) -> int:
    """Run a reporting sub-command."""
    if args.reporting_command != "rebuild":
        print("polku reporting: say `rebuild`", file=sys.stderr)
        return 2
    replayed = asyncio.run(run_rebuild(Settings().database_url, chunk=args.chunk))
    print(f"reporting read model rebuilt from {replayed} events")
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> dict[str, Callable[..., int]]:  # type: ignore[type-arg]
    """Add `polku reporting rebuild`."""
    p = subparsers.add_parser("reporting", help="rebuild reporting's read model from the event log")
    p.add_argument("reporting_command", choices=["rebuild"], help="rebuild from the event log")
    p.add_argument("--chunk", type=int, default=1000, help="events replayed per batch")
    return {"reporting": cmd_reporting}

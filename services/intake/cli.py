"""`polku import FILE --municipality CODE`: register a spreadsheet of intakes from the shell."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from services.intake import batch
from services.intake.errors import IntakeError
from services.intake.service import PERSONAL_FIELDS, vault_of
from shared import audit
from shared.db import create_pool
from shared.settings import Settings, settings_at_start

HELP = """Register every valid row of a CSV, .xlsx (first sheet) or JSON-lines file for one municipality.

Runs the intake service's own batch use case directly against the database named by
POLKU_DATABASE_URL (with the same POLKU_ID_HASH_SECRET and POLKU_ENCRYPTION_KEY as the
service): valid rows are registered in one transaction, so nothing is half-written, and
their events go to intake's outbox, which the running intake service's relay publishes.
Prints a progress bar on stderr and the per-row results (created / updated / rejected with
reasons) as JSON on stdout. With --history a past project's rows may carry their own
`registered_on` (from 2000-01-01 to today), audited as imported. Exit code 0 when every row was registered, 1 when some were
rejected, 2 when the file could not be read at all."""


class ProgressBar:
    """A one-line progress bar on a terminal stream."""

    def __init__(self, total: int, *, out: TextIO, width: int = 40) -> None:
        self.total, self.done, self.out, self.width = max(total, 1), 0, out, width

    def advance(self, rows: int) -> None:
        """Count some more rows done and redraw."""
        self.done = min(self.total, self.done + rows)
        filled = self.width * self.done // self.total
        bar = "#" * filled + "." * (self.width - filled)
        self.out.write(f"\rimporting [{bar}] {self.done}/{self.total} rows")
        if self.done == self.total:
            self.out.write("\n")
        self.out.flush()


def add_commands(subparsers: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add `polku import`."""
    p = subparsers.add_parser(
        "import",
        help="register intakes from a CSV or JSON-lines file",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, help="a .csv or .xlsx (header row) or a .jsonl file")
    p.add_argument("--municipality", required=True, help="the registering municipality")
    p.add_argument("--format", choices=["csv", "xlsx", "jsonl"], help="default: from the file name")
    p.add_argument(
        "--history", action="store_true",
        help="a history import: rows may carry their own past registered_on",
    )  # fmt: skip
    return {"import": cmd_import}


def cmd_import(args: argparse.Namespace) -> int:
    """Run the import; see HELP."""
    try:
        data = args.file.read_bytes()
        kind = args.format or batch.detect_format(args.file.name, None)
        rows = batch.parse(data, kind=kind, municipality=args.municipality)
    except (OSError, IntakeError) as exc:
        print(f"polku import: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 2
    result = asyncio.run(
        _register(rows, settings_at_start(), sheet=kind != "jsonl", history=args.history)
    ).body
    print(json.dumps(result))
    print(json.dumps({k: result[k] for k in ("created", "updated", "rejected")}), file=sys.stderr)
    return 1 if result["rejected"] else 0


async def _register(
    rows: list[batch.ParsedRow], settings: Settings, *, sheet: bool, history: bool = False
) -> batch.BatchResult:
    bar = ProgressBar(len(rows), out=sys.stderr)
    pool = await create_pool(settings.database_url, schema="intake", min_size=1, max_size=2)
    try:
        out = await batch.register_rows(
            pool,
            rows,
            vault=vault_of(settings),
            progress=bar.advance,
            sheet=sheet,
            importer=history,
        )
        async with pool.acquire() as conn:
            await audit.record(
                conn, None, "participant.batch", out.imported_ids, PERSONAL_FIELDS, imported=True
            )
        return out
    finally:
        await pool.close()

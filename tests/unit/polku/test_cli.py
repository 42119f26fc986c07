"""The `polku` command for a newcomer: help names every command, `--version`, tables, and
bad input or a server that is down is one line on stderr and a non-zero exit, never a
traceback (no servers needed: the servers asked for here are ports nobody listens on)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import asyncpg
import pytest
import redis.exceptions as redis_errors

from polku.cli import build_parser
from polku.cli_errors import explain, is_stream_id
from polku.tables import cell, format_table
from tests.support import free_port

ROOT = Path(__file__).resolve().parents[3]


def polku(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m polku.cli ARGS` in development mode with `env` on top."""
    full = {**os.environ, "POLKU_ENV": "development", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "polku.cli", *args],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


def commands() -> dict[str, str]:
    """Every registered sub-command and its help line, as the parser holds them."""
    parser, _ = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {a.dest: a.help or "" for a in sub._choices_actions}


def test_help_lists_every_command_with_a_description() -> None:
    done = polku("--help")
    assert done.returncode == 0, done.stderr
    found = commands()
    assert {"up", "run", "migrate", "dlq", "status", "keys", "import", "reporting"} <= set(found)
    _, handlers = build_parser()
    assert set(found) == set(handlers)  # every command listed can be run
    listed = [line.split(maxsplit=1) for line in done.stdout.splitlines()]
    described = {words[0]: words[1] for words in listed if len(words) == 2}
    for name, text in found.items():
        assert text.strip(), f"{name} has no description"
        assert name in described, f"{name} missing from --help"


def test_version_is_the_installed_package_version() -> None:
    done = polku("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"polku {version('polku')}"


def test_a_table_aligns_its_columns_and_shows_nothing_as_a_dash() -> None:
    rows: list[dict[str, str | None]] = [
        {"id": "1-0", "reason": "malformed"},
        {"id": "1733221234567-12", "reason": None},
    ]
    lines = format_table(rows, ("id", "reason")).splitlines()
    assert lines == [
        "id                reason",
        "1-0               malformed",
        "1733221234567-12  -",
    ]


def test_a_cell_is_one_line_and_at_most_its_width() -> None:
    assert cell("two\nlines") == "two lines"
    assert cell("x" * 50, width=10) == "x" * 9 + "…"
    assert cell("") == "-"


@pytest.mark.parametrize(
    ("text", "valid"),
    [("1733221234567-0", True), ("1-1", True), ("nonexistent-id", False), ("17", False),
     ("1-1-1", False), ("", False)],
)  # fmt: skip
def test_a_dead_letter_id_is_a_full_stream_id(text: str, valid: bool) -> None:
    assert is_stream_id(text) is valid


def test_errors_a_user_can_fix_are_explained_and_bugs_are_not() -> None:
    assert "Redis" in (explain(redis_errors.ConnectionError("refused")) or "")
    assert "PostgreSQL" in (explain(ConnectionRefusedError(111, "refused")) or "")
    assert "polku migrate" in (explain(asyncpg.UndefinedTableError("no api_key")) or "")
    assert explain(KeyError("stream")) is None
    assert explain(ZeroDivisionError()) is None


def down() -> dict[str, str]:
    """Settings naming a Redis and a PostgreSQL that are not there."""
    return {
        "POLKU_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        "POLKU_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/test",
    }


SOME_KEY = "00000000-0000-0000-0000-000000000001"


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["dlq", "list"], 1, "cannot reach Redis"),
        (["dlq", "replay", "1-1"], 1, "cannot reach Redis"),
        (["dlq", "replay", "nonexistent-id"], 2, "not an entry ID"),
        (["dlq", "replay"], 2, "needs an entry ID"),
        (["dlq", "list", "--limit", "-5"], 2, "at least 1"),
        (["status"], 1, "cannot reach Redis"),
        (["keys", "list"], 1, "cannot reach PostgreSQL"),
        (["keys", "revoke", SOME_KEY], 1, "cannot reach PostgreSQL"),
        (["keys", "revoke", "not-a-uuid"], 2, "invalid UUID"),
        (["keys", "create", "--org", SOME_KEY, "--role", "admin"], 1, "cannot reach PostgreSQL"),
        (["keys", "create", "--org", "x", "--role", "admin"], 2, "invalid UUID"),
        (["migrate"], 1, "cannot reach PostgreSQL"),
        (["migrate", "bogus"], 2, "unknown service"),
        (["run", "intake", "--migrate"], 1, "cannot reach PostgreSQL"),
        (["nonsense"], 2, "invalid choice"),
    ],
)
def test_bad_input_or_a_server_down_is_one_line_and_no_traceback(
    args: list[str], code: int, says: str
) -> None:
    done = polku(*args, env=down())
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if not line.startswith(("usage:", " "))]
    assert len(errors) == 1, done.stderr
    assert says in errors[0] and errors[0].startswith("polku")

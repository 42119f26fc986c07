"""`polku dlq list` and `polku keys list` against real servers: aligned tables by default,
JSON with `--json`, never the personal data of a dead letter nor a key's text; an unknown
entry, a key that is not there and an unmigrated database are one line, not a traceback."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from uuid import uuid4

import redis.asyncio as aioredis

from shared.dead_letters import Failure, record_of
from shared.events import streams
from shared.sealing import Sealer
from shared.settings import Settings
from tests.support.keys import create_api_key_sync

ROOT = Path(__file__).resolve().parents[3]
NATIONAL_ID = "131052-308T"


def polku(database_url: str, redis_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m polku.cli ARGS` against these servers."""
    env = {**os.environ, "POLKU_DATABASE_URL": database_url, "POLKU_REDIS_URL": redis_url}
    return subprocess.run(
        [sys.executable, "-m", "polku.cli", *args],
        cwd=ROOT,
        env={**env, "POLKU_ENV": "development"},
        capture_output=True,
        text=True,
        timeout=60,
    )


async def dead_letter_about_someone(s: Settings) -> str:
    """A dead letter whose original carries a national id; returns its entry id."""
    failure = Failure(streams.INTAKE, b"1-0", "caseplan", "malformed", "not json", 1)
    fields = {b"__data__": json.dumps({"national_id": NATIONAL_ID}).encode()}
    record = record_of(failure, fields, None, sealer=Sealer(s.encryption_key))
    client = aioredis.from_url(s.redis_url)
    try:
        entry = await client.xadd(streams.DEAD_LETTER, record)  # type: ignore[arg-type]
        return entry.decode() if isinstance(entry, bytes) else entry
    finally:
        await client.aclose()


def test_dlq_list_is_a_table_and_json_with_the_personal_data_sealed(settings: Settings) -> None:
    entry = asyncio.run(dead_letter_about_someone(settings))
    table = polku(settings.database_url, settings.redis_url, "dlq", "list")
    assert table.returncode == 0, table.stderr
    header, row = table.stdout.splitlines()
    assert header.split() == [
        "id", "stream", "consumer", "event_type", "reason", "attempts", "dead_lettered_at"
    ]  # fmt: skip
    assert row.split()[:5] == [entry, streams.INTAKE, "caseplan", "-", "malformed"]
    assert row.index("malformed") == header.index("reason")  # aligned
    as_json = polku(settings.database_url, settings.redis_url, "dlq", "list", "--json")
    [listed] = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert listed["id"] == entry and listed["personal_data"] == "sealed"
    assert "sealed" not in listed
    assert NATIONAL_ID not in table.stdout + as_json.stdout


def test_dlq_replay_of_an_unknown_entry_is_one_line(settings: Settings) -> None:
    done = polku(settings.database_url, settings.redis_url, "dlq", "replay", "1-1")
    assert done.returncode == 1
    assert done.stderr.strip() == "no dead-letter entry 1-1"


def test_keys_list_is_a_table_and_json_without_the_key_text(settings: Settings) -> None:
    key = create_api_key_sync(settings.database_url)
    table = polku(settings.database_url, settings.redis_url, "keys", "list")
    assert table.returncode == 0, table.stderr
    header, *rows = table.stdout.splitlines()
    assert header.split()[:3] == ["key_id", "role", "municipality"]
    assert len(rows) == 1 and rows[0].split()[1:3] == ["admin", "-"]
    as_json = polku(settings.database_url, settings.redis_url, "keys", "list", "--json")
    [listed] = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert listed["key_id"] == rows[0].split()[0] and listed["role"] == "admin"
    assert key not in table.stdout + as_json.stdout


def test_keys_revoke_of_an_unknown_key_is_one_line(settings: Settings) -> None:
    unknown = str(uuid4())
    done = polku(settings.database_url, settings.redis_url, "keys", "revoke", unknown)
    assert done.returncode == 1
    assert done.stderr.strip() == f"polku keys revoke: no key {unknown}"


def test_an_unmigrated_database_asks_for_polku_migrate(database_url: str, redis_url: str) -> None:
    for args in (["keys", "list"], ["reporting", "rebuild"]):
        done = polku(database_url, redis_url, *args)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.strip().endswith("run `polku migrate`"), done.stderr

"""schemathesis, every check, against each service's OpenAPI document on a real process with
an admin key: examples, coverage, fuzzing and stateful phases find nothing (no 5xx, no
undocumented status or content type, no answer off its schema, no schema-valid request
refused or invalid one accepted, `Allow` right, ...). Bounded: a few examples per operation,
a fixed seed. The exceptions a JSON Schema cannot state are in schemathesis.toml, the value
makers for custom formats and the client-side ordering in schemathesis_hooks.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared.settings import SERVICES
from tests.support import Stack, create_api_key_sync

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EXAMPLES = 12
SEED = "20261203"


def schemathesis_run(url: str, key: str) -> subprocess.CompletedProcess[str]:
    """`schemathesis run` with every check, this folder's config and hooks."""
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)]),
    }
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "--config-file", str(HERE / "schemathesis.toml")),
        *("run", f"{url}/openapi.json", "--checks", "all", "--no-color"),
        *("-H", f"Authorization: Bearer {key}", "--max-examples", str(EXAMPLES)),
        *("--seed", SEED, "--workers", "1", "--request-timeout", "10"),
    ]  # fmt: skip
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, cwd=HERE)


@pytest.mark.parametrize("service", SERVICES)
def test_schemathesis_with_every_check_finds_nothing(
    service: str, stack_factory: type[Stack], migrated_database_url: str
) -> None:
    stack = stack_factory().start(service)  # type: ignore[call-arg]
    key = create_api_key_sync(migrated_database_url)
    run = schemathesis_run(stack[service].url, key)
    report = run.stdout[-20000:] + run.stderr[-3000:]
    assert "Test cases:" in run.stdout, report  # it ran, rather than failing to start
    assert run.returncode == 0, report

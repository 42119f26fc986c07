"""Helpers for the deployment tests: file locations, PromQL names, scrapes, intakes."""

from __future__ import annotations

import asyncio
import importlib.util
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from shared.migrate import migrate
from shared.settings import SERVICES
from tests.support import RedisServer, ServiceProcess, Stack, create_database, drop_database

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PROMETHEUS_BUILTINS = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
_PROMQL_WORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
    "and", "or", "unless", "inf", "nan",
}  # fmt: skip
_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "summary": ("_count", "_sum", "_created"),
    "gauge": ("",),
}


def load_script(path: Path) -> ModuleType:
    """Import a script of deploy/ under a unique name, without touching sys.path."""
    spec = importlib.util.spec_from_file_location(f"polku_deploy_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (not functions, labels or keywords)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    names = set()
    for match in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", text):
        rest = text[match.end() :].lstrip()
        word = match.group(0)
        if rest.startswith("(") or word.lower() in _PROMQL_WORDS:
            continue
        names.add(word)
    return names


def exported_names(metrics_text: str) -> set[str]:
    """Every series name a /metrics page can show, including families with no samples yet."""
    names: set[str] = set()
    for family in text_string_to_metric_families(metrics_text):
        names.update(f"{family.name}{suffix}" for suffix in _SUFFIXES.get(family.type, ("",)))
        names.update(sample.name for sample in family.samples)
    return names


def scrape(url: str) -> str:
    """The /metrics page of one running service."""
    response = httpx.get(f"{url}/metrics", timeout=5)
    response.raise_for_status()
    return response.text


def intake_bodies(count: int, seed: int = 11) -> list[dict[str, Any]]:
    """Valid `POST /v1/intakes` bodies of distinct people, as the demo builds them."""
    from demo.bodies import intake_body
    from demo.people import iter_participants

    return [intake_body(p) for p in iter_participants(seed, count)]


def admin_headers(database_url: str) -> dict[str, str]:
    """Authorization for the services' APIs: an admin API key made in the database."""
    try:
        from tests.support.keys import bearer, create_api_key_sync
    except ModuleNotFoundError:  # a checkout from before API keys: the APIs are open
        return {}
    return bearer(create_api_key_sync(database_url))


def post_intakes(
    intake_url: str, count: int, seed: int = 11, headers: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Register `count` new participants over HTTP; returns intake's answers."""
    answers = []
    for body in intake_bodies(count, seed):
        response = httpx.post(
            f"{intake_url}/v1/intakes", json=body, headers=headers or {}, timeout=10
        )
        assert response.status_code == 201, response.text
        answers.append(response.json())
    return answers


@dataclass
class LiveStack:
    """The four services as real processes, with the database and Redis they use."""

    stack: Stack
    database_url: str
    redis_url: str
    headers: dict[str, str]

    def post_intakes(self, count: int, seed: int) -> list[dict[str, Any]]:
        """Register `count` new participants through intake's API."""
        return post_intakes(self.stack["intake"].url, count, seed, self.headers)

    def __getitem__(self, service: str) -> ServiceProcess:
        return self.stack[service]


def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    """One stack shared by the tests of a module (starting one takes seconds): each test
    measures before and after its own intakes, so order does not matter."""
    dsn = asyncio.run(create_database())
    redis = RedisServer().start()
    stack: Stack | None = None
    try:
        asyncio.run(migrate(dsn, SERVICES))
        stack = Stack(dsn, redis.url, tmp_path_factory.mktemp("stack")).start()
        yield LiveStack(stack, dsn, redis.url, admin_headers(dsn))
    finally:
        if stack is not None:
            stack.stop()
        redis.stop()
        asyncio.run(drop_database(dsn))

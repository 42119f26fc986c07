"""SQL lives in each service's repository module or package: a statement in a string literal
anywhere else under services/ fails here (docstrings aside). shared/ plumbing keeps its own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SQL = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|TRUNCATE|LOCK|COPY|CREATE|ALTER|DROP)\s"
    r"|^\s*SET\s+(LOCAL|SESSION)\s"
)
"""A statement's first word; SQL in Polku is written in capitals, prose is not."""


def is_repository(path: Path) -> bool:
    """`repository.py`, or any module of a `repository/` package (or a migration)."""
    parts = path.relative_to(ROOT / "services").parts
    return path.stem == "repository" or "repository" in parts[:-1] or "migrations" in parts


def docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes of a module, its classes and functions."""
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            if isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                found.add(id(body[0].value))
    return found


def statements(source: str) -> list[tuple[int, str]]:
    """(line, first words) of every string literal that starts like an SQL statement."""
    tree = ast.parse(source)
    skip = docstrings(tree)
    return [
        (node.lineno, node.value.strip()[:50])
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and SQL.match(node.value)
    ]


MODULES = sorted(
    p for p in (ROOT / "services").rglob("*.py") if not is_repository(p) and ".venv" not in p.parts
)


def test_the_scan_sees_the_services_and_leaves_out_only_repositories() -> None:
    names = {str(p.relative_to(ROOT)) for p in MODULES}
    assert {"services/matching/api.py", "services/caseplan/retention.py"} <= names
    assert not any("repository" in n or "migrations" in n for n in names)


def test_the_scan_finds_statements_but_not_prose() -> None:
    source = (
        '"""Update the plans (a docstring)."""\n'
        'A = "SELECT x FROM t WHERE y = $1"\n'
        'B = ("UPDATE t SET x = 1" " WHERE y = 2")\n'
        'C = f"  WITH t AS (SELECT 1) SELECT * FROM t {A}"\n'
        'D = "SET LOCAL jit = off"\n'
        'E = "Select a municipality"\n'
        "def f():\n"
        '    """Delete everything (a docstring)."""\n'
        '    return "DELETE FROM t"\n'
    )
    assert sorted(line for line, _ in statements(source)) == [2, 3, 4, 5, 9]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_sql_outside_repositories(path: Path) -> None:
    found = statements(path.read_text(encoding="utf-8"))
    assert not found, f"SQL outside a repository module in {path.relative_to(ROOT)}: {found}"

"""The layers: shared/ is the backbone and names no service, the demo, the CLI or the tests;
a service imports shared/ and itself, never another service (they talk through events and
HTTP), the demo, the `polku` command or the tests."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists())
ABOVE_THE_BACKBONE = {"services", "demo", "polku", "tests", "bench"}


def module_of(path: Path) -> str:
    """`shared/messaging/entries.py` -> `shared.messaging.entries` (a package: its name)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every module `source` imports, anywhere in it (in functions too), relative imports
    made absolute against `module`."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def imports_of(path: Path) -> set[str]:
    source = path.read_text(encoding="utf-8")
    return imported_modules(source, module_of(path), is_package=path.name == "__init__.py")


def python_files(folder: str) -> list[Path]:
    files = sorted((ROOT / folder).rglob("*.py"))
    assert files, f"no Python files under {folder}/"
    return files


def test_the_scanner_sees_plain_nested_and_relative_imports() -> None:
    source = (
        "import os, services.intake.cli as c\n"
        "from demo.bodies import intake_body\n"
        "def f():\n"
        "    from polku import cli\n"
        "from . import outbox\n"
        "from ..tests import support\n"
    )
    found = imported_modules(source, "shared.messaging.entries")
    assert {"os", "services.intake.cli", "demo.bodies", "polku", "polku.cli"} <= found
    assert "shared.messaging.outbox" in found
    assert "shared.tests.support" in found  # still inside shared: `..` from shared.messaging
    assert "shared.x" in imported_modules("from . import x", "shared", is_package=True)


def test_shared_imports_no_service_demo_cli_or_tests() -> None:
    offending = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in python_files("shared")
        for name in imports_of(path)
        if name.split(".")[0] in ABOVE_THE_BACKBONE
    }
    assert not offending, sorted(offending)


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_imports_no_other_service_nor_the_demo_cli_or_tests(service: str) -> None:
    assert len(SERVICES) >= 5, SERVICES  # intake, caseplan, matching, reporting, web
    offending = set()
    for path in python_files(f"services/{service}"):
        for name in imports_of(path):
            top, *rest = name.split(".")
            other_service = top == "services" and rest and rest[0] != service
            if other_service or top in ABOVE_THE_BACKBONE - {"services"}:
                offending.add(f"{path.relative_to(ROOT)}: {name}")
    assert not offending, sorted(offending)


def test_the_wheel_ships_every_folder_of_python_code() -> None:
    """A folder without `__init__.py` imports from a checkout (a namespace package) but
    setuptools' find leaves it out of the wheel, and so out of the image."""
    from setuptools import find_packages

    include = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    shipped = set(find_packages(str(ROOT), include=include["packages"]["find"]["include"]))
    tops = {pattern.rstrip("*") for pattern in include["packages"]["find"]["include"]}
    assert tops == {"shared", "services", "polku", "demo"}
    folders = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for top in tops
        for path in (ROOT / top).rglob("*.py")
    }
    assert folders - shipped == set()

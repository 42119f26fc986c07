"""Contract test: every registered event type's JSON schema may only change additively.

The snapshot is `event_schemas.json`. After an additive change (a new optional field, a new
event type, a new vocabulary value) regenerate it with
`POLKU_UPDATE_EVENT_SCHEMAS=1 .venv/bin/pytest tests/unit/shared/test_event_contracts.py`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from shared.events import EVENT_TYPES

SNAPSHOT = Path(__file__).with_name("event_schemas.json")
_NOT_SHAPE = {"title", "description", "default", "examples"}


def current_schemas() -> dict[str, Any]:
    """`type@version` → JSON schema of its payload, for the event types in shared.events."""
    return {
        f"{t}@{v}": model.model_json_schema()
        for (t, v), model in sorted(EVENT_TYPES.items())
        if model.__module__.startswith("shared.events.")
    }


def breaking_changes(old: Any, new: Any, where: str) -> list[str]:
    """Why `new` cannot read what was valid under `old` (empty when only additive)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return [] if old == new else [f"{where}: {old!r} became {new!r}"]
    problems: list[str] = []
    for key, old_value in old.items():
        if key in _NOT_SHAPE:
            continue
        if key not in new:
            problems.append(f"{where}: lost {key!r}")
        elif key == "required":
            added = set(new[key]) - set(old_value)
            problems += [f"{where}: field {f!r} became required" for f in sorted(added)]
        elif key == "enum":
            removed = set(map(str, old_value)) - set(map(str, new[key]))
            problems += [f"{where}: value {v!r} removed" for v in sorted(removed)]
        elif key in ("properties", "$defs"):
            for name, schema in old_value.items():
                if name not in new[key]:
                    problems.append(f"{where}.{name}: removed")
                else:
                    problems += breaking_changes(schema, new[key][name], f"{where}.{name}")
        else:
            problems += breaking_changes(old_value, new[key], f"{where}.{key}")
    if "required" in new and "required" not in old:
        problems += [f"{where}: field {f!r} became required" for f in new["required"]]
    return problems


def test_event_schemas_only_change_additively() -> None:
    now = current_schemas()
    if os.environ.get("POLKU_UPDATE_EVENT_SCHEMAS") == "1":
        SNAPSHOT.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    problems = [f"{key}: event type removed" for key in snapshot if key not in now]
    for key, schema in snapshot.items():
        if key in now:
            problems += breaking_changes(schema, now[key], key)
    assert not problems, "non-additive event schema changes:\n" + "\n".join(problems)


def test_the_checker_sees_a_removed_field_a_changed_type_and_a_new_required_field() -> None:
    old = {"properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]}
    new = {
        "properties": {"a": {"type": "integer"}, "c": {"type": "string"}},
        "required": ["a", "c"],
    }
    assert sorted(breaking_changes(old, new, "x")) == [
        "x.a.type: 'string' became 'integer'",
        "x.b: removed",
        "x: field 'c' became required",
    ]


def test_the_checker_allows_a_new_optional_field_and_a_new_enum_value() -> None:
    old = {"properties": {"a": {"enum": ["x"]}}, "required": ["a"]}
    new = {"properties": {"a": {"enum": ["x", "y"]}, "b": {"default": 1}}, "required": ["a"]}
    assert breaking_changes(old, new, "x") == []

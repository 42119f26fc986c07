"""Read one gauge out of a Prometheus text exposition."""

from __future__ import annotations

import re

_LINE = re.compile(r"^(?P<name>[a-zA-Z_:][\w:]*)(?:\{(?P<labels>[^}]*)\})?\s+(?P<value>\S+)")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def gauge_value(text: str, name: str, labels: dict[str, str] | None = None) -> float | None:
    """The value of the first sample of `name` whose labels include `labels`, or None."""
    for line in text.splitlines():
        m = _LINE.match(line)
        if m is None or m["name"] != name:
            continue
        found = dict(_LABEL.findall(m["labels"] or ""))
        if all(found.get(k) == v for k, v in (labels or {}).items()):
            try:
                return float(m["value"])
            except ValueError:
                return None
    return None

"""Declined matches by reason: every code of the fixed list, in its order, zeros included."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.events.vocabulary import DeclineCode


def declines_by_reason(counts: Mapping[str | None, int]) -> list[dict[str, Any]]:
    """One row per decline code with its count; a decline without a code (an event from
    before the codes) or with one this version does not know counts as `other`."""
    known = {c.value for c in DeclineCode}
    rows = {c.value: 0 for c in DeclineCode}
    for code, n in counts.items():
        rows[code if code in known else DeclineCode.OTHER.value] += n
    return [{"reason": code, "declines": n} for code, n in rows.items()]

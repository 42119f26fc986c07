"""Declines by reason: every code in its order, a missing or unknown code counted as other."""

from __future__ import annotations

from services.reporting.domain.declines import declines_by_reason


def test_every_code_in_order_with_old_and_unknown_declines_as_other() -> None:
    rows = declines_by_reason({"position_filled": 3, None: 2, "other": 1, "someday_code": 4})
    assert rows == [
        {"reason": "not_reachable", "declines": 0},
        {"reason": "position_filled", "declines": 3},
        {"reason": "skills_do_not_fit", "declines": 0},
        {"reason": "participant_declined", "declines": 0},
        {"reason": "other", "declines": 7},
    ]
    assert sum(r["declines"] for r in declines_by_reason({})) == 0

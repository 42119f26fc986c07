"""Cursors of the paged lists: where a page of the waiting list or of follow-ups due ends.

The waiting list is served priority first, then first come first served: a place in it is
`(late, seq)`, `late` being "not a priority" and `seq` the order of arrival. A follow-up's
place is `(due on, case plan id)`. A cursor names the place of a page's last (or first) line,
so the next page begins right after it even when lines before it left the list meanwhile.
Written as text: `0.1234` (priority, seq 1234) and `<day number>.<case plan id>` (the day
as `date.toordinal()`; a number past the calendar names a place past every line). Every
text the patterns let through names a place: a page is never refused for its cursor.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar
from uuid import UUID

from services.caseplan.domain.refusal import Refusal

WAITING_PATTERN = r"^[01]\.[0-9]{1,18}$"
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
DUE_PATTERN = rf"^[0-9]{{1,7}}\.{_UUID}$"

WaitingPlace = tuple[bool, int]
"""(late: not a priority, seq)."""
DuePlace = tuple[date, UUID]
T = TypeVar("T")


def _invalid() -> Refusal:
    return Refusal("cursor_invalid", "not a cursor of this list", status=422)


def waiting_cursor(place: WaitingPlace) -> str:
    late, seq = place
    return f"{int(late)}.{seq}"


def waiting_place(cursor: str) -> WaitingPlace:
    """The place a waiting-list cursor names (422 `cursor_invalid` for anything else)."""
    late, dot, seq = cursor.partition(".")
    if late not in ("0", "1") or not dot or not seq.isascii() or not seq.isdigit():
        raise _invalid()
    if len(seq) > 18:
        raise _invalid()
    return late == "1", int(seq)


def due_cursor(place: DuePlace) -> str:
    on, case_plan_id = place
    return f"{on.toordinal()}.{case_plan_id}"


def due_place(cursor: str) -> DuePlace:
    """The place a follow-ups cursor names (422 `cursor_invalid` for anything else)."""
    day, dot, plan = cursor.partition(".")
    if not dot or not day.isascii() or not day.isdigit() or len(day) > 7:
        raise _invalid()
    try:
        case_plan_id = UUID(plan)
    except ValueError:
        raise _invalid() from None
    number = min(max(int(day), 1), date.max.toordinal())
    return date.fromordinal(number), case_plan_id


def pick(after: str | None, before: str | None) -> tuple[str | None, bool]:
    """The cursor a page is read from and whether backwards: `after` when given (then any
    `before` is not looked at), else `before`."""
    if after is not None:
        return after, False
    return before, before is not None


def page_of(
    rows: list[T], limit: int, *, backwards: bool, from_cursor: bool
) -> tuple[list[T], bool, bool]:
    """A page of at most `limit` lines from `rows` read one past it (in list order, or in
    reverse when paging `backwards`): the lines, whether more follow, whether more precede
    (a page read from a cursor has the cursor's line on its other side)."""
    more = len(rows) > limit
    kept = rows[:limit]
    if backwards:
        return kept[::-1], from_cursor, more
    return kept, more, from_cursor

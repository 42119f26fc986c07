"""Cursors of the paged lists name a place and nothing else; a page read one past its size
says whether more follow and precede."""

from __future__ import annotations

import re
from datetime import date
from uuid import uuid4

import pytest

from services.caseplan.domain import cursors
from services.caseplan.domain.refusal import Refusal


def test_a_cursor_names_the_place_it_was_made_from() -> None:
    for place in ((False, 1), (True, 123456789012345678)):
        text = cursors.waiting_cursor(place)
        assert re.fullmatch(cursors.WAITING_PATTERN, text)
        assert cursors.waiting_place(text) == place
    due = (date(2026, 7, 15), uuid4())
    text = cursors.due_cursor(due)
    assert re.fullmatch(cursors.DUE_PATTERN, text) and cursors.due_place(text) == due


@pytest.mark.parametrize("text", ["", "2.5", "1.", "1.x", "1.1234567890123456789", "1.٣"])
def test_anything_else_is_refused_as_a_waiting_cursor(text: str) -> None:
    with pytest.raises(Refusal) as refused:
        cursors.waiting_place(text)
    assert refused.value.reason == "cursor_invalid" and refused.value.status == 422


@pytest.mark.parametrize("text", ["2026-01-01." + "0" * 36, "739812.not-a-uuid", "739812", "x.y"])
def test_anything_else_is_refused_as_a_follow_up_cursor(text: str) -> None:
    with pytest.raises(Refusal) as refused:
        cursors.due_place(text)
    assert refused.value.reason == "cursor_invalid"


def test_a_day_past_the_calendar_names_a_place_past_every_line() -> None:
    plan = uuid4()
    assert cursors.due_place(f"9999999.{plan}") == (date.max, plan)
    assert cursors.due_place(f"0.{plan}") == (date.min, plan)


def test_a_page_is_read_after_a_cursor_or_else_before_one() -> None:
    assert cursors.pick("1.1", "1.2") == ("1.1", False)
    assert cursors.pick(None, "1.2") == ("1.2", True)
    assert cursors.pick(None, None) == (None, False)


def test_a_page_read_one_past_its_size_says_what_follows_and_precedes() -> None:
    assert cursors.page_of([1, 2, 3], 2, backwards=False, from_cursor=False) == (
        [1, 2],
        True,
        False,
    )
    assert cursors.page_of([3, 4], 2, backwards=False, from_cursor=True) == ([3, 4], False, True)
    # backwards the rows come nearest first: the page is put back in list order
    assert cursors.page_of([4, 3, 2], 2, backwards=True, from_cursor=True) == ([3, 4], True, True)
    assert cursors.page_of([2, 1], 2, backwards=True, from_cursor=True) == ([1, 2], True, False)
    assert cursors.page_of([], 2, backwards=False, from_cursor=False) == ([], False, False)

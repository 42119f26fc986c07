"""A workshop's placements page rendered without servers, and its forms: the week's grid for
every own placement (errors beside their cells in the reader's words), the satellites' read
only, names and contacts only once started, the end of a placement."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from services.web import messages
from services.web.i18n import render, translations
from services.web.worker_forms import week_of
from services.web.workshop_forms import PLACEMENT_OUTCOMES, cell, end_body, hours_of, parse_grid

PERSON = {"display_name": "Mari", "role": "workshop", "manages_people": False}
MONDAY = date(2026, 3, 2)
WEEK = week_of(MONDAY)
TODAY = date(2026, 3, 4)


def _line(pid: str, **extra: Any) -> dict[str, Any]:
    days = [{"day": d.isoformat(), "hours": "0", "present": None} for d in WEEK]
    return {
        "placement_id": pid, "organisation_id": "o1", "participant_id": f"participant-{pid}",
        "opening_id": None, "opening_kind": "workshop_place", "starts_on": "2026-03-03",
        "hours_per_week": 20, "status": "active", "outcome": None, "ended_on": None,
        "hours_logged": "6.00", "own": True, "started": True,
        "support_worker_contact": "tuki@example.org", "placement_receipt": "1.x", "week": days,
    } | extra  # fmt: skip


def _render(language: str, **extra: Any) -> str:
    gettext = translations(language).gettext
    context: dict[str, Any] = {
        "own": [], "satellites": [], "ended": [], "names": {}, "week": WEEK,
        "previous": MONDAY - timedelta(days=7), "next": MONDAY + timedelta(days=7),
        "this_week": MONDAY, "outcomes": PLACEMENT_OUTCOMES, "cell": cell, "errors": {},
        "values": {}, "end_errors": {}, "done": None, "here": "", "paged": False,
        "next_active": None, "next_ended": None, "first_page": None,
    }  # fmt: skip
    return render(
        "placements.html", language, csrf="t", person=PERSON, path="/placements",
        words=lambda code: messages.words_of(code, gettext),
        field_words=lambda error: messages.field_words(error, gettext), field_label=str,
        weekday=lambda d: d.strftime("%a"), **context | extra,
    )  # fmt: skip


def test_every_own_placement_has_its_week_in_one_form_and_the_satellites_are_read_only() -> None:
    own = [_line("p1"), _line("p2", started=False, starts_on="2026-03-09",
                              support_worker_contact=None, placement_receipt=None)]  # fmt: skip
    own[0]["week"][1] = {"day": "2026-03-03", "hours": "6.00", "present": True}
    theirs = _line("p3", own=False, organisation_id="o2")
    html = _render("et", own=own, satellites=[theirs], names={"participant-p1": "<i>Aino</i>",
                                                              "participant-p3": "Jaan"})  # fmt: skip
    assert html.count('<form method="post" action="/placements/week"') == 1
    for pid in ("p1", "p2"):
        assert f'name="{cell(pid, MONDAY)}"' in html and f'action="/placements/{pid}/end"' in html
    assert 'name="h-p3-' not in html and "/placements/p3/end" not in html  # read only
    assert '<span class="participant-first-name">&lt;i&gt;Aino&lt;/i&gt;</span>' in html
    assert "Osaleja (nimi selgub paigutuse alguses)" in html  # p2 has not started
    assert html.count("tuki@example.org") == 2  # p1 and p3, not p2
    assert "märgitud 6.00 t" in html
    assert '<option value="present" selected>kohal</option>' in html
    assert 'href="/placements"' in html and 'href="/openings"' in html  # the nav
    assert "Teie satelliittöökodades" in html


def test_refused_cells_show_their_reason_in_the_readers_language() -> None:
    h, a = cell("p1", MONDAY), cell("p1", WEEK[1], "a")
    html = _render("fi", own=[_line("p1")], errors={h: "worked_before_start",
                                                    a: "attendance_in_future"},
                   values={h: "7"})  # fmt: skip
    assert f'id="{h}-error" data-code="worked_before_start">Se päivä on ennen alkua.</p>' in html
    assert f'aria-describedby="{h}-error" aria-invalid="true"' in html
    assert "Läsnäolo merkitään tulleille päiville, ei etukäteen." in html
    assert 'value="7"' in html


def test_the_grid_becomes_timesheet_rows_and_changed_attendance() -> None:
    lines = [_line("p1"), _line("p3", own=False), _line("p4", status="ended")]
    lines[0]["week"][2] = {"day": "2026-03-04", "hours": "0", "present": True}
    values = {
        cell("p1", WEEK[1]): "6", cell("p1", WEEK[2]): "4,5",
        cell("p1", WEEK[1], "a"): "present", cell("p1", WEEK[2], "a"): "present",  # as recorded
        cell("p3", WEEK[1]): "8", cell("p4", WEEK[1]): "8",  # not ours to log
    }  # fmt: skip
    grid = parse_grid(values, lines, WEEK, TODAY)
    assert grid.errors == {}
    assert grid.rows == [
        {"placement_id": "p1", "worked_on": "2026-03-03", "hours": "6"},
        {"placement_id": "p1", "worked_on": "2026-03-04", "hours": "4.5"},
    ]
    assert grid.cells == [cell("p1", WEEK[1]), cell("p1", WEEK[2])]
    assert grid.attendance == [("p1", WEEK[1], True, cell("p1", WEEK[1], "a"))]


def test_the_grid_refuses_bad_hours_and_attendance_before_the_start_or_ahead() -> None:
    values = {cell("p1", WEEK[1]): "25", cell("p1", WEEK[2]): "x",
              cell("p1", MONDAY, "a"): "absent", cell("p1", WEEK[5], "a"): "present"}  # fmt: skip
    grid = parse_grid(values, [_line("p1")], WEEK, TODAY)
    assert grid.errors == {
        cell("p1", WEEK[1]): "hours_out_of_range",
        cell("p1", WEEK[2]): "float_parsing",
        cell("p1", MONDAY, "a"): "before_start",
        cell("p1", WEEK[5], "a"): "attendance_in_future",
    }
    assert hours_of("NaN") == "float_parsing" and hours_of("0,25") == Decimal("0.25")


def test_the_end_form_needs_an_outcome_and_a_last_day_written_dd_mm_yyyy() -> None:
    starts = date(2026, 3, 3)
    assert end_body({}, "o1", starts, TODAY) == ({}, {"outcome": "enum"})
    for written, code in (("2026-02-30", "date_from_datetime_parsing"),
                          ("30.02.2026", "date_from_datetime_parsing"),
                          ("maanantai", "date_from_datetime_parsing"),
                          ("02.03.2026", "ends_before_start"),
                          ("05.03.2026", "ended_in_future")):  # fmt: skip
        assert end_body({"outcome": "hired", "ended_on": written}, "o1", starts, TODAY) == (
            {}, {"ended_on": code},
        ), written  # fmt: skip
    body, errors = end_body({"outcome": "completed", "ended_on": " 04.03.2026 ",
                             "ready_again": "on"}, "o1", starts, TODAY)  # fmt: skip
    assert errors == {} and body == {"organisation_id": "o1", "outcome": "completed",
                                     "ended_on": "2026-03-04", "ready_again": True}  # fmt: skip
    assert end_body({"outcome": "completed", "ended_on": "03.03.2026"}, "o1", None, TODAY)[0][
        "ended_on"] == "2026-03-03"  # fmt: skip
    assert end_body({"outcome": "dropped_out"}, "o1", starts, TODAY)[0]["ready_again"] is False


def test_the_end_forms_last_day_is_text_with_its_error_beside_it_in_the_readers_words() -> None:
    f = "end-p1-"
    html = _render("ru", own=[_line("p1")], end_errors={"p1": {"ended_on": "ended_in_future"}},
                   values={f + "ended_on": "05.03.2026", f + "outcome": "hired"})  # fmt: skip
    assert 'type="date"' not in html
    assert f'<input type="text" id="{f}ended_on" name="ended_on"' in html
    assert 'value="05.03.2026"' in html and "дд.мм.гггг" in html
    assert f'aria-describedby="{f}ended_on-hint {f}ended_on-error" aria-invalid="true"' in html
    assert (f'id="{f}ended_on-error" data-code="ended_in_future">'
            "Последний день не может быть в будущем.</p>") in html  # fmt: skip
    assert f'id="{f}outcome-error"' not in html
    html = _render("en", own=[_line("p1")], end_errors={"p1": {"outcome": "enum"}})
    assert f'id="{f}outcome-error" data-code="enum"' in html


def test_a_paged_list_links_to_its_next_page_keeping_the_week_and_says_the_grid_is_the_pages() -> (
    None
):
    html = _render("en", own=[_line("p1")], here="before=b1", paged=True,
                   next_active="week=2026-03-02&before=p9", next_ended=None,
                   first_page="week=2026-03-02")  # fmt: skip
    assert 'href="/placements?week=2026-03-02&amp;before=p9#own-title" id="next-active"' in html
    assert 'id="next-ended"' not in html and 'id="first-page"' in html
    assert 'action="/placements/week?before=b1"' in html
    assert 'action="/placements/p1/end?before=b1"' in html
    assert 'href="/placements?week=2026-02-23&amp;before=b1" id="previous-week"' in html
    assert "on this page only" in html and 'name="placement-p1" value="p1"' in html
    assert "on this page only" not in _render("en", own=[_line("p1")])
    only_theirs = _render("fi", satellites=[_line("p3", own=False)], paged=True)
    assert 'id="no-own-here"' in only_theirs and 'id="no-own"' not in only_theirs
    assert 'id="no-own"' in _render("fi")

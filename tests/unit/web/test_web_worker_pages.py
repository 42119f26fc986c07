"""The support worker's pages rendered without servers: my cases by name with next steps,
proposals with their explanations and decline reasons, and why there is none, in words."""

from __future__ import annotations

from typing import Any

import pytest

from services.web.i18n import render
from services.web.pages import worker
from services.web.worker_words import CONSTRAINTS, DECLINE_CODES, NEXT_STEPS, STANDINGS

PERSON = {"display_name": "Juha", "role": "support_worker", "manages_people": False}
PID = "0190c1de-0000-7000-8000-000000000001"
LINE = {
    "participant_id": PID, "case_plan_id": PID, "municipality": "Rapla vald", "status": "open",
    "support_worker_id": None, "ready_for_matching": False, "overdue": False,
    "next_step": {"kind": "planned_activity", "on": "2026-06-01", "activity_type": "work_practice"},
    "case_receipt": "1.x",
}  # fmt: skip
PROPOSAL = {
    "match_id": "m1", "opening_title": "Puusepänverstas", "status": "declined", "score": 0.61,
    "decline_code": "position_filled", "reason": "<b>täynnä</b>",
    "explanation": {"factors": [{"name": "required_skills", "value": 1.0}]},
}  # fmt: skip
PLAN = {
    "participant_id": PID, "municipality": "Rapla vald", "status": "open",
    "opened_on": "2026-01-05", "planned_end_on": "2026-12-31", "ready_for_matching": True,
    "opening_kinds": ["workshop_place"], "exit_outcome": None, "goals": [], "activities": [],
    "placements": [],
}  # fmt: skip


def _render(template: str, language: str, **context: Any) -> str:
    return render(
        template, language, csrf="t", person=PERSON, words=str, field_words=str,
        field_label=str, path="/cases", weekday=str, **context,
    )  # fmt: skip


def cases_page(
    language: str,
    names: dict[str, str],
    waiting: Any = (),
    due: Any = (),
    links: Any = None,
    **held: Any,
) -> str:
    """The list of cases in a language."""
    return _render(
        "cases.html", language, held={"items": [LINE], "next_after": None} | held,
        names=names, shown="open", waiting=list(waiting), due=list(due), links=links or dict.fromkeys(PAGER),
        next_steps=NEXT_STEPS,
    )  # fmt: skip


WAITING_PID = "0190c1de-0000-7000-8000-0000000000aa"
WAITING = {"position": 51, "participant_id": WAITING_PID, "case_plan_id": WAITING_PID,
           "municipality": "Rapla vald", "priority": False, "case_receipt": None,
           "waiting_receipt": "1.x"}  # fmt: skip
DUE = {"participant_id": PID, "case_plan_id": PID, "exit_outcome": "employed",
       "exited_on": "2026-01-15", "follow_up_due_on": "2026-07-15", "case_receipt": "1.x"}  # fmt: skip
PAGER = {"waiting_next": "/cases?status=open&wafter=1.9", "waiting_prev": "/cases?wbefore=1.3",
         "due_next": "/cases?fafter=739812.x", "due_prev": None}  # fmt: skip
PAGER_WORDS = {
    "en": ("Earlier in the queue", "Later in the queue", "More follow-ups"),
    "et": ("Järjekorras eespool", "Järjekorras tagapool", "Veel järelkontrolle"),
    "fi": ("Aiemmin jonossa", "Myöhemmin jonossa", "Lisää seurantoja"),
    "ru": ("Раньше в очереди", "Дальше в очереди", "Ещё последующие контроли"),
}


@pytest.mark.parametrize("language", sorted(PAGER_WORDS))
def test_the_waiting_list_names_people_at_their_place_and_pages_both_ways(language: str) -> None:
    names = {WAITING_PID: "Mari Tamm", PID: "Juhan Mets"}
    html = cases_page(language, names, waiting=[WAITING], due=[DUE], links=PAGER)
    assert (
        f'<li value="51" data-participant="{WAITING_PID}"><a href="/cases/{WAITING_PID}">Mari Tamm</a>'
        in html
    )
    assert f'<a href="/cases/{PID}">Juhan Mets</a> · 15.07.2026' in html
    earlier, later, more = PAGER_WORDS[language]
    assert f'href="/cases?wbefore=1.3" id="waiting-prev" rel="prev">{earlier}</a>' in html
    assert (
        f'href="/cases?status=open&amp;wafter=1.9" id="waiting-next" rel="next">{later}</a>' in html
    )
    assert f'id="due-next" rel="next">{more}</a>' in html and 'id="due-prev"' not in html
    nameless = cases_page(language, {}, waiting=[WAITING])
    assert f'<a href="/cases/{WAITING_PID}">' in nameless and "0190c1de</a>" in nameless
    assert 'id="waiting-next"' not in nameless and 'class="pager"' not in nameless


def test_a_list_moves_on_alone_and_the_other_lists_stay_where_they_are() -> None:
    here = {"wafter": "1.9", "fbefore": f"739812.{PID}"}
    assert worker._page_of(here, "w") == {"limit": 50, "after": "1.9"}
    assert worker._page_of(here, "f") == {"limit": 50, "before": f"739812.{PID}"}
    assert worker._page_of({}, "w") == {"limit": 50}
    keep = {"status": "closed", **here}
    assert worker._link(keep, "w", "before", "1.4") == (
        f"/cases?status=closed&fbefore=739812.{PID}&wbefore=1.4"
    )
    assert worker._link(keep, "f", "after", "2.1") == "/cases?status=closed&wafter=1.9&fafter=2.1"
    assert worker._link(keep, "w", "after", None) is None
    assert worker.CURSOR.match(f"739812.{PID}") and not worker.CURSOR.match("1.9&x=<b>")


def case_page(language: str, matched: Any) -> str:
    """The case plan page with matching's answer."""
    return _render(
        "case_plan.html", language, plan=PLAN, week=[], kinds=[], outcomes=[], follow_ups=[],
        matched=matched, declines=DECLINE_CODES, constraints=CONSTRAINTS, standings=STANDINGS,
        errors={}, done=None, error=None, values={},
    )  # fmt: skip


def test_my_cases_name_each_person_and_say_what_is_next() -> None:
    html = cases_page("fi", {PID: "Juhan Mets"})
    assert f'<a href="/cases/{PID}">Juhan Mets</a>' in html
    assert "Suunniteltu toiminto: työkokeilu 01.06.2026" in html
    nameless = cases_page("en", {}, next_after=PID)
    assert f'<a href="/cases/{PID}">Participant 0190c1de</a>' in nameless
    assert f'after={PID}" id="more-cases"' in nameless


def test_proposals_show_the_explanation_and_the_decline_reason_in_words() -> None:
    html = case_page("fi", {"proposals": [PROPOSAL], "no_proposal": None})
    assert "<h3>Puusepänverstas</h3>" in html and "vaaditut taidot: 100 %" in html
    assert "Hylätty, koska: Paikka täytettiin – &lt;b&gt;täynnä&lt;/b&gt;" in html
    assert 'id="why-no-proposal"' not in html


def test_why_no_proposal_names_each_constraint_with_its_count() -> None:
    why = {"standing": "nothing_fits", "openings": 3, "fitting": 0, "proposed_before": 0,
           "excluded": [{"constraint": "language", "openings": 2},
                        {"constraint": "travel", "openings": 1}]}  # fmt: skip
    html = case_page("ru", {"proposals": [], "no_proposal": why})
    assert "Просмотрено открытых мест: 3; подходящих: 0." in html
    assert "Нет общего языка: 2" in html and "Слишком далеко: 1" in html
    outside = case_page("et", {"outside": True})
    assert 'id="not-in-matching"' in outside
    assert 'id="proposals-unavailable"' in case_page("en", None)

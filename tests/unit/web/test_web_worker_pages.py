"""The support worker's pages rendered without servers: my cases by name with next steps,
proposals with their explanations and decline reasons, and why there is none, in words."""

from __future__ import annotations

from typing import Any

from services.web.i18n import render
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


def cases_page(language: str, names: dict[str, str], **held: Any) -> str:
    """The list of cases in a language."""
    return _render(
        "cases.html", language, held={"items": [LINE], "next_after": None} | held,
        names=names, shown="open", waiting=[], due=[], next_steps=NEXT_STEPS,
    )  # fmt: skip


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

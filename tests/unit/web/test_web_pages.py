"""Pages rendered without servers: proposals with their explanations, and why there is none."""

from __future__ import annotations

from typing import Any

from services.web.i18n import render

PERSON = {"display_name": "Kati", "role": "municipality", "manages_people": False}
P = {
    "participant_id": "0190c1de-0000-7000-8000-000000000001", "given_name": "Anneli",
    "family_name": "Kask", "municipality": "Rapla vald", "registered_on": "2026-03-04",
    "contact": {"email": None, "phone": None}, "profile": {"labour_market_status": "inactive"},
    "consent": {"purposes": ["matching"]},
}  # fmt: skip
MATCH = {
    "status": "declined", "score": 0.734, "reason": "starts too early in the morning",
    "explanation": {"score": 0.734, "rejected": None, "factors": [
        {"name": "distance", "value": 0.5, "weight": 0.25, "contribution": 0.125, "text": ""},
        {"name": "required_skills", "value": 1.0, "weight": 0.35, "contribution": 0.35,
         "text": ""}]},
}  # fmt: skip


def participant_page(language: str, **context: Any) -> str:
    """The clerk's participant page in a language."""
    return render(
        "participant.html", language, csrf="t", person=PERSON, p=P, done=None,
        words=str, field_words=str, field_label=str, path="/", weekday=str, **context,
    )  # fmt: skip


def test_proposals_show_status_score_factors_and_the_decline_reason_in_words() -> None:
    html = participant_page("et", plan={"status": "open", "ready_for_matching": True},
                            proposals=[MATCH])  # fmt: skip
    assert "<strong>tagasi lükatud</strong> · sobivus 73 %" in html
    assert '<li data-factor="distance">kaugus: 50 %</li>' in html
    assert '<li data-factor="required_skills">nõutud oskused: 100 %</li>' in html
    assert "Põhjus: starts too early in the morning" in html
    assert "04.03.2026" in html


def test_no_proposal_says_why() -> None:
    not_ready = participant_page(
        "ru", plan={"status": "open", "ready_for_matching": False}, proposals=[]
    )
    assert "Сопровождающий ещё не отметил человека готовым к подбору." in not_ready
    no_plan = participant_page("fi", plan=None, proposals=[])
    assert "Henkilöllä ei ole vielä asiakassuunnitelmaa." in no_plan
    closed = participant_page("en", plan={"status": "closed", "ready_for_matching": False},
                              proposals=[])  # fmt: skip
    assert "The case is closed." in closed
    ready = participant_page("en", plan={"status": "open", "ready_for_matching": True},
                             proposals=[])  # fmt: skip
    assert "No open placement fits the person yet." in ready
    down = participant_page("en", plan=None, proposals=None)
    assert 'id="proposals-unavailable"' in down


def test_what_a_person_typed_is_escaped() -> None:
    html = participant_page("en", plan=None, proposals=[{**MATCH, "reason": "<script>x</script>"}])
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html

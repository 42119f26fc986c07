"""An employer's pages rendered without servers, and its forms: proposals with their factors
in the reader's words, a decline's coded reason (words required with `other`) with errors
beside the fields, the contact after acceptance, an opening's fields and their errors."""

from __future__ import annotations

from typing import Any

from services.web import messages, region
from services.web.employer_forms import (
    DECLINE_CODES,
    decline_body,
    opening_fields,
    opening_values,
    place_choices,
    place_value,
    schedule_fields,
    schedule_rows,
    schedule_values,
)
from services.web.i18n import render, translations
from services.web.worker_words import DECLINE_CODES as DECLINE_WORDS

PERSON = {"display_name": "Mari", "role": "employer", "manages_people": False}
CANDIDATE = {"languages": ["fi"], "availability_hours": 20, "skills": ["puutyö"],
             "support_worker_contact": "tuki@example.org"}  # fmt: skip
LIVE = {
    "match_id": "m1", "opening_id": "o1", "opening_title": "Puutyöpaja", "status": "proposed",
    "score": 0.73, "explanation": ["required skills 1/1"], "candidate": CANDIDATE,
    "factors": [{"name": "required_skills", "value": 1.0}, {"name": "distance", "value": 0.5}],
    "proposed_at": "2026-03-04T10:00:00+00:00", "decided_at": None, "decline_code": None,
    "reason": None,
}  # fmt: skip


def _render(template: str, language: str, **context: Any) -> str:
    gettext = translations(language).gettext
    return render(
        template, language, csrf="t", person=PERSON, path="/proposals",
        words=lambda code: messages.words_of(code, gettext),
        field_words=lambda error: messages.field_words(error, gettext), field_label=str,
        weekday=str, **context,
    )  # fmt: skip


def inbox(language: str, live: list[Any], decided: list[Any], **extra: Any) -> str:
    context: dict[str, Any] = {"errors": {}, "values": {}, "failed": None, "done": None,
                               "first_names": {}, "here": "", "next_live": None,
                               "next_decided": None, "first_page": False}  # fmt: skip
    return _render("inbox.html", language, live=live, decided=decided, codes=DECLINE_CODES,
                   declines=DECLINE_WORDS, **context | extra)  # fmt: skip


def test_a_proposal_shows_its_factors_in_the_readers_words_and_no_contact_before_acceptance() -> (
    None
):
    html = inbox("fi", [LIVE], [])
    assert '<li data-factor="required_skills">vaaditut taidot: 100 %</li>' in html
    assert '<li data-factor="distance">etäisyys: 50 %</li>' in html
    assert "tuki@example.org" not in html  # the contact only after acceptance
    for code in DECLINE_CODES:
        assert f'<option value="{code}">' in html
    assert 'href="/proposals"' in html and 'href="/openings"' in html  # the nav


def test_accepted_shows_the_support_workers_contact_and_declined_its_reason() -> None:
    accepted = LIVE | {"match_id": "m2", "status": "accepted", "decided_at": "2026-03-05"}
    declined = LIVE | {"match_id": "m3", "status": "declined", "decline_code": "position_filled",
                       "reason": "<b>täynnä</b>"}  # fmt: skip
    html = inbox("fi", [], [accepted, declined], first_names={"m2": "<i>Aino</i>"})
    assert '<span class="support-worker-contact">tuki@example.org</span>' in html
    assert '<span class="participant-first-name">&lt;i&gt;Aino&lt;/i&gt;</span>' in html
    assert "Paikka täytettiin – &lt;b&gt;täynnä&lt;/b&gt;" in html
    assert 'id="no-live"' in html


def test_a_decline_for_another_reason_needs_words_and_the_error_stands_beside_the_field() -> None:
    assert decline_body({"code": "position_filled"}) == ({"code": "position_filled"}, {})
    assert decline_body({"code": "other", "reason": " ei sovi "})[0] == {
        "code": "other", "reason": "ei sovi"}  # fmt: skip
    _, errors = decline_body({"code": "other", "reason": "  "})
    assert errors["reason"]["type"] == "reason_required"
    assert decline_body({"code": "no_such"})[1]["code"]["type"] == "enum"
    html = inbox("en", [LIVE], [], errors={"m1": errors}, values={"m1": {"code": "other"}})
    assert 'id="reason-m1" name="reason" rows="2" maxlength="1000" aria-invalid="true"' in html
    assert (
        '<p class="field-error" id="reason-m1-error" data-code="reason_required">'
        "Write the reason in words when it is another reason.</p>"
    ) in html
    assert '<option value="other" selected>' in html


def test_an_opening_form_becomes_matchings_body_with_its_errors() -> None:
    values = {"title": " Puutyöpaja ", "kind": "workshop_place", "seats": "2",
              "hours_per_week_min": "5", "hours_per_week_max": "20",
              "required_skills": "puutyö, , maalaus", "languages": "fi,et", "remote": "on",
              "description": "Verstas"}  # fmt: skip
    body, errors = opening_fields(values, creating=True)
    assert errors == {}
    assert body["title"] == "Puutyöpaja" and body["seats"] == 2 and body["remote"] is True
    assert body["required_skills"] == ["puutyö", "maalaus"] and body["paused"] is False
    assert opening_values(body | {"remote": True})["required_skills"] == "puutyö, maalaus"
    _, errors = opening_fields(
        values | {"title": "", "seats": "0", "hours_per_week_min": "30", "kind": "x"},
        creating=True,
    )
    assert {k: e["type"] for k, e in errors.items()} == {
        "title": "missing", "seats": "greater_than_equal",
        "hours_per_week_max": "hours_min_above_max", "kind": "enum",
    }  # fmt: skip
    assert "kind" not in opening_fields(values | {"kind": ""}, creating=False)[0]


def test_the_opening_form_shows_errors_beside_fields_in_words() -> None:
    _, errors = opening_fields({"title": "", "seats": "x"}, creating=False)
    html = _render("opening_form.html", "et", values={"seats": "x"}, errors=errors,
                   opening=None, kinds=["workshop_place"], stops=[0, 1], places=[])  # fmt: skip
    assert 'id="f-seats" name="seats" type="text" value="x"' in html
    assert 'data-code="int_parsing">Kirjutage täisarv.</p>' in html
    assert 'id="title-error" data-code="missing"' in html


def test_a_schedule_of_stops_becomes_matchings_stops_with_errors_beside_each_field() -> None:
    places = region.load_places()
    rapla = next(p for p in places if p.municipality == "Rapla vald")
    values = {
        "stop-0-place": place_value(rapla), "stop-0-starts_on": "01.03.2027",
        "stop-0-ends_on": "2027-03-14",
        "stop-1-place": "", "stop-1-starts_on": "", "stop-1-ends_on": "",  # an empty row
    }  # fmt: skip
    stops, errors = schedule_fields(values, places)
    assert errors == {}
    assert stops == [{"starts_on": "2027-03-01", "ends_on": "2027-03-14",
                      "location": {"lat": rapla.lat, "lon": rapla.lon},
                      "municipality": "Rapla vald"}]  # fmt: skip
    assert schedule_values(stops, places) == {
        "stop-0-place": place_value(rapla), "stop-0-starts_on": "01.03.2027",
        "stop-0-ends_on": "14.03.2027"}  # fmt: skip
    bad = values | {
        "stop-1-place": "Nowhere|Nowhere", "stop-1-starts_on": "10.03.2027",
        "stop-1-ends_on": "31.02.2027",
        "stop-2-place": place_value(rapla), "stop-2-starts_on": "14.03.2027",
        "stop-2-ends_on": "20.03.2027",
        "stop-3-starts_on": "30.03.2027", "stop-3-ends_on": "29.03.2027",
    }  # fmt: skip
    _, errors = schedule_fields(bad, places)
    assert {k: e["type"] for k, e in errors.items()} == {
        "stop-1-place": "enum", "stop-1-ends_on": "date_from_datetime_parsing",
        "stop-2-starts_on": "stops_overlap", "stop-3-place": "missing",
        "stop-3-ends_on": "stop_ends_before_start",
    }  # fmt: skip


def test_a_stop_at_no_shipped_place_keeps_its_coordinates_through_an_edit() -> None:
    places = region.load_places()
    stop = {"starts_on": "2027-05-02", "ends_on": "2027-05-09",
            "location": {"lat": 59.1, "lon": 25.2}, "municipality": "Kose vald"}  # fmt: skip
    values = schedule_values([stop], places)
    assert values["stop-0-place"] == "@59.1,25.2|Kose vald"
    assert ("@59.1,25.2|Kose vald", "Kose vald (59.1,25.2)") in place_choices(values, places)
    assert schedule_fields(values, places) == ([stop], {})


def test_the_opening_form_offers_the_schedule_rows_and_their_errors_in_words() -> None:
    places = region.load_places()
    values = {"stop-0-place": "", "stop-0-starts_on": "1.3.27", "stop-0-ends_on": ""}
    _, errors = schedule_fields(values, places)
    html = _render("opening_form.html", "fi", values=values, errors=errors, opening=None,
                   kinds=["workshop_place"], stops=schedule_rows(values),
                   places=place_choices(values, places))  # fmt: skip
    assert 'id="f-stop-0-place" name="stop-0-place" aria-invalid="true"' in html
    assert 'id="stop-0-starts_on-error" data-code="date_from_datetime_parsing"' in html
    assert 'id="stop-0-ends_on-error" data-code="missing"' in html
    assert 'name="stop-2-place"' in html and 'name="stop-3-place"' not in html  # two blank
    assert '<option value="Rapla vald|Rapla">Rapla (Rapla vald)</option>' in html


def test_the_openings_page_shows_where_a_mobile_centre_is_when() -> None:
    opening = {"opening_id": "o1", "title": "Pyörät", "seats": 2, "seats_taken": 1,
               "status": "open", "paused": False,
               "schedule": [{"starts_on": "2027-03-01", "ends_on": "2027-03-14",
                             "location": {"lat": 59.0, "lon": 24.8},
                             "municipality": "Rapla vald"}]}  # fmt: skip
    html = _render("openings.html", "et", listed={"items": [opening], "next_after": None},
                   done=None)  # fmt: skip
    assert '<li data-starts="2027-03-01">Rapla vald: 01.03.2027 – 14.03.2027</li>' in html
    assert '<span class="seats-taken">1</span>' in html


def test_the_inbox_links_the_next_page_of_each_list_and_answers_keep_the_page() -> None:
    html = inbox("en", [LIVE], [LIVE | {"match_id": "m2", "status": "expired"}],
                 here="after=a1", next_live="after=m1", next_decided="after=a1&answered_after=m2",
                 first_page=True)  # fmt: skip
    assert '<a href="/proposals?after=m1#live-title" id="next-live">' in html
    assert 'href="/proposals?after=a1&amp;answered_after=m2#decided-title"' in html
    assert 'action="/proposals/m1/accept?after=a1"' in html
    assert 'action="/proposals/m1/decline?after=a1"' in html
    assert 'id="first-page"' in html
    assert 'id="next-live"' not in inbox("en", [LIVE], [])


def test_the_empty_rows_follow_the_held_ones_whatever_rows_the_form_sent() -> None:
    blank = {f"stop-{i}-{f}": "" for i in (0, 1) for f in ("place", "starts_on", "ends_on")}
    assert schedule_rows(blank) == [0, 1]  # sent back empty: the same rows again
    held = blank | {"stop-4-place": "Rapla vald|Rapla"}
    assert schedule_rows(held) == [4, 5, 6]
    assert schedule_rows(held, 3) == [4, 5, 6, 7]

"""No page and no message of the web front speaks of a special category (GDPR art. 9 and
10: health, disability, addiction, ethnic origin, criminal convictions) nor of a participant's
risk group: every catalogue entry in the four languages, every template's own text, every
notice rendered in every language, and the employer's pages rendered with data that carries
risk groups are scanned for those words."""

from __future__ import annotations

import re
from typing import Any

import pytest
from babel.messages.pofile import read_po

from services.web import domain, messages
from services.web.employer_forms import DECLINE_CODES
from services.web.i18n import TEMPLATES_DIR, catalogue_path, render, translations
from services.web.notify import rules
from services.web.worker_words import DECLINE_CODES as DECLINE_WORDS
from shared.events.vocabulary import LabourMarketStatus, RiskGroup

STATUSES = {s.value for s in LabourMarketStatus}
"""Risk groups that are also a labour-market status (shown to the clerk, not special)."""
GROUP_CODES = sorted({g.value for g in RiskGroup} - STATUSES)
WORDS = {
    "en": [r"prison", r"convict", r"criminal", r"addict", r"substance", r"disab", r"handicap",
           r"migrant", r"minorit", r"ethnic", r"(?<!pipeline )health", r"religio", r"neet\b",
           r"single parent", r"risk group"],
    "et": [r"vangla", r"kinnipee", r"karistatu", r"sõltuv", r"puue", r"puude", r"puuet",
           r"immigrant", r"sisserändaja", r"vähemus", r"rahvus", r"tervis", r"üksikvanem",
           r"riskirühm"],
    "fi": [r"vankila", r"rangaistu", r"riippuvuu", r"päihte", r"päihde", r"vamma",
           r"maahanmuutta", r"vähemmistö", r"etni", r"terveys", r"terveyd", r"yksinhuolta",
           r"riskiryhm"],
    "ru": [r"тюрьм", r"судим", r"заключённ", r"зависимост", r"наркот", r"инвалид", r"мигрант",
           r"меньшинств", r"этнич", r"здоровь", r"одинок", r"групп[аы] риска"],
}  # fmt: skip
"""Stems of the special categories' words in each language (the pipeline's `health` is not
a person's)."""


def spoken(text: str) -> list[str]:
    """The special-category words or risk-group codes found in a text, in any language."""
    found = [code for code in GROUP_CODES if code in text or code.replace("_", " ") in text]
    lowered = text.lower()
    for stems in WORDS.values():
        found += [s for s in stems if re.search(r"\b" + s, lowered)]
    return found


def test_the_scan_finds_the_words_it_looks_for() -> None:
    assert spoken("Vapautunut vankilasta") == ["vankila"]
    assert spoken("released_from_prison") == ["released_from_prison"]
    assert spoken("Released from prison") == ["prison"]
    assert spoken("инвалидность") == ["инвалид"]
    assert spoken("Pipeline health") == spoken("Puutyöpaja, 3 paikkaa") == []


@pytest.mark.parametrize("language", domain.LANGUAGES)
def test_no_catalogue_entry_speaks_of_a_special_category(language: str) -> None:
    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    found = {m.id: spoken(f"{m.id} {m.string}") for m in catalog if m.id}
    assert {k: v for k, v in found.items() if v} == {}


def test_no_template_writes_such_words_of_its_own() -> None:
    found = {p.name: spoken(p.read_text(encoding="utf-8")) for p in TEMPLATES_DIR.glob("*.html")}
    assert len(found) > 20
    assert {k: v for k, v in found.items() if v} == {}


SAFE_VALUES = {"title": "Puutyöpaja", "case": "1b2c3d4e", "participant_id": "1b2c3d4e-0000",
               "reason": "-", "due": "01.03.2027", "kind": rules.MEETING_WORDS["team_meeting"],
               "when": "01.03.2027 10:00", "count": "2", "total": "10", "ref": "u1",
               "rows": "3, 7", "name": "Mari Tamm", "email": "mari@example.org"}  # fmt: skip
"""Every value a notice may carry: titles, case references, dates, counts, the inviter's
invitee; none is a participant's group, health or origin."""


@pytest.mark.parametrize("language", domain.LANGUAGES)
def test_every_notice_in_every_language_names_no_special_category(language: str) -> None:
    gettext = translations(language).gettext
    for kind, message in rules.MESSAGES.items():
        names = set(re.findall(r"%\((\w+)\)s", message.subject + message.body))
        assert names <= set(SAFE_VALUES), (kind, names - set(SAFE_VALUES))
        for text in (message.subject, message.body):
            told = rules.words(text, gettext, SAFE_VALUES)
            assert spoken(told) == [], (kind, language, told)
    for reason in [*rules.WITHDRAWAL_WORDS, *GROUP_CODES, "placed elsewhere", "health"]:
        notice = rules.proposal_withdrawn(organisation_id=rules.UUID(int=1), title="T",
                                          reason=reason, cause_id=rules.UUID(int=2))  # fmt: skip
        assert spoken(str(gettext(notice.values["reason"]))) == [], reason


def _render(template: str, language: str, **context: Any) -> str:
    gettext = translations(language).gettext
    return render(
        template, language, csrf="t", path="/proposals",
        person={"display_name": "Mari", "role": "employer", "manages_people": False},
        words=lambda code: messages.words_of(code, gettext),
        field_words=lambda error: messages.field_words(error, gettext), field_label=str,
        weekday=str, **context,
    )  # fmt: skip


@pytest.mark.parametrize("language", domain.LANGUAGES)
def test_the_employers_pages_pass_on_no_risk_group_the_data_might_carry(language: str) -> None:
    """Even a match whose data carried the participant's groups (matching sends none) shows
    the employer only what the page is made to show."""
    candidate = {"languages": ["fi"], "availability_hours": 20, "skills": ["puutyö"],
                 "support_worker_contact": "tuki@example.org", "risk_groups": GROUP_CODES,
                 "programme_groups": GROUP_CODES}  # fmt: skip
    match = {"match_id": "m1", "opening_id": "o1", "opening_title": "Puutyöpaja",
             "status": "proposed", "score": 0.7, "candidate": candidate,
             "explanation": [f"programme {g}" for g in GROUP_CODES],
             "factors": [{"name": "required_skills", "value": 1.0}],
             "proposed_at": "2027-03-01T10:00:00+00:00", "decided_at": None,
             "decline_code": None, "reason": None, "risk_groups": GROUP_CODES}  # fmt: skip
    answered = [match | {"match_id": f"m{i}", "status": s} for i, s in
                enumerate(("accepted", "declined", "withdrawn", "expired"), start=2)]  # fmt: skip
    inbox = _render("inbox.html", language, live=[match], decided=answered, codes=DECLINE_CODES,
                    declines=DECLINE_WORDS, first_names={"m2": "Mari"}, errors={}, values={},
                    failed=None, done="accepted", here="", next_live=None, next_decided=None,
                    first_page=False)  # fmt: skip
    opening = {"opening_id": "o1", "title": "Puutyöpaja", "seats": 2, "seats_taken": 1,
               "status": "open", "paused": False, "schedule": [],
               "eligible_groups": GROUP_CODES, "programme_groups": GROUP_CODES}  # fmt: skip
    listed = _render("openings.html", language, listed={"items": [opening], "next_after": None},
                     done=None)  # fmt: skip
    for html in (inbox, listed):
        assert "Puutyöpaja" in html
        assert spoken(html) == []

"""Who is told what, and how a mail is retried: the notifications' pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from services.web.i18n import translations
from services.web.notify import rules


def test_each_e_mail_choice_gives_its_first_status() -> None:
    assert [rules.first_status(c) for c in ("immediate", "daily", "off")] == [
        "queued", "held", "not_mailed",
    ]  # fmt: skip


def test_failures_back_off_doubling_until_the_last_attempt() -> None:
    now = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
    delays = [rules.after_failure(n, 5, now, 60.0) for n in range(1, 6)]
    assert [s for s, _ in delays] == ["failed"] * 4 + ["given_up"]
    assert [(t - now).total_seconds() for _, t in delays[:4]] == [60, 120, 240, 480]
    assert rules.retry_delay(20, 60.0) == timedelta(hours=1)  # capped


def test_a_digest_waits_its_period_and_old_events_tell_nobody() -> None:
    now = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
    assert rules.digest_due(now - timedelta(hours=24), now, 24)
    assert not rules.digest_due(now - timedelta(hours=23), now, 24)
    assert rules.is_news(now - timedelta(hours=47), now)
    assert not rules.is_news(now - timedelta(days=3), now)


def test_answers_go_to_the_case_s_organisation_and_name_no_person() -> None:
    pid, cause = uuid4(), uuid4()
    assert rules.proposal_decided(accepted=True, case_organisation=None, participant_id=pid,
                                  title="T", cause_id=cause) is None  # fmt: skip
    org = uuid4()
    notice = rules.proposal_decided(accepted=False, case_organisation=org, participant_id=pid,
                                    title="Puutyöpaja", reason="position_filled", cause_id=cause)  # fmt: skip
    assert notice is not None
    assert (notice.kind, notice.organisation_id, notice.roles) == (
        "proposal_declined", org, rules.CASE_ROLES,
    )  # fmt: skip
    message = rules.MESSAGES[notice.kind]
    body = rules.words(message.body, translations("fi").gettext, notice.values)
    assert (
        body == f"Asiakkuuden {str(pid)[:8]} ehdotus paikkaan Puutyöpaja hylättiin: position_filled"
    )
    assert message.link % notice.values == f"/cases/{pid}"


def test_every_message_has_its_values_in_every_language() -> None:
    values = {"title": "T", "case": "c", "participant_id": "p", "reason": "r", "name": "n",
              "email": "e"}  # fmt: skip
    for lang in ("et", "fi", "ru", "en"):
        gettext = translations(lang).gettext
        for kind, message in rules.MESSAGES.items():
            for text in (message.subject, message.body):
                assert gettext(text) != text or lang == "en", (lang, kind)
                rules.words(text, gettext, values)  # every placeholder is one the rule fills

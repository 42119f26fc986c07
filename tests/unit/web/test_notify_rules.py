"""Who is told what, and how a mail is retried: the notifications' pure rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
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
              "email": "e", "due": "d", "when": "w", "kind": "k", "count": "1", "total": "2",
              "ref": "f", "rows": "3"}  # fmt: skip
    for lang in ("et", "fi", "ru", "en"):
        gettext = translations(lang).gettext
        for kind, message in rules.MESSAGES.items():
            for text in (message.subject, message.body):
                assert gettext(text) != text or lang == "en", (lang, kind)
                rules.words(text, gettext, values)  # every placeholder is one the rule fills


def _words(notice: rules.Notice, lang: str) -> str:
    gettext = translations(lang).gettext
    values = {k: gettext(v) if k in notice.translated else v for k, v in notice.values.items()}
    return rules.words(rules.MESSAGES[notice.kind].body, gettext, values)


def test_a_withdrawal_tells_why_only_when_the_reason_is_about_the_opening() -> None:
    org, cause = uuid4(), uuid4()
    seats = rules.proposal_withdrawn(organisation_id=org, title="Puutyöpaja",
                                     reason="seats lowered", cause_id=cause)  # fmt: skip
    assert (seats.kind, seats.organisation_id, seats.roles) == (
        "proposal_withdrawn", org, rules.PLACE_ROLES,
    )  # fmt: skip
    assert "paikkamäärää pienennettiin" in _words(seats, "fi")
    for about_the_participant in ("placed elsewhere", "participant left the pool",
                                  "participant left the operation", "anything new"):  # fmt: skip
        told = rules.proposal_withdrawn(organisation_id=org, title="T",
                                        reason=about_the_participant, cause_id=cause)  # fmt: skip
        assert _words(told, "en") == ("A proposal for your opening T was withdrawn (the"
                                      " participant is no longer available); nothing is asked"
                                      " of you.")  # fmt: skip


def test_follow_ups_and_meetings_go_to_the_organisation_s_support_workers() -> None:
    org, pid, cause = uuid4(), uuid4(), uuid4()
    assert rules.follow_up_due(organisation_id=None, participant_id=pid,
                               due_on=date(2027, 6, 1), cause_id=cause) is None  # fmt: skip
    due = rules.follow_up_due(organisation_id=org, participant_id=pid, due_on=date(2027, 6, 1),
                              cause_id=cause)  # fmt: skip
    assert due is not None and (due.organisation_id, due.roles) == (org, rules.CASE_ROLES)
    assert _words(due, "fi").startswith(f"Asiakkuuden {str(pid)[:8]} seuranta erääntyy 01.06.2027")
    at = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)  # 10:30 in Helsinki
    met = rules.meeting(kind="team_meeting", organisation_id=org, starts_at=at, cause_id=cause,
                        reminder=False)  # fmt: skip
    assert (met.kind, met.roles) == ("meeting_scheduled", rules.CASE_ROLES)
    assert _words(met, "et") == ("Teie organisatsiooni tugiisik määras aja 07.12.2026 10:30:"
                                 " meeskonnakoosolek.")  # fmt: skip
    later = rules.meeting(kind="participant_meeting", organisation_id=org, starts_at=at,
                          cause_id=cause, reminder=True)  # fmt: skip
    assert later.kind == "meeting_tomorrow" and str(pid)[:8] not in str(later.values)


def test_refused_rows_go_to_the_municipality_s_people_by_number() -> None:
    cause = uuid4()
    assert rules.rows_refused(municipality="Kokkola", source="upload", ref="r", count=0,
                              total=3, rows=[], cause_id=cause) is None  # fmt: skip
    many = [str(n) for n in range(2, 40)]
    notice = rules.rows_refused(municipality="Kokkola", source="upload", ref="1a2b3c4d",
                                count=len(many), total=50, rows=many, cause_id=cause)  # fmt: skip
    assert notice is not None
    assert (notice.kind, notice.municipality, notice.roles, notice.organisation_id) == (
        "rows_refused_upload", "Kokkola", rules.MUNICIPALITY_ROLES, None,
    )  # fmt: skip
    assert notice.values["rows"].endswith("31, …") and notice.values["count"] == "38"
    stream = rules.rows_refused(municipality="Kokkola", source="stream", ref="-", count=1,
                                total=1, rows=["req-7"], cause_id=cause)  # fmt: skip
    assert stream is not None and stream.kind == "rows_refused_stream"
    assert "req-7" in _words(stream, "ru")


def test_the_reasons_told_are_the_ones_matching_tells_webhooks() -> None:
    from services.matching.withdrawals import TOLD  # the two must not drift apart

    assert set(rules.WITHDRAWAL_WORDS) == TOLD

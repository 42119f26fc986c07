"""The web front's pure rules: languages, dates, throttling, passwords, invitations, forms."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from services.web import clerk_forms, domain, worker_forms


def test_the_persons_choice_wins_over_the_browser() -> None:
    assert domain.language_of("fi", "ru-RU,ru;q=0.9") == "fi"


def test_accept_language_picks_the_best_language_we_speak() -> None:
    assert domain.language_of(None, "ru-RU,ru;q=0.9,en;q=0.5") == "ru"
    assert domain.language_of(None, "de-DE,et;q=0.7,fi;q=0.9") == "fi"
    assert domain.language_of(None, "et") == "et"
    assert domain.language_of(None, "de, fr;q=0.5") == "en"
    assert domain.language_of("xx", None) == "en"
    assert domain.language_of(None, "fi;q=bad,ru;q=0.1") == "ru"


def test_dates_are_written_day_month_year() -> None:
    assert domain.format_day(date(2026, 3, 4)) == "04.03.2026"
    assert domain.format_day(datetime(2025, 12, 31, 23, 0, tzinfo=UTC)) == "31.12.2025"
    assert domain.format_day(None) == ""
    assert domain.format_day("2026-03-04") == "04.03.2026"
    assert domain.format_day("2026-03-04T10:00:00+00:00") == "04.03.2026"
    assert domain.format_day("not a date") == "not a date"


def test_throttling_starts_at_the_limit_and_ends_a_window_after() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    window = timedelta(minutes=15)
    four = [now - timedelta(minutes=m) for m in (1, 2, 3, 4)]
    assert domain.throttled_until(four, limit=5, window=window, now=now) is None
    five = [*four, now - timedelta(minutes=5)]
    assert domain.throttled_until(five, limit=5, window=window, now=now) == now + timedelta(
        minutes=10
    )
    old = [now - timedelta(minutes=20)] * 10
    assert domain.throttled_until(old, limit=5, window=window, now=now) is None


def test_password_rules_name_the_problem() -> None:
    assert domain.password_problem("short", email="a@b.ee") == "password_too_short"
    assert domain.password_problem("x" * 300, email="a@b.ee") == "password_too_long"
    assert domain.password_problem("kati.tamm-is-great", email="kati.tamm@x.ee") == (
        "password_contains_email"
    )
    assert domain.password_problem("a long enough passphrase", email="kati@x.ee") is None


def test_who_may_invite_whom() -> None:
    assert domain.may_invite("admin", False, "admin", same_org=False)
    assert domain.may_invite("municipality", True, "municipality", same_org=True)
    assert not domain.may_invite("municipality", True, "municipality", same_org=False)
    assert not domain.may_invite("municipality", True, "admin", same_org=True)
    assert not domain.may_invite("municipality", False, "municipality", same_org=True)
    assert not domain.may_invite("support_worker", True, "operator", same_org=True)


def test_totp_is_for_operators_and_admins_and_homes_follow_the_role() -> None:
    assert domain.may_use_totp("operator") and domain.may_use_totp("admin")
    assert not domain.may_use_totp("municipality")
    assert domain.home_of("operator") == "/dashboard"
    assert domain.home_of("municipality") == "/participants"
    assert domain.home_of("employer") == "/proposals"
    assert domain.home_of("workshop") == "/proposals"
    assert domain.home_of("nobody") == "/account"


def test_tokens_are_random_and_stored_as_hashes() -> None:
    a, b = domain.new_token(), domain.new_token()
    assert a != b and len(a) >= 40
    assert domain.token_hash(a) != domain.token_hash(b) and len(domain.token_hash(a)) == 32
    assert domain.same_secret(a, a) and not domain.same_secret(a, b)


CLERK = {"municipality": "Rapla vald", "display_name": "Kati"}


def test_the_registration_form_names_each_missing_field() -> None:
    body, errors = clerk_forms.intake_body({"given_name": "Mari"}, CLERK, datetime.now(UTC))
    assert set(errors) == {"family_name", "national_id", "labour_market_status", "purposes"}
    assert all(e["type"] == "missing" for e in errors.values())
    assert body["municipality"] == "Rapla vald"


def test_a_complete_registration_form_becomes_the_intake_body() -> None:
    values = {
        "given_name": " Mari ", "family_name": "Tamm", "national_id": "38001085718",
        "labour_market_status": "unemployed", "months_unemployed": "14",
        "email": "mari@example.ee", "phone": "", "postal_code": "79511",
        "purposes": ["case_management", "bogus"],
    }  # fmt: skip
    now = datetime.now(UTC)
    body, errors = clerk_forms.intake_body(values, CLERK, now)
    assert errors == {}
    assert body["given_name"] == "Mari" and body["months_unemployed"] == 14
    assert body["contact"] == {"email": "mari@example.ee"}
    assert body["home"] == {"postal_code": "79511"}
    assert body["consent"] == {
        "purposes": ["case_management"], "given_at": now.isoformat(), "recorded_by": "Kati"
    }  # fmt: skip


def test_months_must_be_a_whole_number() -> None:
    _, errors = clerk_forms.correction_body(
        {"given_name": "A", "family_name": "B", "months_unemployed": "many"}
    )
    assert errors == {"months_unemployed": {"field": "months_unemployed", "type": "int_parsing"}}


def test_a_week_is_monday_to_sunday() -> None:
    week = worker_forms.week_of(date(2026, 12, 3))  # a Thursday
    assert week[0] == date(2026, 11, 30) and week[-1] == date(2026, 12, 6) and len(week) == 7


def test_the_week_grid_takes_commas_and_names_each_bad_cell() -> None:
    days = worker_forms.week_of(date(2026, 12, 3))
    values = {"h-2026-11-30": "3,5", "h-2026-12-01": "25", "h-2026-12-02": "abc",
              "h-2026-12-03": "", "h-2026-12-04": "1.005", "h-2026-12-05": "0"}  # fmt: skip
    hours, errors = worker_forms.parse_week(values, days)
    assert hours == [(date(2026, 11, 30), Decimal("3.5"))]
    assert errors == {
        "h-2026-12-01": "hours_out_of_range", "h-2026-12-02": "float_parsing",
        "h-2026-12-04": "hours_out_of_range", "h-2026-12-05": "hours_out_of_range",
    }  # fmt: skip


def test_only_known_opening_kinds_are_kept_in_catalogue_order() -> None:
    assert worker_forms.chosen_kinds(["regular_job", "bogus", "work_practice"]) == [
        "work_practice", "regular_job"
    ]  # fmt: skip

"""Words for the codes the services and the accounts send: the front renders, codes travel."""

from __future__ import annotations

from collections.abc import Callable

from services.web.i18n import N_

CODES: dict[str, str] = {
    "sign_in_failed": N_("The e-mail address or the password is not right."),
    "sign_in_throttled": N_("Too many failed sign-ins. Wait a quarter of an hour and try again."),
    "totp_wrong_code": N_("The code is not right. Check your authenticator's clock."),
    "totp_not_for_role": N_("Two-step sign-in is for operators and administrators."),
    "password_too_short": N_("The password needs at least 12 characters."),
    "password_too_long": N_("The password may have at most 256 characters."),
    "password_contains_email": N_("The password must not contain your e-mail name."),
    "name_required": N_("Write your name."),
    "link_not_valid": N_("This link was used already or has expired. Ask for a new one."),
    "invite_not_allowed": N_("You may not invite a person with this role."),
    "municipality_required": N_("A municipality's person (and only they) names a municipality."),
    "email_taken": N_("A person with this e-mail address exists already."),
    "person_not_found": N_("No such person."),
    "csrf_failed": N_("The form had expired. Please send it again."),
    "csrf_origin": N_("The form came from another site and was refused."),
    "participant_not_found": N_("No such participant."),
    "query_too_short": N_("Each word of the name needs at least two letters."),
    "case_plan_not_found": N_("No such case plan."),
    "role_not_allowed": N_("Your role may not do this."),
    "unavailable": N_("A service is not answering just now. Try again in a moment."),
    "not_found": N_("This page does not exist."),
    "error": N_("Something went wrong."),
    "worker_id_invalid": N_("That is not a support worker id."),
    "worker_not_linked": N_("No such support worker, or the id is linked to another person."),
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("This is too long."),
    "string_pattern_mismatch": N_("This is not in the right form."),
    "value_error": N_("This value is not valid."),
    "enum": N_("Choose one of the options."),
    "greater_than_equal": N_("The number is too small."),
    "less_than_equal": N_("The number is too large."),
    "int_parsing": N_("Write a whole number."),
    "float_parsing": N_("Write a number."),
    "date_from_datetime_parsing": N_("Write a date as dd.mm.yyyy."),
    "national_id": N_("This is not a valid personal identification code."),
    "choose_kinds": N_("Tick at least one kind of placement."),
    "hours_out_of_range": N_("Hours of a day are more than 0 and at most 24, in hundredths."),
    "hours_invalid": N_("Write a number."),
    "hours_not_positive": N_("Hours of a day are more than 0 and at most 24, in hundredths."),
    "hours_over_day": N_("Hours of a day are more than 0 and at most 24, in hundredths."),
    "hours_too_precise": N_("Hours of a day are more than 0 and at most 24, in hundredths."),
    "activity_finished": N_("The activity is finished and takes no more hours."),
    "activity_not_found": N_("No such activity."),
    "hours_not_logged_for_type": N_("Hours are logged only for work practice and training."),
    "case_closed": N_("The case plan is closed and takes no new work."),
    "before_start": N_("That day is before the start."),
    "exit_before_opening": N_("The exit cannot be before the case opened."),
    "title_empty": N_("This field is required."),
    "already_followed_up": N_("The follow-up was recorded already."),
    "follow_up_before_exit": N_("The follow-up comes after the exit."),
    "not_exited": N_("The person has not left yet."),
    "column_missing": N_("The column is missing."),
    "too_many_cells": N_("The row has more cells than the header."),
    "file_unreadable": N_("The file is empty, or neither CSV text nor an Excel (.xlsx) workbook."),
    "file_too_large": N_("The file is larger than 20 MB."),
    "malformed": N_("The row cannot be read."),
    "reason_required": N_("Write the reason in words when it is another reason."),
    "hours_min_above_max": N_("The hours at most are fewer than the hours at least."),
    "location_required": N_(
        "Your organisation has no place on the map: the opening must be done remotely."
    ),
    "seats_below_accepted": N_("More people are placed already than this many seats."),
    "unsafe_webhook_url": N_("The address must be a public https address."),
    "stop_ends_before_start": N_("The last day is before the first."),
    "stops_overlap": N_("The centre is at another stop on one of these days: one place a day."),
    "opening_closed": N_("The opening is closed and cannot be changed."),
    "match_accepted": N_("The proposal was accepted already."),
    "match_declined": N_("The proposal was declined already."),
    "match_expired": N_("The proposal has expired."),
    "match_withdrawn": N_("The proposal was withdrawn."),
    "no_seats_left": N_("The opening has no seats left."),
    "match_not_found": N_("No such proposal."),
    "opening_not_found": N_("No such opening."),
}

FIELDS: dict[str, str] = {
    "given_name": N_("Given name"),
    "family_name": N_("Family name"),
    "national_id": N_("Personal identification code"),
    "labour_market_status": N_("Labour market status"),
    "months_unemployed": N_("Months unemployed"),
    "contact.email": N_("E-mail"),
    "contact.phone": N_("Phone"),
    "home.postal_code": N_("Postal code"),
}


def words_of(code: str, gettext: Callable[[str], str]) -> str:
    """The translated words for a code (a generic sentence for a code we do not know)."""
    return gettext(CODES.get(code, CODES["error"]))


def field_words(error: dict[str, str], gettext: Callable[[str], str]) -> str:
    """Words for one field error from a service: by the rule's type, national id by field."""
    if error.get("field") == "national_id" and error.get("type") == "value_error":
        return gettext(CODES["national_id"])
    return words_of(error.get("type", "error"), gettext)


VOCABULARY: tuple[str, ...] = (
    # Values the services send, shown in words (kept here so the catalogues carry them).
    N_("unemployed"),
    N_("long_term_unemployed"),
    N_("inactive"),
    N_("employed"),
    N_("case_management"),
    N_("matching"),
    N_("employer_contact"),
    N_("reporting"),
    N_("follow_up"),
    N_("waiting"),
    N_("open"),
    N_("active"),
    N_("closed"),
    N_("planned"),
    N_("in_progress"),
    N_("completed"),
    N_("dropped"),
    N_("adaptation_training"),
    N_("work_practice"),
    N_("vocational_training"),
    N_("coaching_session"),
    N_("support_meeting"),
    N_("telework_training"),
    N_("job_search"),
    N_("other"),
    N_("workshop_place"),
    N_("low_threshold_job"),
    N_("wage_subsidised_job"),
    N_("regular_job"),
    N_("volunteering"),
    N_("training_place"),
    N_("self_employed"),
    N_("education_or_training"),
    N_("qualification_gained"),
    N_("job_searching"),
    N_("improved_situation"),
    N_("not_reached"),
    N_("proposed"),
    N_("accepted"),
    N_("declined"),
    N_("expired"),
    N_("withdrawn"),
    N_("required_skills"),
    N_("nice_to_have"),
    N_("distance"),
    N_("interests"),
    N_("waiting"),
)

"""Words for the codes caseplan and matching send to the support worker's pages."""

from __future__ import annotations

from services.web.i18n import N_

NEXT_STEPS = {
    "waiting_for_worker": N_("Waiting for a support worker"),
    "planned_activity": N_("Planned activity"),
    "in_placement": N_("In a placement"),
    "awaiting_proposal": N_("Ready for matching: waiting for a proposal"),
    "ready_for_matching": N_("Mark ready for matching"),
    "follow_up_due": N_("Follow-up due"),
    "follow_up_later": N_("Follow-up on"),
    "none": N_("Nothing due"),
}
"""A case's next step (caseplan's `next_step.kind`)."""

DECLINE_CODES = {
    "not_reachable": N_("The participant could not be reached"),
    "position_filled": N_("The position was filled"),
    "skills_do_not_fit": N_("The skills do not fit"),
    "participant_declined": N_("The participant declined"),
    "other": N_("Another reason"),
}
"""Why an organisation declined a proposal (matching's `decline_code`)."""

CONSTRAINTS = {
    "seats_left": N_("No seats left"),
    "eligibility": N_("Reserved for other groups"),
    "opening_kind": N_("Not a kind of placement the case plan aims at"),
    "language": N_("No shared language"),
    "hours": N_("Needs more hours a week than the person has"),
    "travel": N_("Too far away"),
    "accessibility": N_("Accessibility needs not met"),
}
"""The hard constraint that ruled openings out (matching's `excluded[].constraint`)."""

STANDINGS = {
    "not_ready": N_("The person is not marked ready for matching."),
    "placed": N_("The person is in a placement."),
    "nothing_fits": N_("No open placement fits the person yet."),
    "fits_already_proposed": N_(
        "The placements that fit were proposed once already; a pair is proposed only once."
    ),
    "fits": N_("Some placements fit: a proposal follows when a proposal slot is free."),
}
"""Why there is no live proposal (matching's `no_proposal.standing`)."""

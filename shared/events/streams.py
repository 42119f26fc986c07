"""Redis stream names: the one place they are defined."""

from typing import Final

INTAKE: Final = "polku.intake"
"""Events produced by the intake service (participant.*)."""
CASEPLAN: Final = "polku.caseplan"
"""Events produced by the caseplan service (caseplan.*, activity.*, placement.*, ...)."""
MATCHING: Final = "polku.matching"
"""Events produced by the matching service (opening.*, match.*)."""
INTAKE_REQUESTS: Final = "polku.intake.requests"
"""Inbound intake requests published by municipality systems."""
DEAD_LETTER: Final = "polku.dead-letter"
"""Entries that could not be processed, with the reason."""

PRODUCED_BY: Final = {"intake": INTAKE, "caseplan": CASEPLAN, "matching": MATCHING}
ALL_EVENT_STREAMS: Final = (INTAKE, CASEPLAN, MATCHING)

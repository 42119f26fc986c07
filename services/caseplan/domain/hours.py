"""Logged hours: positive, in hundredths, at most 24 in one day."""

from decimal import Decimal, InvalidOperation

from services.caseplan.domain.refusal import Refusal

MAX_HOURS_PER_DAY = Decimal(24)
HUNDREDTH = Decimal("0.01")


def valid_hours(hours: Decimal | float | str, already_that_day: Decimal) -> Decimal:
    """The hours as an exact decimal, refused unless positive and within 24 for the day."""
    try:
        value = Decimal(str(hours))
    except InvalidOperation as exc:
        raise Refusal("hours_invalid", "hours must be a number", status=422) from exc
    if not value.is_finite() or value <= 0:
        raise Refusal("hours_not_positive", "hours must be more than zero", status=422)
    if value != value.quantize(HUNDREDTH):
        raise Refusal("hours_too_precise", "hours are logged in hundredths at most", status=422)
    if value > MAX_HOURS_PER_DAY:
        raise Refusal("hours_over_day", "at most 24 hours can be logged for one day", status=422)
    if already_that_day + value > MAX_HOURS_PER_DAY:
        raise Refusal(
            "hours_over_day",
            f"{already_that_day} hours are already logged that day; at most 24 in total",
            status=422,
        )
    return value

"""Logged hours: positive, in hundredths, at most 24 in one day."""

from decimal import Decimal, InvalidOperation

from services.caseplan.domain.refusal import Refusal

MAX_HOURS_PER_DAY = Decimal(24)
HUNDREDTH = Decimal("0.01")


def _refused(reason: str, message: str) -> Refusal:
    return Refusal(reason, message, status=422, field="hours")


def valid_hours(hours: Decimal | float | str, already_that_day: Decimal) -> Decimal:
    """The hours as an exact decimal, refused unless positive and within 24 for the day."""
    try:
        value = Decimal(str(hours))
    except InvalidOperation as exc:
        raise _refused("hours_invalid", "hours must be a number") from exc
    if not value.is_finite() or value <= 0:
        raise _refused("hours_not_positive", "hours must be more than zero")
    # compared before rounding: quantizing a huge value such as 1e400 is itself an error
    if value > MAX_HOURS_PER_DAY:
        raise _refused("hours_over_day", "at most 24 hours can be logged for one day")
    if value != value.quantize(HUNDREDTH):
        raise _refused("hours_too_precise", "hours are logged in hundredths at most")
    if already_that_day + value > MAX_HOURS_PER_DAY:
        raise _refused(
            "hours_over_day",
            f"{already_that_day} hours are already logged that day; at most 24 in total",
        )
    return value

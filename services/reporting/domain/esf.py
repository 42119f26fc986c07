"""The ESF indicator table: every indicator, with the gender breakdown and refusals."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from services.reporting.domain import indicators_plus
from services.reporting.domain.indicators import INDICATORS, Indicator
from services.reporting.domain.record import ParticipantRecord
from services.reporting.settings import ReportingSettings

SEXES = ("female", "male", "non_binary", "unknown")
"""The gender breakdown: ESF+ women, men, non-binary (and not known)."""

assert indicators_plus  # imported for its registrations


def all_indicators() -> list[Indicator]:
    """Every defined indicator, 2014–2020 first, then ESF+."""
    return list(INDICATORS.values())


def membership(record: ParticipantRecord, settings: ReportingSettings) -> set[str]:
    """The codes of every indicator the participant is counted in."""
    return {i.code for i in all_indicators() if counted(i, record, settings)}


def counted(ind: Indicator, record: ParticipantRecord, settings: ReportingSettings) -> bool:
    """Counted in `ind`; special-category indicators never count a participant who refused."""
    if ind.special_category and record.special_categories_refused:
        return False
    return ind.counts(record, settings)


def indicator_row(
    ind: Indicator, records: Iterable[ParticipantRecord], settings: ReportingSettings
) -> dict[str, Any]:
    """One indicator's count, its breakdown by sex, and refusals counted as 'not reported'."""
    by_sex = dict.fromkeys(SEXES, 0)
    not_reported = 0
    for record in records:
        if ind.special_category and record.special_categories_refused:
            not_reported += 1
        elif ind.counts(record, settings):
            by_sex[sex_of(record.sex)] += 1
    return indicator_row_of(ind, by_sex, not_reported)


def sex_of(sex: str) -> str:
    """The breakdown column a participant's sex is counted in."""
    return sex if sex in SEXES else "unknown"


def indicator_row_of(ind: Indicator, by_sex: dict[str, int], not_reported: int) -> dict[str, Any]:
    """The indicator's row from its counts by sex and the refusals."""
    row: dict[str, Any] = {"code": ind.code, "title": ind.title, "programme": ind.programme}
    row["kind"] = ind.kind
    row["total"] = sum(by_sex.values())
    row.update(by_sex)
    row["not_reported"] = not_reported if ind.special_category else None
    return row


def indicator_table(
    records: list[ParticipantRecord], settings: ReportingSettings
) -> list[dict[str, Any]]:
    """Every indicator's row over the given participants."""
    return [indicator_row(ind, records, settings) for ind in all_indicators()]

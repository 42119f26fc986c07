"""ESF common participant indicators: each one a named definition over a participant record.

Sources: Reg. (EU) 1304/2013 Annex I (2014–2020) and Reg. (EU) 2021/1057 Annex I (ESF+),
as summarised in shared/reference/esf-indicators.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services.reporting.domain.record import (
    EMPLOYED,
    ParticipantRecord,
    employed_six_months_after,
    is_disadvantaged,
    is_long_term_unemployed,
    is_other_disadvantaged,
    leaving_situations,
)
from services.reporting.settings import Population, ReportingSettings

Rule = Callable[[ParticipantRecord, ReportingSettings], bool]


@dataclass(frozen=True)
class Indicator:
    """One ESF indicator: its code, what it counts, and the rule deciding membership."""

    code: str
    title: str
    programme: str
    kind: str
    rule: Rule
    special_category: bool = False

    def counts(self, record: ParticipantRecord, settings: ReportingSettings) -> bool:
        """Whether the participant is counted in this indicator."""
        return self.rule(record, settings)


INDICATORS: dict[str, Indicator] = {}
"""Every indicator by code, in definition order."""


def indicator(
    code: str, title: str, kind: str = "output", *, special_category: bool = False
) -> Callable[[Rule], Rule]:
    """Decorator: register a rule as the named indicator `code`."""
    programme = "ESF+ 2021-2027" if code.startswith("EE") else "ESF 2014-2020"

    def register(rule: Rule) -> Rule:
        INDICATORS[code] = Indicator(code, title, programme, kind, rule, special_category)
        return rule

    return register


def in_population(record: ParticipantRecord, population: Population) -> bool:
    """Whether a participant belongs to a configurable 'counted among' population."""
    if population == "unemployed_or_inactive":
        return record.unemployed_at_entry or record.inactive_at_entry
    if population == "inactive":
        return record.inactive_at_entry
    if population == "employed":
        return record.employed_at_entry
    return True


def age_at_least(record: ParticipantRecord, years: int) -> bool:
    return record.age_at_entry is not None and record.age_at_entry >= years


def age_below(record: ParticipantRecord, years: int) -> bool:
    return record.age_at_entry is not None and record.age_at_entry < years


def isced_in(record: ParticipantRecord, low: int, high: int) -> bool:
    return record.isced_level is not None and low <= record.isced_level <= high


def _inactive_not_in_education(record: ParticipantRecord) -> bool:
    return record.inactive_at_entry and not record.in_education_at_entry


def _employed_on_leaving(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return bool(leaving_situations(r, s) & EMPLOYED)


# -- ESF 2014–2020 output indicators (at entry) ----------------------------------------------
@indicator("CO01", "unemployed, including long-term unemployed")
def co01(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return r.unemployed_at_entry


@indicator("CO02", "long-term unemployed")
def co02(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return is_long_term_unemployed(r, s)


@indicator("CO03", "inactive")
def co03(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return r.inactive_at_entry


@indicator("CO04", "inactive, not in education or training")
def co04(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return _inactive_not_in_education(r)


@indicator("CO05", "employed, including self-employed")
def co05(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return r.employed_at_entry


@indicator("CO06", "below 25 years of age")
def co06(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return age_below(r, 25)


@indicator("CO07", "above 54 years of age")
def co07(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return age_at_least(r, 55)


@indicator("CO08", "above 54, unemployed or inactive not in education or training")
def co08(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return age_at_least(r, 55) and (r.unemployed_at_entry or _inactive_not_in_education(r))


@indicator("CO09", "ISCED 1 or 2 (primary or lower secondary)")
def co09(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return isced_in(r, 1, 2)


@indicator("CO10", "ISCED 3 or 4 (upper secondary or post-secondary)")
def co10(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return isced_in(r, 3, 4)


@indicator("CO11", "ISCED 5 to 8 (tertiary)")
def co11(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return isced_in(r, 5, 8)


@indicator("CO15", "migrants, foreign background, minorities", special_category=True)
def co15(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return "migrant_or_minority" in r.risk_groups


@indicator("CO16", "participants with disabilities", special_category=True)
def co16(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return "disability" in r.risk_groups


@indicator("CO17", "other disadvantaged", special_category=True)
def co17(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return is_other_disadvantaged(r, s)


# -- ESF 2014–2020 immediate results (upon leaving) ------------------------------------------
@indicator("CR01", "inactive participants newly engaged in job searching upon leaving", "result")
def cr01(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return in_population(r, s.cr01_population) and "job_searching" in leaving_situations(r, s)


@indicator("CR02", "in education or training upon leaving", "result")
def cr02(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return "education_or_training" in leaving_situations(r, s)


@indicator("CR03", "gaining a qualification upon leaving", "result")
def cr03(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return "qualification_gained" in leaving_situations(r, s)


@indicator("CR04", "in employment, including self-employment, upon leaving", "result")
def cr04(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return in_population(r, s.cr04_population) and _employed_on_leaving(r, s)


_CR05_SITUATIONS = EMPLOYED | {"job_searching", "education_or_training", "qualification_gained"}


@indicator(
    "CR05",
    "disadvantaged: job searching, in education, qualified or employed upon leaving",
    "result",
    special_category=True,
)
def cr05(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return is_disadvantaged(r, s) and bool(leaving_situations(r, s) & _CR05_SITUATIONS)


# -- ESF 2014–2020 longer-term results (six months after leaving) -----------------------------
@indicator("CR06", "in employment, including self-employment, six months after", "longer_term")
def cr06(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return in_population(r, s.cr06_population) and employed_six_months_after(r)


@indicator("CR07", "improved labour market situation six months after leaving", "longer_term")
def cr07(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return r.employed_at_entry and r.follow_up_outcome == "improved_situation"


@indicator("CR08", "above 54 in employment six months after leaving", "longer_term")
def cr08(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return age_at_least(r, 55) and employed_six_months_after(r)


@indicator(
    "CR09",
    "disadvantaged in employment six months after leaving",
    "longer_term",
    special_category=True,
)
def cr09(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return is_disadvantaged(r, s) and employed_six_months_after(r)

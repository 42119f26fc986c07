"""ESF+ 2021–2027 common indicators (Reg. (EU) 2021/1057 Annex I), registered with the rest.

EECO13–EECO17 (third-country nationals, foreign background, minorities, homeless, rural)
need data the events do not carry, so they are not defined.
"""

from __future__ import annotations

from services.reporting.domain.indicators import (
    age_at_least,
    age_below,
    in_population,
    indicator,
    isced_in,
)
from services.reporting.domain.record import (
    EMPLOYED,
    ParticipantRecord,
    employed_six_months_after,
    is_long_term_unemployed,
    last_labour_market_situation,
    leaving_situations,
)
from services.reporting.settings import ReportingSettings


@indicator("EECO01", "total participants")
def eeco01(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return True


@indicator("EECO02", "unemployed, including long-term unemployed")
def eeco02(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return r.unemployed_at_entry


@indicator("EECO03", "long-term unemployed")
def eeco03(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return is_long_term_unemployed(r, s)


@indicator("EECO04", "inactive")
def eeco04(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return r.inactive_at_entry


@indicator("EECO05", "employed, including self-employed")
def eeco05(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return r.employed_at_entry


@indicator("EECO06", "children below 18")
def eeco06(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return age_below(r, 18)


@indicator("EECO07", "young people 18-29")
def eeco07(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return age_at_least(r, 18) and age_below(r, 30)


@indicator("EECO08", "55 and above")
def eeco08(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return age_at_least(r, 55)


@indicator("EECO09", "ISCED 0-2")
def eeco09(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return isced_in(r, 0, 2)


@indicator("EECO10", "ISCED 3-4")
def eeco10(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return isced_in(r, 3, 4)


@indicator("EECO11", "ISCED 5-8")
def eeco11(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return isced_in(r, 5, 8)


@indicator("EECO12", "participants with disabilities", special_category=True)
def eeco12(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return "disability" in r.risk_groups


@indicator("EECR01", "engaged in job searching upon leaving", "result")
def eecr01(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return in_population(r, s.eecr01_population) and (
        last_labour_market_situation(r, s) == "job_searching"
    )


@indicator("EECR02", "in education or training upon leaving", "result")
def eecr02(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return "education_or_training" in leaving_situations(r, s)


@indicator("EECR03", "gaining a qualification upon leaving", "result")
def eecr03(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return "qualification_gained" in leaving_situations(r, s)


@indicator("EECR04", "in employment, including self-employment, upon leaving", "result")
def eecr04(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return in_population(r, s.eecr04_population) and (
        last_labour_market_situation(r, s) in EMPLOYED
    )


@indicator("EECR05", "in employment, including self-employment, six months after", "longer_term")
def eecr05(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return in_population(r, s.eecr05_population) and employed_six_months_after(r)


@indicator("EECR06", "improved labour market situation six months after", "longer_term")
def eecr06(r: ParticipantRecord, s: ReportingSettings) -> bool:
    return r.employed_at_entry and r.follow_up_outcome == "improved_situation"

"""Reporting's own settings (`POLKU_REPORTING_*`): the configurable parts of the ESF rules."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Population = Literal["all", "unemployed_or_inactive", "inactive", "employed"]
"""Which participants a result indicator is counted among."""


class ReportingSettings(BaseSettings):
    """ESF thresholds, the "counted among" populations, privacy and dashboard timings."""

    model_config = SettingsConfigDict(env_prefix="POLKU_REPORTING_", extra="ignore")

    long_term_months_under_25: int = Field(6, ge=0, description="LTU: more than N months if <25")
    long_term_months_25_plus: int = Field(12, ge=0, description="LTU: more than N months if 25+")
    upon_leaving_days: int = Field(28, ge=0, description="'upon leaving' window after exit")
    exit_day_counts: bool = Field(True, description="an event on the exit day is 'upon leaving'")
    qualification_counts_as_education: bool = Field(
        True, description="a qualification gained on leaving also counts as education/training"
    )
    low_skills_disadvantaged: bool = Field(
        False, description="count the low-skills risk group as 'other disadvantaged'"
    )
    cr01_population: Population = "inactive"
    cr04_population: Population = "unemployed_or_inactive"
    cr06_population: Population = "all"
    eecr01_population: Population = "inactive"
    eecr04_population: Population = "unemployed_or_inactive"
    eecr05_population: Population = "all"
    small_count_threshold: int = Field(5, ge=1, description="groups below this show as '<5'")
    support_worker_capacity: int = Field(
        25, ge=1, description="caseload limit of a worker whose events carry none (older events)"
    )
    gauge_refresh_seconds: float = Field(
        15.0, gt=0, description="how often the domain gauges are read (a scrape interval)"
    )
    metrics_timeout_seconds: float = Field(1.0, gt=0, description="scrape of other services")
    service_urls: dict[str, str] = Field(
        default_factory=dict,
        description="base URLs of the other services' /metrics (default: host and POLKU_*_PORT)",
    )

"""Request and response bodies of reporting's HTTP API (its filters are query parameters)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from shared.events.vocabulary import DeclineCode

Audience = Literal["internal", "external"]
"""internal: every figure; external: groups under 5 people shown as '<5'."""


class ReportTable(BaseModel):
    """One named report: its rows of figures."""

    report: str
    audience: Audience
    rows: list[dict[str, Any]]


class ParticipantFile(BaseModel):
    """The ESF participant-level file as JSON: one row per participant."""

    columns: list[str]
    rows: list[dict[str, Any]]


class DeclineRow(BaseModel):
    """How many matches organisations declined for one reason."""

    reason: DeclineCode
    declines: int


class WebDashboard(BaseModel):
    """The web front's operator dashboard: the network's key figures and the rows of five
    reports of the municipalities asked (none: the whole network)."""

    audience: Audience
    municipalities: list[str]
    summary: dict[str, Any]
    places: list[dict[str, Any]]
    unemployment_structure: list[dict[str, Any]]
    intermediate_labour_market: list[dict[str, Any]]
    timeseries: list[dict[str, Any]]
    caseloads: list[dict[str, Any]]

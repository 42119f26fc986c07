"""Where intake's subject access export finds the other services."""

from __future__ import annotations

import pytest

from services.intake.privacy import service_url
from shared.settings import Settings


def test_host_and_port_by_default() -> None:
    assert service_url(Settings(host="127.0.0.1", caseplan_port=9102), "caseplan") == (
        "http://127.0.0.1:9102"
    )


def test_a_configured_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLKU_INTAKE_SERVICE_URLS", '{"matching": "http://matching:8003"}')
    assert service_url(Settings(), "matching") == "http://matching:8003"
    assert service_url(Settings(reporting_port=8004), "reporting").endswith(":8004")

"""Reporting service: ESF indicators, the network's figures and the operators' dashboard."""

from __future__ import annotations

from fastapi import FastAPI

from services.reporting.aggregator import run_aggregator
from services.reporting.api import figures_router, router
from services.reporting.dashboard import router as dashboard_router
from services.reporting.errors import install_error_handlers
from services.reporting.gauges import refresh_domain_gauges
from services.reporting.handlers import register_handlers
from services.reporting.settings import ReportingSettings
from services.reporting.subject import router as subject_router
from shared import audit
from shared.openapi_errors import document_field_errors
from shared.runtime import ServiceDefinition, create_service_app
from shared.settings import Settings


def definition(reporting: ReportingSettings) -> ServiceDefinition:
    """What makes reporting itself: figures API, dashboard, handlers, aggregator, gauges."""
    return ServiceDefinition(
        name="reporting",
        title="Polku reporting",
        description="The network's figures and ESF indicators, built only from events.",
        routers=[figures_router, router, subject_router, audit.router, dashboard_router],
        register_handlers=register_handlers,
        background=[
            lambda runtime: run_aggregator(
                runtime.db, reporting, reminder_s=runtime.settings.outage_reminder_s
            ),
            lambda runtime: refresh_domain_gauges(runtime, reporting),
        ],
    )


def create_app(settings: Settings, reporting: ReportingSettings | None = None) -> FastAPI:
    """The reporting service's app."""
    reporting = reporting or ReportingSettings()
    app = create_service_app(definition(reporting), settings)
    app.state.reporting_settings = reporting
    install_error_handlers(app)
    document_field_errors(app)
    return app

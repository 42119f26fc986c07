"""Caseplan service: support workers, case plans, activities, placements, exits."""

from fastapi import FastAPI

from services.caseplan import (
    api,
    api_agreements,
    api_cases,
    api_meetings,
    api_placements,
    api_work,
)
from services.caseplan.errors import install_error_handlers
from services.caseplan.follow_ups import follow_up_job
from services.caseplan.handlers import register_handlers
from services.caseplan.retention import retention_job
from shared import audit
from shared.openapi_errors import document_field_errors
from shared.runtime import ServiceDefinition, create_service_app
from shared.settings import Settings

DEFINITION = ServiceDefinition(
    name="caseplan",
    title="Polku caseplan",
    description="Support workers keep a case plan for each participant.",
    routers=[
        api.router,
        api_cases.router,
        api_work.router,
        api_placements.router,
        api_agreements.router,
        api_meetings.router,
        audit.router,
    ],
    register_handlers=register_handlers,
    background=[retention_job, follow_up_job],
)


def create_app(settings: Settings) -> FastAPI:
    """The caseplan service's app, answering refusals and bad input with a reason."""
    app = create_service_app(DEFINITION, settings)
    install_error_handlers(app)
    document_field_errors(app)
    return app

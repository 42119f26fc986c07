"""Intake service: where a person enters the network."""

from fastapi import FastAPI

from services.intake.api import router
from services.intake.batch import MAX_BYTES
from services.intake.errors import install_error_handlers
from services.intake.handlers import register_handlers
from services.intake.service import name_index_job
from shared import audit, keys_api
from shared.openapi_errors import document_field_errors
from shared.runtime import ServiceDefinition, create_service_app
from shared.settings import Settings

DEFINITION = ServiceDefinition(
    name="intake",
    title="Polku intake",
    description="Municipalities register participants, with consent, deduplication and privacy.",
    routers=[router, audit.router, keys_api.router],
    register_handlers=register_handlers,
    background=[name_index_job],
)


def create_app(settings: Settings) -> FastAPI:
    """The intake service's app, answering bad input with a reason per field."""
    app = create_service_app(DEFINITION, settings)
    app.state.body_limits["/v1/intakes/batch"] = MAX_BYTES + 64 * 1024  # the file + form fields
    install_error_handlers(app)
    document_field_errors(app)
    return app

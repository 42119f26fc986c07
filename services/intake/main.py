"""Intake service: where a person enters the network."""

from fastapi import FastAPI

from services.intake.api import router
from services.intake.errors import install_error_handlers
from services.intake.handlers import register_handlers
from shared.runtime import ServiceDefinition, create_service_app
from shared.settings import Settings

DEFINITION = ServiceDefinition(
    name="intake",
    title="Polku intake",
    description="Municipalities register participants, with consent, deduplication and privacy.",
    routers=[router],
    register_handlers=register_handlers,
)


def create_app(settings: Settings) -> FastAPI:
    """The intake service's app, answering bad input with a reason per field."""
    app = create_service_app(DEFINITION, settings)
    install_error_handlers(app)
    return app

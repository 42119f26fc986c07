"""Intake service: where a person enters the network."""

from fastapi import FastAPI

from services.intake.api import router
from shared.runtime import ServiceDefinition, create_service_app
from shared.settings import Settings

DEFINITION = ServiceDefinition(
    name="intake",
    title="Polku intake",
    description="Municipalities register participants, with consent, deduplication and privacy.",
    routers=[router],
)


def create_app(settings: Settings) -> FastAPI:
    """The intake service's app."""
    return create_service_app(DEFINITION, settings)

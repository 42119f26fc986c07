"""Reporting service: ESF indicators, the network's figures and the operators' dashboard."""

from fastapi import FastAPI

from services.reporting.api import router
from services.reporting.handlers import register_handlers
from shared.runtime import ServiceDefinition, create_service_app
from shared.settings import Settings

DEFINITION = ServiceDefinition(
    name="reporting",
    title="Polku reporting",
    description="The network's figures and ESF indicators, built only from events.",
    routers=[router],
    register_handlers=register_handlers,
)


def create_app(settings: Settings) -> FastAPI:
    """The reporting service's app."""
    return create_service_app(DEFINITION, settings)

"""Matching service: openings, explained matches, employer notifications."""

from fastapi import FastAPI

from services.matching.api import router
from services.matching.handlers import register_handlers
from shared.runtime import ServiceDefinition, create_service_app
from shared.settings import Settings

DEFINITION = ServiceDefinition(
    name="matching",
    title="Polku matching",
    description="Participants matched to low-threshold openings, with explanations.",
    routers=[router],
    register_handlers=register_handlers,
)


def create_app(settings: Settings) -> FastAPI:
    """The matching service's app."""
    return create_service_app(DEFINITION, settings)

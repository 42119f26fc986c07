"""Matching service: openings, explained matches, employer notifications."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from services.matching import api_case
from services.matching.api import router
from services.matching.errors import install_error_handlers
from services.matching.handlers import register_handlers
from services.matching.jobs import make_expiry_job
from services.matching.network_api import router as network_router
from services.matching.sender import make_webhook_sender
from services.matching.settings import MatchingSettings
from shared import audit
from shared.openapi_errors import document_field_errors
from shared.runtime import ServiceDefinition, create_service_app
from shared.settings import Settings


def definition(matching: MatchingSettings) -> ServiceDefinition:
    """The matching service, tuned by its own settings."""
    return ServiceDefinition(
        name="matching",
        title="Polku matching",
        description="Participants matched to low-threshold openings, with explanations.",
        routers=[router, network_router, api_case.router, audit.router],
        register_handlers=partial(register_handlers, settings=matching),
        background=[make_webhook_sender(matching), make_expiry_job(matching)],
    )


def create_app(settings: Settings, matching: MatchingSettings | None = None) -> FastAPI:
    """The matching service's app."""
    matching = matching or MatchingSettings()
    app = create_service_app(definition(matching), settings)
    app.state.matching_settings = matching
    install_error_handlers(app)
    document_field_errors(app)
    return app

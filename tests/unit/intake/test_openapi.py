"""Intake's OpenAPI document lists every route and its request models."""

from services.intake.main import create_app
from shared.settings import Settings


def test_openapi_documents_the_intake_routes() -> None:
    doc = create_app(Settings()).openapi()
    paths = doc["paths"]
    assert {"post"} <= set(paths["/v1/intakes"])
    assert "post" in paths["/v1/intakes/batch"]
    assert {"get", "patch"} <= set(paths["/v1/participants/{participant_id}"])
    assert "post" in paths["/v1/participants/{participant_id}/consent-withdrawal"]
    schemas = doc["components"]["schemas"]
    registration = schemas["RegistrationIn"]
    assert {"national_id", "registered_on"} <= set(registration["properties"])
    assert registration["additionalProperties"] is False

"""The web front's own settings, read from `POLKU_WEB_*` environment variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import SERVICES, Settings


class WebSettings(BaseSettings):
    """Where the services are, how long sessions live, how sign-ins are throttled."""

    model_config = SettingsConfigDict(env_prefix="POLKU_WEB_", extra="ignore")

    service_urls: dict[str, str] = Field(
        default_factory=dict,
        description="base URLs of the four services (default: host and POLKU_*_PORT)",
    )
    cookie_secure: bool = Field(True, description="send the session cookie only over HTTPS")
    session_hours: float = Field(8.0, gt=0, description="a signed-in session's idle lifetime")
    identity_ttl_s: int = Field(60, ge=5, le=300, description="life of a signed identity")
    invitation_days: float = Field(7.0, gt=0, description="how long an invitation link works")
    reset_hours: float = Field(24.0, gt=0, description="how long a reset link works")
    throttle_failures: int = Field(5, ge=1, description="failed sign-ins of an account allowed")
    throttle_client_failures: int = Field(20, ge=1, description="failures from one address")
    throttle_window_s: float = Field(900.0, gt=0, description="the window they are counted in")
    demo_people: bool = Field(False, description="list the demo people on the sign-in page")

    def url_of(self, service: str, settings: Settings) -> str:
        """Base URL of one of the four services."""
        assert service in SERVICES
        found = self.service_urls.get(service)
        return found or f"http://{settings.host}:{settings.port_of(service)}"

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
    public_url: str = Field("", description="the web front's address, for links in e-mail")
    smtp_host: str = Field("", description="SMTP server for e-mail (none: development mailbox)")
    smtp_port: int = Field(25, ge=1, le=65535, description="its port")
    smtp_from: str = Field("polku@localhost", description="the sender address of e-mail")
    smtp_starttls: bool = Field(False, description="upgrade the connection with STARTTLS")
    smtp_user: str | None = Field(None, description="SMTP login, when the server asks one")
    smtp_password: str | None = Field(None, description="its password")
    smtp_timeout_s: float = Field(10.0, gt=0, description="one SMTP conversation at most")
    mail_interval_s: float = Field(5.0, gt=0, description="how often due e-mail is sent")
    mail_retry_s: float = Field(60.0, gt=0, description="first retry after a failure (doubles)")
    mail_max_attempts: int = Field(8, ge=1, description="attempts before a mail is given up")
    digest_hours: float = Field(24.0, gt=0, description="a daily digest's period")

    def url_of(self, service: str, settings: Settings) -> str:
        """Base URL of one of the four services."""
        assert service in SERVICES
        found = self.service_urls.get(service)
        return found or f"http://{settings.host}:{settings.port_of(service)}"

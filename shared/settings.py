"""Polku's settings: one pydantic-settings class, read from `POLKU_*` environment variables."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES: tuple[str, ...] = ("intake", "caseplan", "matching", "reporting")
DEFAULT_PORTS: dict[str, int] = {
    "intake": 8001,
    "caseplan": 8002,
    "matching": 8003,
    "reporting": 8004,
}
_PLACEHOLDER = "change-me"


class Settings(BaseSettings):
    """Every setting Polku reads; the README's settings table lists the same names."""

    model_config = SettingsConfigDict(env_prefix="POLKU_", extra="ignore")

    database_url: str = Field(
        "postgresql://postgres@127.0.0.1:5432/test", description="PostgreSQL DSN"
    )
    migration_database_url: str | None = Field(
        None, description="owner DSN migrations run as (default: database_url)"
    )
    intake_database_url: str | None = Field(None, description="intake's own login role's DSN")
    caseplan_database_url: str | None = Field(None, description="caseplan's login role's DSN")
    matching_database_url: str | None = Field(None, description="matching's login role's DSN")
    reporting_database_url: str | None = Field(None, description="reporting's login role's DSN")
    redis_url: str = Field("redis://127.0.0.1:6379/0", description="Redis URL")
    host: str = Field("127.0.0.1", description="address the HTTP servers bind to")
    intake_port: int = 8001
    caseplan_port: int = 8002
    matching_port: int = 8003
    reporting_port: int = 8004

    db_pool_size: int = Field(10, ge=2, le=100, description="PostgreSQL connections per process")
    consumer_batch_size: int = Field(200, ge=1, le=5000, description="entries per XREADGROUP")
    consumer_block_ms: int = Field(500, ge=1, description="XREADGROUP block time")
    claim_idle_ms: int = Field(
        5000, ge=10, description="idle time before a pending entry is claimed"
    )
    claim_interval_ms: int = Field(1000, ge=10, description="how often the claim loop runs")
    max_attempts: int = Field(5, ge=1, description="failed attempts before dead-lettering")
    stream_maxlen: int = Field(1_000_000, ge=1000, description="approximate MAXLEN of each stream")

    outbox_batch_size: int = Field(500, ge=1, le=10_000)
    outbox_retention_days: float = Field(7.0, gt=0)
    outbox_poll_ms: int = Field(
        1000, ge=10, description="relay fallback poll when no NOTIFY arrives"
    )
    redis_check_ms: int = Field(1000, ge=50, description="how often Redis run_id is checked")

    id_hash_secret: str = Field(
        "dev-only-id-hash-secret-000000000000", description="HMAC key for national id hashes"
    )
    encryption_key: str = Field(
        "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=",
        description="base64 AES-256-GCM key for personal data at rest",
    )
    webhook_signing_secret: str = Field("dev-only-webhook-secret", description="HMAC for webhooks")
    log_level: str = "INFO"
    log_json: bool = True

    @field_validator("id_hash_secret", "encryption_key", "webhook_signing_secret")
    @classmethod
    def _refuse_placeholder(cls, value: str) -> str:
        if value.strip() == "" or value == _PLACEHOLDER:
            raise ValueError("set a real secret, not a placeholder")
        return value

    def service_database_url(self, service: str) -> str:
        """The DSN a service connects as: its own login role's, else `database_url`."""
        return getattr(self, f"{service}_database_url", None) or self.database_url

    def owner_database_url(self) -> str:
        """The DSN migrations run as: the schemas' owner."""
        return self.migration_database_url or self.database_url

    def port_of(self, service: str) -> int:
        """HTTP port of one service."""
        return int(getattr(self, f"{service}_port"))


@lru_cache
def get_settings() -> Settings:
    """Settings read once from the environment."""
    return Settings()

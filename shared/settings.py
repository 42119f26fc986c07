"""Polku's settings: one pydantic-settings class, read from `POLKU_*` environment variables."""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES: tuple[str, ...] = ("intake", "caseplan", "matching", "reporting")
WEB = "web"
PROCESSES: tuple[str, ...] = (*SERVICES, WEB)
"""Every process `polku up` runs: the four services and the web front (no streams of its own)."""
DEFAULT_PORTS: dict[str, int] = {
    "intake": 8001,
    "caseplan": 8002,
    "matching": 8003,
    "reporting": 8004,
    "web": 8000,
}
_PLACEHOLDER = "change-me"
DEVELOPMENT_SECRETS: dict[str, str] = {
    "id_hash_secret": "dev-only-id-hash-secret-000000000000",
    "encryption_key": "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=",
    "webhook_signing_secret": "dev-only-webhook-secret",
    "web_identity_secret": "dev-only-web-identity-secret-0000000000",
}
"""The embedded defaults: published in this repository, so accepted only in development."""
MIN_ID_HASH_SECRET = 32
"""Characters of the national-id HMAC key: a short key lets the ids be guessed back."""
ENCRYPTION_KEY_BYTES = 32


class Settings(BaseSettings):
    """Every setting Polku reads; the README's settings table lists the same names."""

    model_config = SettingsConfigDict(
        env_prefix="POLKU_",
        extra="ignore",
        hide_input_in_errors=True,  # never print a secret
    )

    env: Literal["development", "production"] = Field(
        "production",
        description="development (embedded `polku up`, the demo, tests) accepts the"
        " development secrets; anything else must set its own",
    )

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
    web_database_url: str | None = Field(None, description="the web front's login role's DSN")
    redis_url: str = Field("redis://127.0.0.1:6379/0", description="Redis URL")
    host: str = Field("127.0.0.1", description="address the HTTP servers bind to")
    intake_port: int = 8001
    caseplan_port: int = 8002
    matching_port: int = 8003
    reporting_port: int = 8004
    web_port: int = Field(8000, description="HTTP port of the web front for people")

    db_pool_size: int = Field(10, ge=2, le=100, description="PostgreSQL connections per process")
    db_count_statements: bool = Field(
        False, description="count the pool's SQL statements in /metrics (the bench's round trips)"
    )
    consumer_batch_size: int = Field(200, ge=1, le=5000, description="entries per XREADGROUP")
    consumer_block_ms: int = Field(
        5000,
        ge=1,
        description="XREADGROUP block time (an idle stream costs a read per block; entries"
        " arriving end a block at once, so a longer block costs no latency)",
    )
    claim_idle_ms: int = Field(
        5000, ge=10, description="idle time before a pending entry is claimed"
    )
    claim_interval_ms: int = Field(1000, ge=10, description="how often the claim loop runs")
    max_attempts: int = Field(5, ge=1, description="failed attempts before dead-lettering")
    stream_maxlen: int = Field(1_000_000, ge=1000, description="approximate MAXLEN of each stream")

    outbox_batch_size: int = Field(500, ge=1, le=10_000)
    outbox_retention_days: float = Field(7.0, gt=0)
    outbox_poll_ms: int = Field(
        5000,
        ge=10,
        description="relay fallback poll when no NOTIFY arrives (rows a relay of another"
        " replica claimed and lost by dying before its commit; all else wakes it)",
    )
    outbox_prune_interval_s: float = Field(
        3600, gt=0, description="how often rows older than the retention window are deleted"
    )
    outbox_prune_batch_size: int = Field(1000, ge=1, le=100_000, description="rows per DELETE")
    redis_check_ms: int = Field(
        5000,
        ge=50,
        description="how often Redis's epoch is checked (a consumer's read that finds its"
        " group gone checks at once)",
    )
    redis_connect_timeout_s: float = Field(2.0, gt=0, description="Redis connect timeout")
    redis_socket_timeout_s: float = Field(
        10.0, gt=0, description="Redis reply timeout (longer than the XREADGROUP block)"
    )
    consumer_remove_idle_ms: int = Field(
        600_000,
        ge=1000,
        description="idle time after which a consumer without pending entries is removed",
    )
    outage_reminder_s: float = Field(
        30.0, gt=0, description="how often a loop facing a lost database says it still is"
    )

    id_hash_secret: str = Field(
        DEVELOPMENT_SECRETS["id_hash_secret"],
        min_length=MIN_ID_HASH_SECRET,
        description="HMAC key for national id hashes",
    )
    encryption_key: str = Field(
        DEVELOPMENT_SECRETS["encryption_key"],
        description="base64 AES-256-GCM key for personal data at rest",
    )
    webhook_signing_secret: str = Field(
        DEVELOPMENT_SECRETS["webhook_signing_secret"], description="HMAC for webhooks"
    )
    web_identity_secret: str = Field(
        DEVELOPMENT_SECRETS["web_identity_secret"],
        min_length=32,
        description="HMAC key of the web front's short-lived signed identity (HS256)",
    )
    log_level: str = "INFO"
    log_json: bool = True

    @field_validator(
        "id_hash_secret", "encryption_key", "webhook_signing_secret", "web_identity_secret"
    )
    @classmethod
    def _refuse_placeholder(cls, value: str) -> str:
        if value.strip() == "" or value == _PLACEHOLDER:
            raise ValueError("set a real secret, not a placeholder")
        return value

    @model_validator(mode="after")
    def _socket_timeout_outlasts_block(self) -> Settings:
        if self.redis_socket_timeout_s * 1000 <= self.consumer_block_ms:
            raise ValueError("redis_socket_timeout_s must exceed consumer_block_ms")
        return self

    @field_validator("encryption_key")
    @classmethod
    def _well_formed_key(cls, value: str) -> str:
        try:
            key = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("must be base64 (of 32 random bytes)") from None
        if len(key) != ENCRYPTION_KEY_BYTES:
            raise ValueError(f"must be base64 of 32 bytes, not {len(key)}")
        return value

    @model_validator(mode="after")
    def _development_secrets_only_in_development(self) -> Settings:
        if self.env == "development":
            return self
        used = [name for name, dev in DEVELOPMENT_SECRETS.items() if getattr(self, name) == dev]
        if used:
            names = ", ".join(f"POLKU_{n.upper()}" for n in used)
            raise ValueError(
                f"{names}: the development value, published with Polku; set a real secret,"
                " or POLKU_ENV=development on a development machine"
            )
        return self

    def service_database_url(self, service: str) -> str:
        """The DSN a service connects as: its own login role's, else `database_url`."""
        return getattr(self, f"{service}_database_url", None) or self.database_url

    def owner_database_url(self) -> str:
        """The DSN migrations run as: the schemas' owner."""
        return self.migration_database_url or self.database_url

    def port_of(self, service: str) -> int:
        """HTTP port of one service."""
        return int(getattr(self, f"{service}_port"))


def settings_at_start() -> Settings:
    """Settings from the environment, or exit naming each refused setting and why."""
    try:
        return Settings()
    except ValidationError as exc:
        reasons = [
            f"  {'POLKU_' + str(e['loc'][0]).upper() + ': ' if e['loc'] else ''}{e['msg']}"
            for e in exc.errors()
        ]
        raise SystemExit("polku: refusing to start:\n" + "\n".join(reasons)) from None


@lru_cache
def get_settings() -> Settings:
    """Settings read once from the environment."""
    return Settings()

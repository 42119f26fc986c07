"""Matching's own settings, read from `POLKU_MATCHING_*` environment variables."""

from __future__ import annotations

from functools import cached_property

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.matching.domain.scoring import ScoringConfig, Weights


class MatchingSettings(BaseSettings):
    """Score weights, proposal limits, expiry and webhook delivery of the matching service."""

    model_config = SettingsConfigDict(env_prefix="POLKU_MATCHING_", extra="ignore")

    weight_required_skills: float = Field(0.35, ge=0)
    weight_nice_to_have: float = Field(0.15, ge=0)
    weight_distance: float = Field(0.25, ge=0)
    weight_interests: float = Field(0.10, ge=0)
    weight_waiting: float = Field(0.15, ge=0)
    distance_decay_km: float = Field(25.0, gt=0, description="distance at which the factor is 1/e")
    waiting_saturation_days: float = Field(180.0, gt=0, description="waiting counts fully here")
    walking_km: float = Field(3.0, gt=0, description="how far someone without transport walks")

    max_live_proposals: int = Field(3, ge=1, description="live proposals one participant holds")
    proposals_per_seat: int = Field(2, ge=1, description="live proposals per free seat")
    proposal_ttl_s: float = Field(7 * 86400, gt=0, description="unanswered proposals expire")
    expiry_interval_s: float = Field(30.0, gt=0)

    allow_private_webhooks: bool = Field(False, description="allow loopback/private webhook URLs")
    webhook_interval_s: float = Field(
        5.0,
        gt=0,
        description="fallback look for due deliveries (NOTIFY wakes the sender, a known retry"
        " time is waited for; the fallback finds the leases of a sender that died, 15 s long)",
    )
    webhook_concurrency: int = Field(64, ge=1, description="deliveries in flight at once")
    webhook_max_attempts: int = Field(6, ge=1)
    webhook_backoff_s: float = Field(2.0, gt=0, description="first retry delay; doubles each time")
    webhook_timeout_s: float = Field(5.0, gt=0)

    @model_validator(mode="after")
    def _weights_positive(self) -> MatchingSettings:
        if self.weights().total <= 0:
            raise ValueError("at least one score weight must be positive")
        return self

    def weights(self) -> Weights:
        """The score weights as configured (normalised when scoring)."""
        return Weights(
            required_skills=self.weight_required_skills,
            nice_to_have=self.weight_nice_to_have,
            distance=self.weight_distance,
            interests=self.weight_interests,
            waiting=self.weight_waiting,
        )

    @cached_property
    def scoring_config(self) -> ScoringConfig:
        """`scoring()`, built once (proposals ask for it on every batch)."""
        return self.scoring()

    def scoring(self) -> ScoringConfig:
        """Everything the pure scoring and constraint functions need."""
        return ScoringConfig(
            weights=self.weights().normalised(),
            distance_decay_km=self.distance_decay_km,
            waiting_saturation_days=self.waiting_saturation_days,
            walking_km=self.walking_km,
        )

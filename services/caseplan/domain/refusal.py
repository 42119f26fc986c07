"""A change the rules refuse, with a machine-readable reason."""

from typing import Any


class Refusal(Exception):
    """The domain refused a change; `status` is the HTTP status the API answers with, and
    `field` the request field it is about (when it is about one)."""

    def __init__(
        self, reason: str, message: str, *, status: int = 409, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.status = status
        self.field = field

    def detail(self) -> dict[str, Any]:
        """The refusal as an API error body's `detail`."""
        out: dict[str, Any] = {"reason": self.reason, "message": self.message}
        if self.field is not None:
            out["field"] = self.field
        return out

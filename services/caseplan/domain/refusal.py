"""A change the rules refuse, with a machine-readable reason."""


class Refusal(Exception):
    """The domain refused a change; `status` is the HTTP status the API answers with."""

    def __init__(self, reason: str, message: str, *, status: int = 409) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.status = status

    def detail(self) -> dict[str, str]:
        """The refusal as an API error body's `detail`."""
        return {"reason": self.reason, "message": self.message}

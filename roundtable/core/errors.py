"""The one exception every service raises for a request it refuses."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be carried out, with a message for the person, the form field
    it concerns (if any) and the HTTP status an API or view should answer with."""

    def __init__(self, message: str, *, field: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status

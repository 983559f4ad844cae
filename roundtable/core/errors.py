"""The one exception every service raises for a request it refuses."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.forms import BaseForm


class ServiceError(Exception):
    """A request that cannot be carried out, with a message for the person, the form field
    it concerns (if any) and the HTTP status an API or view should answer with."""

    def __init__(self, message: str, *, field: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status

    def add_to(self, form: BaseForm) -> None:
        """Show the refusal on a form page: on the field it names when the form has that
        field, otherwise as an error of the whole form (listed in the page's error summary)."""
        form.add_error(self.field if self.field in form.fields else None, self.message)

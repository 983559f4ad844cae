"""Password rules of our own (AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class NotTheDemoPassword:
    """Refuse the demo's shared, published password for any account a person sets up, so that
    only the demo set-up (demo_data) ever has it, and a production start can find those
    accounts cheaply (roundtable/core/checks.py)."""

    def validate(self, password: str, user: Any = None) -> None:
        from roundtable.core.demo import DEMO_PASSWORD

        if password == DEMO_PASSWORD:
            raise ValidationError("This password is published with the demo. Choose your own.", code="demo_password")

    def get_help_text(self) -> str:
        return "Your password can't be the demo's published password."

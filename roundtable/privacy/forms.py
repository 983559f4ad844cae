from __future__ import annotations

from typing import Any

from django import forms

from roundtable.core.text import SingleLineField


class DeleteForm(forms.Form):
    """The deletion's confirmation: what to do with public contributions, and the person's email
    (or the word DELETE) typed out, so that nothing is deleted by a slip."""

    contributions = forms.ChoiceField(
        label="Your stories and lessons",
        choices=(
            ("remove", "Remove them"),
            ("keep", "Keep them for others, anonymous, as by “a former member”"),
        ),
        widget=forms.RadioSelect,
    )
    confirm = SingleLineField(
        label="To confirm, type your email address or the word DELETE",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_confirm(self) -> str:
        typed = self.cleaned_data["confirm"].strip()
        if typed != "DELETE" and typed.casefold() != self.email.casefold():
            raise forms.ValidationError("Type your email address exactly, or the word DELETE in capitals.")
        return typed

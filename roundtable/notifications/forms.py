"""The preferences form: for each registered kind, the inbox on or off and how it is emailed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from roundtable.accounts.models import User

from . import kinds
from .models import EmailChoice, Preference


@dataclass(frozen=True)
class KindRow:
    kind: kinds.Kind
    inbox: forms.BoundField
    email: forms.BoundField


class PreferencesForm(forms.Form):
    """Two fields per kind, named `inbox-<key>` and `email-<key>`; the initial values are the
    person's choices, or the kind's defaults where they made none."""

    def __init__(self, person: User, data: Any = None) -> None:
        super().__init__(data)
        self.kinds = kinds.all_kinds()
        saved = {p.kind: p for p in Preference.objects.filter(person=person)}
        for kind in self.kinds:
            row = saved.get(kind.key)
            self.fields[f"inbox-{kind.key}"] = forms.BooleanField(
                required=False,
                label="Show in my inbox",
                initial=row.inbox if row is not None else True,
            )
            self.fields[f"email-{kind.key}"] = forms.ChoiceField(
                choices=EmailChoice.choices,
                widget=forms.RadioSelect,
                label="Email",
                initial=row.email if row is not None else kind.email_default,
            )

    def rows(self) -> list[KindRow]:
        return [KindRow(kind=k, inbox=self[f"inbox-{k.key}"], email=self[f"email-{k.key}"]) for k in self.kinds]

    def choices(self) -> dict[str, tuple[bool, str]]:
        """{kind key: (inbox, email)} from a valid form."""
        return {
            k.key: (bool(self.cleaned_data[f"inbox-{k.key}"]), str(self.cleaned_data[f"email-{k.key}"]))
            for k in self.kinds
        }

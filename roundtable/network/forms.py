"""The network app's forms: an ask, an answer, a facilitator's proposal. People are chosen by
public id among the group's active members (selectors.people_of_group); anything else is a
form error, never a lookup of someone hidden."""

from __future__ import annotations

from typing import Any

from django import forms

from roundtable.accounts.models import User
from roundtable.core.text import SingleLineField

from .services import NOTE_MAX


def _choices(people: list[User], blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(u.public_id, u.display_name) for u in people]


class _PeopleForm(forms.Form):
    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {u.public_id: u for u in people}

    def person(self, name: str) -> User:
        return self.people[self.cleaned_data[name]]


class AskForm(_PeopleForm):
    target = forms.ChoiceField(label="Who you'd like to meet")
    introducer = forms.ChoiceField(
        label="Who you ask to introduce you", help_text="Someone who knows them: a facilitator is often a good choice."
    )
    note = SingleLineField(
        label="Your note",
        max_length=NOTE_MAX,
        help_text="Why you'd like to meet, in one line. The person you ask reads it, and the person "
        "you'd like to meet too if it is passed on. Your email is shared only once everyone says yes.",
    )

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, people=people, **kwargs)
        self.fields["target"].choices = _choices(people, "Choose a person")  # type: ignore[attr-defined]
        self.fields["introducer"].choices = _choices(people, "Choose a person")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target") and data.get("target") == data.get("introducer"):
            self.add_error("introducer", "Ask someone else to introduce you: not the person you'd like to meet.")
        return data


class AnswerForm(forms.Form):
    """Yes to an introduction. The introducer passes it on with a note for the target, required
    (`for_introducer`), labelled with the target's name, so the field and the error summary
    name the same thing; the others only accept, with no note."""

    note = SingleLineField(label="Your note", max_length=NOTE_MAX, required=False)

    def __init__(self, *args: Any, for_introducer: bool = False, target_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if for_introducer:
            field = self.fields["note"]
            field.required = True
            field.label = f"Your note to {target_name}: why should they meet?"
            field.error_messages["required"] = "Add a line for them: why these two should meet."


class DeclineForm(forms.Form):
    block = forms.BooleanField(label="Don't let them ask me again", required=False)


class ProposeForm(_PeopleForm):
    asker = forms.ChoiceField()
    target = forms.ChoiceField()
    note = SingleLineField(label="Your note to both", max_length=NOTE_MAX)

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, people=people, **kwargs)
        choices = [(u.public_id, u.display_name) for u in people]
        self.fields["asker"].choices = choices  # type: ignore[attr-defined]
        self.fields["target"].choices = choices  # type: ignore[attr-defined]

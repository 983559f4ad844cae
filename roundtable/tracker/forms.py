"""Forms of the tracker's pages. Each turns into a services data object; the services apply
the field rules (the same for the API and the importer), and their TrackerError lands on
the field it names (views.apply_error)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.http import Http404

from roundtable.accounts.models import User
from roundtable.core import dates
from roundtable.core.ids import is_public_id
from roundtable.core.text import LinkField, MultiLineField, SingleLineField, single_line
from roundtable.groups.forms import OneMessagePerField

from . import imports, selectors, services
from .models import ActivityKind, Opportunity, Source, Stage

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DayField(forms.DateField):
    """A calendar day in the product's range (core.dates), as an <input type=date>."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _DATE)
        kwargs.setdefault("required", False)
        kwargs.setdefault("error_messages", {"invalid": "Write the date as YYYY-MM-DD."})
        super().__init__(**kwargs)

    def clean(self, value: Any) -> date | None:
        day = super().clean(value)
        if day is not None and not dates.in_range(day):
            raise forms.ValidationError(dates.PICK_TEXT)
        return day


class CompanyForm(OneMessagePerField):
    name = SingleLineField(max_length=160)
    website = LinkField(max_length=500, required=False, assume_scheme="https")
    industry = SingleLineField(max_length=120, required=False)
    notes = MultiLineField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def data_object(self) -> services.CompanyData:
        return services.CompanyData(**self.cleaned_data)


def _pick(form: forms.Form, name: str, lookup: Any) -> Any:
    """The row a picker's value names (a slug or public id), through the owner's selector
    (Http404 for anything not theirs to name), or None when left blank."""
    value = form.cleaned_data.get(name) or ""
    if not value:
        return None
    try:
        return lookup(form.owner, value)  # type: ignore[attr-defined]
    except Http404:
        raise forms.ValidationError("Choose one from the list.") from None


def _kept(form: forms.Form, name: str, keep: Any, picked: Any) -> Any:
    """What a picker saves: the row picked; or, left blank, the link the row already has when
    the owner can no longer see it (it is not in the list, so the blank is not a choice)."""
    current = getattr(keep, name, None)
    if picked is None and current is not None:
        listed = {v for v, _label in form.fields[name].choices}  # type: ignore[attr-defined]
        if getattr(current, "public_id", None) not in listed and getattr(current, "slug", None) not in listed:
            return current
    return picked


class ContactForm(OneMessagePerField):
    name = SingleLineField(max_length=160)
    company = SingleLineField(max_length=160, required=False, help_text="A new name adds the company.")
    role = SingleLineField(max_length=160, required=False)
    email = forms.EmailField(max_length=254, required=False, validators=[single_line])
    phone = SingleLineField(max_length=40, required=False)
    linkedin_url = LinkField(label="LinkedIn profile", max_length=500, required=False, assume_scheme="https")
    how_met = SingleLineField(label="How we met", max_length=200, required=False)
    meeting = forms.ChoiceField(
        label="Met at a meeting",
        required=False,
        help_text="Meetings you went to.",
        error_messages={"invalid_choice": "Choose one from the list."},
    )
    group = forms.ChoiceField(label="Or in a group", required=False, help_text="Left empty: the meeting's group.",
                              error_messages={"invalid_choice": "Choose one from the list."})  # fmt: skip
    last_touch_on = DayField(label="Last in touch")
    next_touch_on = DayField(label="Next touch due", help_text="When to get back in touch.")
    notes = MultiLineField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["company"].widget.attrs["list"] = "company-names"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        meetings = selectors.meetings_went_to(owner)
        self.fields["meeting"].choices = [  # type: ignore[attr-defined]
            ("", "None"), *((m.public_id, f"{selectors.meeting_label(owner, m)}, {m.group.name}") for m in meetings)
        ]  # fmt: skip
        self.fields["group"].choices = group_choices(owner)  # type: ignore[attr-defined]

    def clean_meeting(self) -> Any:
        return _pick(self, "meeting", selectors.meeting_went_to)

    def clean_group(self) -> Any:
        return _pick(self, "group", selectors.group_for_owner)

    def data_object(self, *, keep: Any = None) -> services.ContactData:
        d = dict(self.cleaned_data)
        return services.ContactData(
            name=d["name"], company_name=d["company"], role=d["role"], email=d["email"], phone=d["phone"],
            linkedin_url=d["linkedin_url"], how_met=d["how_met"], notes=d["notes"],
            last_touch_on=d["last_touch_on"], next_touch_on=d["next_touch_on"],
            meeting=_kept(self, "meeting", keep, d["meeting"]), group=_kept(self, "group", keep, d["group"]),
        )  # fmt: skip


def group_choices(owner: User) -> list[tuple[str, str]]:
    """The owner's groups (is or was a member of, may still see) for a picker, by slug."""
    return [("", "None"), *((g.slug, g.name) for g in selectors.picker_groups(owner))]


class OpportunityForm(OneMessagePerField):
    company = SingleLineField(max_length=160, help_text="A new name adds the company.")
    role = SingleLineField(max_length=160)
    stage = forms.ChoiceField(choices=Stage.choices, initial=Stage.RESEARCHING)
    source = forms.ChoiceField(choices=[("", "Not known yet"), *Source.choices], required=False)
    source_group = forms.ChoiceField(
        label="Which group",
        required=False,
        help_text="When it came through a group: the groups you are or were in.",
        error_messages={"invalid_choice": "Choose one from the list."},
    )
    link = LinkField(label="Link to the posting", max_length=500, required=False, assume_scheme="https")
    notes = MultiLineField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["company"].widget.attrs["list"] = "company-names"
        self.fields["source_group"].choices = group_choices(owner)  # type: ignore[attr-defined]

    def clean_source_group(self) -> Any:
        return _pick(self, "source_group", selectors.group_for_owner)

    def data_object(self, *, keep: Any = None) -> services.OpportunityData:
        d = self.cleaned_data
        return services.OpportunityData(
            company_name=d["company"], role=d["role"], stage=d["stage"], source=d["source"], link=d["link"],
            notes=d["notes"], source_group=_kept(self, "source_group", keep, d["source_group"]),
            source_contact=getattr(keep, "source_contact", None),
        )  # fmt: skip


class ActivityForm(OneMessagePerField):
    """The full form (and the quick-add's fallback page). `day` blank means today where the
    person lives; an interview may have a start time (the calendar feed shows it)."""

    kind = forms.ChoiceField(label="What did you do?", choices=ActivityKind.choices)
    day = DayField(label="Day", help_text="Leave empty for today.")
    start_time = forms.TimeField(
        label="Interview time", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="For an interview: it then appears in your calendar feed.",
    )  # fmt: skip
    duration_minutes = forms.IntegerField(label="Length (minutes)", required=False, min_value=1, max_value=600)
    contact = SingleLineField(label="Contact", max_length=160, required=False, help_text="A new name adds a contact.")
    company = SingleLineField(label="Company", max_length=160, required=False)
    opportunity = forms.ChoiceField(label="Opportunity", required=False)
    meeting = forms.ChoiceField(label="Meeting", required=False)
    note = MultiLineField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, owner: User, pickers: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["contact"].widget.attrs["list"] = "contact-names"
        self.fields["company"].widget.attrs["list"] = "company-names"
        opportunities: list[Opportunity] = selectors.picker_opportunities(owner) if pickers else []
        self.fields["opportunity"].choices = [("", "None"), *((o.public_id, str(o)) for o in opportunities)]  # type: ignore[attr-defined]
        meetings = selectors.picker_meetings(owner) if pickers else []
        self.fields["meeting"].choices = [  # type: ignore[attr-defined]
            ("", "None"),
            *((m.public_id, selectors.meeting_label(owner, m)) for m in meetings),
        ]

    def clean_opportunity(self) -> Opportunity | None:
        return self._row("opportunity", selectors.opportunity_of)

    def clean_meeting(self) -> Any:
        return self._row("meeting", selectors.meeting_for_owner)

    def _row(self, name: str, lookup: Any) -> Any:
        value = self.data.get(name, "")
        if not value:
            return None
        if not is_public_id(value):
            raise forms.ValidationError("Choose one from the list.")
        try:
            return lookup(self.owner, value)
        except Exception:  # Http404: not the owner's, or gone
            raise forms.ValidationError("Choose one from the list.") from None

    def full_clean(self) -> None:
        # The choice lists may be empty (the quick-add loads them lazily): accept any
        # public id there and resolve it in clean_<field> against the owner's rows.
        for name in ("opportunity", "meeting"):
            value = self.data.get(name, "") if self.is_bound else ""
            field = self.fields[name]
            if value and is_public_id(value) and value not in dict(field.choices):  # type: ignore[attr-defined]
                field.choices = [*field.choices, (value, value)]  # type: ignore[attr-defined]
        super().full_clean()

    def data_object(self) -> services.ActivityData:
        d = self.cleaned_data
        zone = selectors.zone_of(self.owner)
        day = d["day"] or selectors.today_for(self.owner)
        starts_at = None
        if d.get("start_time") is not None:
            starts_at = datetime.combine(day, d["start_time"] or time(0), tzinfo=zone)
        return services.ActivityData(
            kind=d["kind"], occurred_on=day, starts_at=starts_at, duration_minutes=d.get("duration_minutes"),
            note=d["note"], contact_name=d["contact"], company_name=d["company"], opportunity=d["opportunity"],
            meeting=d["meeting"],
        )  # fmt: skip


class TaskForm(OneMessagePerField):
    title = SingleLineField(max_length=200, help_text="For example: send Dana a thank-you note.")
    due_on = DayField(label="Due")


class TargetsForm(OneMessagePerField):
    """One number a week for each kind of activity (0 or empty: no target)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in ActivityKind.choices:
            self.fields[kind] = forms.IntegerField(
                label=label, required=False, min_value=0, max_value=services.MAX_PER_WEEK,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )  # fmt: skip

    def per_week(self) -> dict[str, int]:
        return {kind: self.cleaned_data.get(kind) or 0 for kind in ActivityKind.values}


class ImportForm(OneMessagePerField):
    kind = forms.ChoiceField(
        label="What is in the file?",
        choices=[
            ("contacts", "Contacts (our CSV columns)"),
            ("opportunities", "Opportunities (our CSV columns)"),
            ("linkedin", "LinkedIn connections (Connections.csv)"),
        ],
        widget=forms.RadioSelect,
        initial="contacts",
    )
    file = forms.FileField(label="CSV file", help_text=f"Up to {imports.MAX_ROWS:,} rows and 5 MB.")
    good_rows_only = forms.BooleanField(label="If some rows have problems, import the good rows anyway", required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB: the limit is 5 MB. Split it into smaller files."
            )
        return upload

"""Forms of the tracker's pages. Each turns into a services data object; the services apply
the field rules (the same for the API and the importer), and their TrackerError lands on
the field it names (views.apply_error)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms

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


class ContactForm(OneMessagePerField):
    name = SingleLineField(max_length=160)
    company = SingleLineField(max_length=160, required=False, help_text="A new name adds the company.")
    role = SingleLineField(max_length=160, required=False)
    email = forms.EmailField(max_length=254, required=False, validators=[single_line])
    phone = SingleLineField(max_length=40, required=False)
    linkedin_url = LinkField(label="LinkedIn profile", max_length=500, required=False, assume_scheme="https")
    how_met = SingleLineField(label="How we met", max_length=200, required=False)
    last_touch_on = DayField(label="Last in touch")
    next_touch_on = DayField(label="Next touch due", help_text="When to get back in touch.")
    notes = MultiLineField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].widget.attrs["list"] = "company-names"
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def data_object(self, *, keep: Any = None) -> services.ContactData:
        d = dict(self.cleaned_data)
        return services.ContactData(
            name=d["name"], company_name=d["company"], role=d["role"], email=d["email"], phone=d["phone"],
            linkedin_url=d["linkedin_url"], how_met=d["how_met"], notes=d["notes"],
            last_touch_on=d["last_touch_on"], next_touch_on=d["next_touch_on"],
            meeting=getattr(keep, "meeting", None), group=getattr(keep, "group", None),
        )  # fmt: skip


class OpportunityForm(OneMessagePerField):
    company = SingleLineField(max_length=160, help_text="A new name adds the company.")
    role = SingleLineField(max_length=160)
    stage = forms.ChoiceField(choices=Stage.choices, initial=Stage.RESEARCHING)
    source = forms.ChoiceField(choices=[("", "Not known yet"), *Source.choices], required=False)
    link = LinkField(label="Link to the posting", max_length=500, required=False, assume_scheme="https")
    notes = MultiLineField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].widget.attrs["list"] = "company-names"

    def data_object(self, *, keep: Any = None) -> services.OpportunityData:
        d = self.cleaned_data
        return services.OpportunityData(
            company_name=d["company"], role=d["role"], stage=d["stage"], source=d["source"], link=d["link"],
            notes=d["notes"], source_group=getattr(keep, "source_group", None),
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
            *((m.public_id, f"{m.title} ({m.starts_at:%b} {m.starts_at.day})") for m in meetings),
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

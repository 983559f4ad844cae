from __future__ import annotations

from typing import Any

from django import forms

from roundtable.core.text import MultiLineField, SingleLineField
from roundtable.core.zones import ZoneField, zone_choices

from .models import Format, GroupVisibility, JoinPolicy, Kind
from .places import KM_PER_MILE, resolve
from .selectors import DiscoveryFilters
from .services import PSEUDONYM_HELP, PSEUDONYM_MAX, GroupData
from .templates_of_kind import TEMPLATES


class OneMessagePerField(forms.Form):
    """Each field says one thing, its first problem, in the site's words (tester's finding 11):
    a NUL gave both Django's "Null characters are not allowed." and the field's own message."""

    def full_clean(self) -> None:
        super().full_clean()
        for errors in (self.errors or {}).values():
            del errors[1:]


_CHOOSE = "Choose one of the {} in the list."
_PAGE = "That page of results doesn't exist: start again from the first page."


class DiscoveryForm(OneMessagePerField):
    q = SingleLineField(
        label="Search",
        required=False,
        max_length=200,
        error_messages={"max_length": "Keep the search to 200 characters or fewer."},
    )
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[("", "Any kind"), *Kind.choices],
        error_messages={"invalid_choice": _CHOOSE.format("kinds")},
    )
    format = forms.ChoiceField(
        label="Format",
        required=False,
        choices=[("", "Any format"), *Format.choices],
        error_messages={"invalid_choice": _CHOOSE.format("formats")},
    )
    online = forms.BooleanField(label="Online only", required=False)
    near = SingleLineField(
        label="Near (city or ZIP)",
        required=False,
        max_length=120,
        error_messages={"max_length": "Keep the place to 120 characters or fewer."},
    )
    radius = forms.FloatField(
        label="Within",
        required=False,
        min_value=1,
        max_value=500,
        error_messages={
            "invalid": "Enter the distance as a number, from 1 to 500.",
            "min_value": "Search at least 1 km or mile around the place.",
            "max_value": "Search at most 500 km or miles around the place.",
        },
    )
    unit = forms.ChoiceField(
        label="Unit",
        required=False,
        choices=[("km", "km"), ("mi", "miles")],
        error_messages={"invalid_choice": "Choose km or miles."},
    )
    audience = SingleLineField(
        label="Audience",
        required=False,
        max_length=120,
        error_messages={"max_length": "Keep the audience to 120 characters or fewer."},
    )
    topic = forms.SlugField(
        label="Topic",
        required=False,
        max_length=60,
        error_messages={"invalid": _CHOOSE.format("topics"), "max_length": _CHOOSE.format("topics")},
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[("relevance", "Best match"), ("distance", "Distance"), ("newest", "Newest")],
        error_messages={"invalid_choice": _CHOOSE.format("ways to sort")},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100000,
        widget=forms.HiddenInput,
        error_messages={"invalid": _PAGE, "min_value": _PAGE, "max_value": _PAGE},
    )

    # What each field cleans an absent parameter to ("", None or False: immutable), filled on
    # first use. Most searches send three or four of the eleven fields.
    _ABSENT: dict[str, Any] = {}

    def _clean_fields(self) -> None:
        """forms.Form._clean_fields without a BoundField per field (a third of the form's
        cost on a search): each value is read by the field's widget from the data, as a
        BoundField reads it (no field here is disabled, none has a prefix), and an absent
        one takes its field's cleaned empty value, as Field.clean(None) gives it. Each
        clean_<name>() still runs. raw_values keeps each field's value as BoundField.value()
        gives it (the field's bound_data and prepare_value of what the widget read; this form
        has no initial values), for the view's shell."""
        data, files, absent = self.data, self.files, self._ABSENT
        self.raw_values: dict[str, Any] = {}
        for name, field in self.fields.items():
            value = field.widget.value_from_datadict(data, files, name)
            self.raw_values[name] = field.prepare_value(field.bound_data(value, field.initial))
            try:
                if name in data:
                    self.cleaned_data[name] = field.clean(value)
                else:
                    if name not in absent:
                        absent[name] = field.clean(value)
                    self.cleaned_data[name] = absent[name]
                if (hook := getattr(self, f"clean_{name}", None)) is not None:
                    self.cleaned_data[name] = hook()
            except forms.ValidationError as e:
                self.add_error(name, e)

    def clean_near(self) -> Any:
        text = self.cleaned_data.get("near", "").strip()
        if not text:
            return None
        place = resolve(text)
        if place is None:
            raise forms.ValidationError(
                "We couldn't find that place. Try a US ZIP code (e.g. 10001) or a city (e.g. Denver, CO)."
            )
        return place

    def filters(self) -> DiscoveryFilters:
        d = self.cleaned_data
        radius = d.get("radius") or 40.0
        if d.get("unit") == "mi":
            radius *= KM_PER_MILE
        return DiscoveryFilters(
            q=d.get("q", "").strip(),
            kind=d.get("kind") or "",
            format=d.get("format") or "",
            online_only=bool(d.get("online")),
            near=d.get("near"),
            radius_km=radius,
            audience=d.get("audience", "").strip(),
            topic=d.get("topic") or "",
            sort=d.get("sort") or "relevance",
            page=d.get("page") or 1,
            unit="mi" if d.get("unit") == "mi" else "km",
        )


class _SharedFields(dict[str, forms.Field]):
    """A form's fields shared by its instances: Django deep-copies every field for each form
    (a third of what an uncached search spent in its form), so that a form may change its
    own fields; DiscoveryForm never does (no per-request choices, widgets or attributes),
    and tests/groups/test_discovery_shell.py checks that a request leaves them as they were.
    Each form still gets its own dict of them."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return dict(self)


DiscoveryForm.base_fields = _SharedFields(DiscoveryForm.base_fields)


class GroupForm(forms.Form):
    name = SingleLineField(max_length=120, help_text="Plain and specific: who it is for and where.")
    kind = forms.ChoiceField(choices=Kind.choices, widget=forms.RadioSelect)
    purpose = SingleLineField(max_length=300, required=False, help_text="One sentence people see in search.")
    description = MultiLineField(
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown: **bold**, *italic*, lists and links.",
    )
    ground_rules = MultiLineField(
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="People accept them when they join. Change them and every member is asked to accept the new "
        "rules before they next enter the live room. The site's code of conduct applies as well.",
    )
    format = forms.ChoiceField(choices=Format.choices)
    location_text = SingleLineField(
        label="City or ZIP code",
        max_length=120,
        required=False,
        help_text="Needed for in-person and hybrid groups. Resolved on our server; no look-ups elsewhere.",
    )
    venue = SingleLineField(max_length=200, required=False, help_text="Shown on the group page.")
    time_zone = ZoneField(
        choices=[("", "From the place (or New York for online groups)"), *zone_choices()],
        required=False,
    )
    cadence = SingleLineField(
        label="Schedule note",
        max_length=80,
        required=False,
        help_text="Optional. How often you meet comes from the meetings you schedule; add anything else here, "
        "for example: We take August off.",
    )
    meeting_minutes = forms.IntegerField(label="Meeting length (minutes)", min_value=15, max_value=480)
    audience = SingleLineField(max_length=120, required=False, help_text="For example: professionals under 30.")
    eligibility = SingleLineField(
        label="Who can join",
        max_length=300,
        required=False,
        help_text="For example: LGBTQ+ community and allies; open to all job seekers.",
    )
    join_policy = forms.ChoiceField(choices=JoinPolicy.choices, widget=forms.RadioSelect)
    eligibility_question = SingleLineField(
        max_length=300,
        required=False,
        help_text="Approval groups ask this of everyone who wants to join.",
    )
    visibility = forms.ChoiceField(choices=GroupVisibility.choices, widget=forms.RadioSelect)
    allow_pseudonyms = forms.BooleanField(
        label="Members may appear by a name of their choosing",
        required=False,
        help_text="For groups where belonging is itself sensitive. A member who chooses a name appears by it "
        "alone on the group's pages, meetings and live room, with no link to their profile, and their profile "
        "does not list the group. Turning this off stops new names; members keep the ones they chose.",
    )
    topics = SingleLineField(
        max_length=600, required=False, help_text="Comma-separated, for example: interviewing, LinkedIn."
    )

    @classmethod
    def initial_for_kind(cls, kind: str) -> dict[str, Any]:
        t = TEMPLATES.get(kind) or TEMPLATES[Kind.STRATEGIC]
        return {
            "kind": t.kind,
            "purpose": t.purpose,
            "description": t.description,
            "ground_rules": t.ground_rules,
            "meeting_minutes": t.meeting_minutes,
            "format": Format.IN_PERSON,
            "join_policy": JoinPolicy.OPEN,
            "visibility": GroupVisibility.LISTED,
            "allow_pseudonyms": t.allow_pseudonyms,
        }

    def data_object(self) -> GroupData:
        d = self.cleaned_data
        topics = tuple(t.strip() for t in (d.get("topics") or "").split(",") if t.strip())
        return GroupData(
            name=d["name"],
            kind=d["kind"],
            format=d["format"],
            description=d.get("description", ""),
            purpose=d.get("purpose", ""),
            ground_rules=d.get("ground_rules", ""),
            cadence=d.get("cadence", ""),
            meeting_minutes=d["meeting_minutes"],
            location_text=d.get("location_text", ""),
            venue=d.get("venue", ""),
            audience=d.get("audience", ""),
            eligibility=d.get("eligibility", ""),
            join_policy=d["join_policy"],
            eligibility_question=d.get("eligibility_question", ""),
            visibility=d["visibility"],
            time_zone=d.get("time_zone") or "",
            topics=topics,
            allow_pseudonyms=bool(d.get("allow_pseudonyms")),
        )


class JoinRequestForm(forms.Form):
    answer = MultiLineField(max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class PseudonymForm(OneMessagePerField):
    """How you appear in this group (services.membership_pseudonym_set checks the rest)."""

    pseudonym = SingleLineField(
        label="Name in this group",
        max_length=PSEUDONYM_MAX,
        required=False,
        help_text=PSEUDONYM_HELP,
        error_messages={"max_length": f"Keep it to {PSEUDONYM_MAX} characters or fewer."},
    )


class InviteForm(OneMessagePerField):
    """Each field says what is wrong with it, beside it (the dashboard shows the form again)."""

    days = forms.IntegerField(
        label="Valid for (days)",
        min_value=1,
        max_value=90,
        initial=14,
        error_messages={
            "required": "Say how many days the link should work: a number from 1 to 90.",
            "invalid": "Enter a whole number of days, from 1 to 90.",
            "min_value": "A link works for at least 1 day.",
            "max_value": "A link works for at most 90 days.",
        },
    )
    note = SingleLineField(
        label="Note (who it is for)",
        max_length=120,
        required=False,
        error_messages={"max_length": "Keep the note to 120 characters or fewer."},
    )
    role = forms.ChoiceField(
        label="They join as",
        required=False,
        choices=[("member", "Member"), ("facilitator", "Facilitator")],
        initial="member",
        error_messages={"invalid_choice": "Choose Member or Facilitator."},
    )

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from roundtable.core.text import MultiLineField, SingleLineField
from roundtable.core.zones import ZoneField
from roundtable.groups.models import Topic
from roundtable.groups.places import resolve

from .models import PRIVATE_FIELDS, Profile, SearchStatus, Visibility
from .services import PLACE_NOT_FOUND, ProfileData, profile_name_set

# What each private field is called on pages.
FIELD_LABELS: dict[str, str] = {
    "headline": "Headline",
    "location": "Location",
    "search_status": "Job search",
    "target_roles": "Target roles",
    "industries": "Industries",
    "expertise": "Expertise",
    "can_introduce": "Can introduce people at",
    "pitch": "30-second introduction",
    "current_company": "Works at",
    "past_companies": "Worked at",
    "target_companies": "Wants a role at",
}
# The form field that holds each private field (they differ only for location).
FORM_FIELD_OF: dict[str, str] = {name: ("location_text" if name == "location" else name) for name in PRIVATE_FIELDS}
PITCH_COUNTER_ID = "pitch-counter"
# Short enough to fit a narrow select; "my" is the profile's owner.
VISIBILITY_LABELS: dict[str, str] = {
    Visibility.EVERYONE: "Everyone",
    Visibility.MEMBERS: "People in my groups",
    Visibility.ONLY_ME: "Only me",
}
# What "People in my groups" means, said on the form and checked by shares_a_group.
MEMBERS_MEANING = (
    "“People in my groups” means people who are members with you of a group that reviews "
    "requests or is invite-only. Joining an open group takes one click, so it does not count."
)
# The same choices as the owner reads them on their own profile page.
AUDIENCE_PHRASES: dict[str, str] = {
    Visibility.EVERYONE: "Visible to everyone",
    Visibility.MEMBERS: "Visible to people in your groups",
    Visibility.ONLY_ME: "Only you can see this",
}
# Fields whose audience is fixed, said beside them so every field answers "who sees this?".
FIXED_AUDIENCE: dict[str, str] = {
    "display_name": "Everyone, always",
    "time_zone": "Only you",
    "interests": "Everyone",
}


class ProfileForm(forms.Form):
    display_name = SingleLineField(label="Display name", max_length=80, help_text="A first name is enough.")
    headline = SingleLineField(
        max_length=140, required=False, help_text="One line, for example: Product manager, fintech, open to hybrid."
    )
    location_text = SingleLineField(
        label="Location",
        max_length=120,
        required=False,
        help_text="A city (e.g. Austin, TX) or a US ZIP code. Looked up on our server, never elsewhere.",
    )
    time_zone = ZoneField(label="Time zone", help_text="Meeting times are shown in it.")
    search_status = forms.ChoiceField(label="Where you are in your search", choices=SearchStatus.choices)
    target_roles = SingleLineField(
        max_length=300, required=False, help_text="For example: data analyst, business intelligence."
    )
    industries = SingleLineField(max_length=300, required=False, help_text="For example: healthcare, logistics.")
    expertise = SingleLineField(
        max_length=300, required=False, help_text="What others can ask you about: SQL, negotiating offers, …"
    )
    can_introduce = SingleLineField(
        label="Companies or fields where you can introduce others",
        max_length=300,
        required=False,
    )
    current_company = SingleLineField(
        label="Where you work now", max_length=160, required=False, help_text="Leave it empty while you're searching."
    )
    past_companies = SingleLineField(
        label="Companies you worked at",
        max_length=300,
        required=False,
        help_text="Comma-separated, for example: Acme, Globex.",
    )
    target_companies = SingleLineField(
        label="Companies where you want a role",
        max_length=300,
        required=False,
        help_text="Comma-separated. We suggest people who work or worked there.",
    )
    show_in_recommendations = forms.BooleanField(
        label="Suggest me to people worth meeting",
        required=False,
        help_text="On a meeting's “Who to meet” and in facilitators' suggested introductions, "
        "using only the details each person may already see.",
    )
    interests = forms.ModelMultipleChoiceField(
        label="Topics you are interested in",
        queryset=Topic.objects.none(),
        # Slugs, not ids: ids count up, and a new topic's id beside an old one's would
        # tell whether a name was already in use somewhere hidden.
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interest_names = SingleLineField(
        label="Other topics",
        max_length=600,
        required=False,
        help_text="Comma-separated, for example: salary negotiation, career change.",
    )
    pitch = MultiLineField(
        label="Your 30-second introduction",
        max_length=2000,
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "data-pitch-counter": PITCH_COUNTER_ID,
                "aria-describedby": f"{PITCH_COUNTER_ID} id_pitch_helptext",
            }
        ),
        help_text="Who you are, what you're looking for and how people can help. About 75 words is 30 seconds.",
    )

    def __init__(self, *args: Any, topics: QuerySet[Topic] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interests"].queryset = topics if topics is not None else Topic.objects.none()  # type: ignore[attr-defined]
        for name in PRIVATE_FIELDS:
            self.fields[f"vis_{name}"] = forms.ChoiceField(
                label=f"Who can see your {FIELD_LABELS[name].lower()}",
                choices=list(VISIBILITY_LABELS.items()),
                required=False,
                help_text=MEMBERS_MEANING,
            )

    def clean_location_text(self) -> str:
        # Checked here too (the service checks again) so an unknown place is reported
        # alongside any other mistake, not only after the others are fixed.
        text = " ".join((self.cleaned_data.get("location_text") or "").split())
        if text and resolve(text) is None:
            raise forms.ValidationError(PLACE_NOT_FOUND)
        return text

    @classmethod
    def initial_for(cls, profile: Profile) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(profile, name)
            for name in (
                "display_name",
                "headline",
                "location_text",
                "time_zone",
                "search_status",
                "target_roles",
                "industries",
                "expertise",
                "can_introduce",
                "current_company",
                "past_companies",
                "target_companies",
                "show_in_recommendations",
                "pitch",
            )
        }
        initial["interests"] = [t.slug for t in profile.interests.all()]
        for name in PRIVATE_FIELDS:
            initial[f"vis_{name}"] = profile.visibility_of(name)
        return initial

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField | None, str]]:
        """Fields in page order, each beside its visibility choice, or its fixed audience."""
        private = {form_name: name for name, form_name in FORM_FIELD_OF.items()}
        out = []
        for name in (
            "display_name",
            "headline",
            "location_text",
            "time_zone",
            "search_status",
            "target_roles",
            "industries",
            "expertise",
            "can_introduce",
            "current_company",
            "past_companies",
            "target_companies",
            "interests",
        ):
            vis = self[f"vis_{private[name]}"] if name in private else None
            out.append((self[name], vis, FIXED_AUDIENCE.get(name, "")))
        return out

    def data_object(self) -> ProfileData:
        d = self.cleaned_data
        names = tuple(n.strip() for n in (d.get("interest_names") or "").split(",") if n.strip())
        visibility = {name: d[f"vis_{name}"] for name in PRIVATE_FIELDS if d.get(f"vis_{name}")}
        return ProfileData(
            display_name=d["display_name"],
            headline=d.get("headline", ""),
            location_text=d.get("location_text", ""),
            time_zone=d["time_zone"],
            search_status=d["search_status"],
            target_roles=d.get("target_roles", ""),
            industries=d.get("industries", ""),
            expertise=d.get("expertise", ""),
            can_introduce=d.get("can_introduce", ""),
            current_company=d.get("current_company", ""),
            past_companies=d.get("past_companies", ""),
            target_companies=d.get("target_companies", ""),
            show_in_recommendations=bool(d.get("show_in_recommendations")),
            pitch=d.get("pitch", ""),
            visibility=visibility,
            interests=tuple(d.get("interests") or ()),
            interest_names=names,
        )


class SignupNameForm(forms.Form):
    """The extra field of allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS): the name shown
    to others. Asked for here so it is never made up from the email address."""

    display_name = SingleLineField(
        label="Your name",
        max_length=80,
        help_text="Shown to other members. A first name is enough; you can change it later.",
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )

    def clean_display_name(self) -> str:
        name = " ".join((self.cleaned_data.get("display_name") or "").split())
        if not name:
            raise forms.ValidationError("Tell people what to call you.")
        return name

    def signup(self, request: Any, user: Any) -> None:
        # allauth calls this once the account exists (its profile too: accounts.signals).
        profile_name_set(user=user, display_name=self.cleaned_data["display_name"])


class TokenForm(forms.Form):
    name = SingleLineField(
        label="Token name", max_length=80, help_text="What will use it, for example: my calendar script."
    )

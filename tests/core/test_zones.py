"""Time zone pickers offer places only, each named once and one way (core.zones)."""

from __future__ import annotations

from collections import Counter
from importlib import resources

import pytest
from django import forms

from roundtable.core.zones import ZoneField, canonical_zone, zone_choices, zone_label, zone_values


def _zone_tab() -> set[str]:
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    return {line.split("\t")[2] for line in text.splitlines() if not line.startswith("#")}


def _links() -> dict[str, str]:
    text = resources.files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text(encoding="utf-8")
    return {line.split()[2]: line.split()[1] for line in text.splitlines() if line.startswith("L ")}


def test_every_choice_is_a_place_named_once() -> None:
    values = zone_values()
    labels = [label for _, items in zone_choices() for _, label in items]
    assert [label for label, n in Counter(labels).items() if n > 1] == []
    assert len(values) == len(set(values)) == len(_zone_tab()) == 418
    # Every choice is in IANA's list of places: no alias kept for old software, no offset.
    assert set(values) == _zone_tab()
    assert [v for v in values if v.startswith(("US/", "Canada/", "Etc/", "SystemV/", "Brazil/", "Mexico/"))] == []
    assert [v for v in values if "/" not in v] == []
    assert [v for v in values if v in _links() and v not in _zone_tab()] == []


def test_choices_come_by_region_the_americas_first_sorted_by_city() -> None:
    regions = [name for name, _ in zone_choices()]
    assert regions == ["Americas", "Europe", "Africa", "Asia", "Australia", "Pacific", "Atlantic islands",
                       "Indian Ocean", "Antarctica and the Arctic"]  # fmt: skip
    for _, items in zone_choices():
        labels = [label for _, label in items]
        assert labels == sorted(labels)
    americas = dict(zone_choices()[0][1])
    assert americas["America/New_York"] == "New York (Eastern Time)"
    assert americas["America/Argentina/Buenos_Aires"] == "Buenos Aires (UTC−3)"
    assert [label for label in americas.values() if label.startswith("Eastern")] == []


@pytest.mark.parametrize(
    ("stored", "place", "label"),
    [("US/Eastern", "America/New_York", "New York (Eastern Time)"),
     ("Canada/Eastern", "America/Toronto", "Toronto (Eastern Time)"),
     ("America/Buenos_Aires", "America/Argentina/Buenos_Aires", "Buenos Aires (UTC−3)"),
     ("Asia/Calcutta", "Asia/Kolkata", "Kolkata (India Time)"),
     ("GB", "Europe/London", "London (UK Time)"),
     ("America/New_York", "America/New_York", "New York (Eastern Time)"),
     ("UTC", "UTC", "Coordinated Universal Time"),
     ("Etc/GMT+5", "Etc/GMT+5", "UTC−5")],
)  # fmt: skip
def test_a_stored_alias_is_named_as_its_place(stored: str, place: str, label: str) -> None:
    assert canonical_zone(stored) == place
    assert zone_label(stored) == label


class _Form(forms.Form):
    time_zone = ZoneField(label="Time zone")


def test_a_stored_alias_shows_selected_as_its_place_and_still_validates() -> None:
    html = str(_Form(initial={"time_zone": "US/Eastern"})["time_zone"])
    assert '<option value="America/New_York" selected>New York (Eastern Time)</option>' in html
    assert html.count(" selected>") == 1
    form = _Form({"time_zone": "US/Eastern"})
    assert form.is_valid()
    assert form.cleaned_data == {"time_zone": "America/New_York"}


def test_a_stored_zone_without_a_place_keeps_its_own_option() -> None:
    html = str(_Form(initial={"time_zone": "UTC"})["time_zone"])
    assert '<option value="UTC" selected>Coordinated Universal Time</option>' in html
    assert html.count(" selected>") == 1
    form = _Form({"time_zone": "UTC"})
    assert form.is_valid()
    assert form.cleaned_data == {"time_zone": "UTC"}


@pytest.mark.parametrize("value", ["Mars/Olympus", "", "America/New_York\x00"])
def test_anything_else_is_refused_with_a_plain_message(value: str) -> None:
    form = _Form({"time_zone": value})
    assert not form.is_valid()
    assert form.errors["time_zone"] == (
        ["This field is required."] if value == "" else ["Choose a time zone from the list."]
    )


@pytest.mark.django_db
def test_profile_and_group_forms_show_a_stored_alias_as_its_place() -> None:
    """Every zone picker is a ZoneField: a profile or group stored under an alias shows its
    place selected, never the list's first zone (which an unchanged save would then store)."""
    from django.test import Client

    from roundtable.accounts.models import Profile
    from roundtable.groups.models import Group
    from tests.factories import GroupFactory, UserFactory, facilitator_of

    user = UserFactory()
    Profile.objects.filter(user=user).update(time_zone="US/Eastern")
    c = Client()
    c.force_login(user)
    page = c.get("/me/profile/").text
    assert '<option value="America/New_York" selected>New York (Eastern Time)</option>' in page
    group = GroupFactory(time_zone="US/Pacific")
    fac = facilitator_of(group)
    c.force_login(fac)
    edit = c.get(f"/groups/{group.slug}/manage/settings/").text
    assert '<option value="America/Los_Angeles" selected>Los Angeles (Pacific Time)</option>' in edit
    assert Group.objects.get(pk=group.pk).time_zone == "US/Pacific"

from __future__ import annotations

import html
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.test import Client

from roundtable.accounts.models import PRIVATE_FIELDS, Profile, User, Visibility
from roundtable.accounts.selectors import pitch_stats
from roundtable.accounts.services import ProfileData, ProfileError, profile_update
from roundtable.groups.models import Topic
from tests.factories import GroupFactory, TopicFactory, UserFactory


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "display_name": "Marisol",
        "headline": "Data analyst moving into healthcare",
        "location_text": "02139",
        "time_zone": "America/New_York",
        "search_status": "searching",
        "target_roles": "data analyst",
        "industries": "healthcare",
        "expertise": "SQL, dashboards",
        "can_introduce": "Acme Health",
        "interest_names": "",
        "pitch": "I turn messy data into decisions.",
    }
    for name in PRIVATE_FIELDS:
        data[f"vis_{name}"] = Visibility.EVERYONE
    data.update(overrides)
    return data


def _snapshot(user: User) -> dict[str, Any]:
    profile = Profile.objects.get(user=user)
    return {**model_to_dict(profile, exclude=["id"]), "interests": sorted(t.pk for t in profile.interests.all())}


@pytest.mark.django_db
def test_page_needs_login() -> None:
    r = Client().get("/me/profile/")
    assert r.status_code == 302
    assert r["Location"] == "/accounts/login/?next=/me/profile/"


@pytest.mark.django_db
def test_page_shows_the_form_with_current_values() -> None:
    user = UserFactory(name="Marisol")
    r = _client(user).get("/me/profile/")
    assert r.status_code == 200
    assert 'value="Marisol"' in r.text
    assert 'data-pitch-counter="pitch-counter"' in r.text
    assert '<output id="pitch-counter" for="id_pitch" class="counter" aria-live="polite">' in r.text
    assert 'href="/me/tokens/"' in r.text
    for name in PRIVATE_FIELDS:
        assert f'name="vis_{name}"' in r.text


@pytest.mark.django_db
def test_saving_updates_the_profile_place_privacy_and_interests() -> None:
    user = UserFactory()
    existing = TopicFactory(name="Interviewing", slug="interviewing")
    # Offered as a checkbox because a listed group uses it (accounts.selectors.topic_choices).
    GroupFactory().topics.add(existing)
    data = _post(
        interests=[existing.slug],
        interest_names="Salary negotiation, interviewing",
        vis_headline=Visibility.ONLY_ME,
        vis_location=Visibility.MEMBERS,
    )
    client = _client(user)
    r = client.post("/me/profile/", data)
    assert r.status_code == 302
    # Saving shows the profile as others see it.
    assert r["Location"] == f"/people/{user.public_id}/"
    shown = client.get(r["Location"])
    assert "Your profile is saved." in shown.text
    assert "This is how others see your profile." in shown.text
    assert "Data analyst moving into healthcare" in shown.text
    p = Profile.objects.get(user=user)
    assert p.display_name == "Marisol"
    assert p.headline == "Data analyst moving into healthcare"
    assert p.location_text == "02139"
    assert p.location_label == "Cambridge, MA 02139"
    assert p.latitude is not None
    assert p.longitude is not None
    assert p.expertise == "SQL, dashboards"
    assert p.visibility_of("headline") == Visibility.ONLY_ME
    assert p.visibility_of("location") == Visibility.MEMBERS
    assert p.visibility_of("pitch") == Visibility.EVERYONE
    assert sorted(t.slug for t in p.interests.all()) == ["interviewing", "salary-negotiation"]


@pytest.mark.django_db
def test_a_city_resolves_too() -> None:
    user = UserFactory()
    assert _client(user).post("/me/profile/", _post(location_text="Austin, TX")).status_code == 302
    p = Profile.objects.get(user=user)
    assert p.location_label == "Austin, TX"


@pytest.mark.django_db
def test_clearing_the_location_clears_the_coordinates() -> None:
    user = UserFactory()
    client = _client(user)
    client.post("/me/profile/", _post())
    assert client.post("/me/profile/", _post(location_text="")).status_code == 302
    p = Profile.objects.get(user=user)
    assert (p.location_text, p.location_label, p.latitude, p.longitude) == ("", "", None, None)


@pytest.mark.django_db
def test_unknown_zip_is_a_form_error_and_nothing_is_saved() -> None:
    user = UserFactory()
    client = _client(user)
    client.post("/me/profile/", _post())
    before = _snapshot(user)
    topics_before = Topic.objects.count()
    r = client.post(
        "/me/profile/",
        _post(location_text="00000", display_name="Changed Name", headline="Changed", interest_names="Brand new"),
    )
    assert r.status_code == 400
    text = html.unescape(r.text)
    assert "We couldn't find that place. Try a US ZIP code (e.g. 10001) or a city (e.g. Denver, CO)." in text
    assert 'value="00000"' in r.text  # what they typed is kept for correcting
    assert _snapshot(user) == before
    assert Topic.objects.count() == topics_before


@pytest.mark.django_db
def test_very_long_display_name_is_a_form_error() -> None:
    user = UserFactory(name="Original")
    r = _client(user).post("/me/profile/", _post(display_name="x" * 10_000))
    assert r.status_code == 400
    assert "Ensure this value has at most 80 characters (it has 10000)." in r.text
    assert Profile.objects.get(user=user).display_name == "Original"


@pytest.mark.django_db
def test_empty_form_shows_errors_beside_fields() -> None:
    user = UserFactory(name="Original")
    before = _snapshot(user)
    r = _client(user).post("/me/profile/", {})
    assert r.status_code == 400
    assert "Please fix the fields marked below." in r.text
    assert r.context["form"].errors == {
        "display_name": ["This field is required."],
        "time_zone": ["This field is required."],
        "search_status": ["This field is required."],
    }
    assert r.text.count('<ul class="errorlist"') == 3
    assert _snapshot(user) == before


@pytest.mark.django_db
def test_invalid_choices_are_form_errors() -> None:
    user = UserFactory()
    r = _client(user).post(
        "/me/profile/", _post(time_zone="Mars/Olympus_Mons", vis_pitch="the_world", search_status="retired")
    )
    assert r.status_code == 400
    assert set(r.context["form"].errors) == {"time_zone", "vis_pitch", "search_status"}


@pytest.mark.parametrize(
    ("words", "seconds", "over"),
    [(0, 0, False), (1, 0, False), (10, 4, False), (75, 30, False), (76, 30, True), (150, 60, True)],
)
def test_pitch_stats_at_150_words_a_minute(words: int, seconds: int, over: bool) -> None:
    stats = pitch_stats(" ".join(["word"] * words))
    assert (stats.words, stats.seconds, stats.over) == (words, seconds, over)


def test_pitch_summary_reads_naturally() -> None:
    assert pitch_stats("Hello").summary == "1 word · about 0 seconds"
    assert pitch_stats("one two  three\nfour").summary == "4 words · about 2 seconds"


@pytest.mark.django_db
def test_long_pitch_saves_with_a_warning_and_the_count_is_on_the_page() -> None:
    user = UserFactory()
    client = _client(user)
    r = client.post("/me/profile/", _post(pitch=" ".join(["word"] * 100)))
    assert r.status_code == 302
    page = client.get("/me/profile/")
    assert "Your profile is saved." in page.text
    assert (
        "Your introduction is 100 words, about 40 seconds: past the 30-second mark. "
        "Try trimming it to 75 words or fewer."
    ) in page.text
    assert "100 words · about 40 seconds — over 30 seconds: try trimming it" in page.text
    assert '<output id="pitch-counter" for="id_pitch" class="counter warn" aria-live="polite">' in page.text


@pytest.mark.django_db
def test_short_pitch_has_no_warning() -> None:
    user = UserFactory()
    client = _client(user)
    client.post("/me/profile/", _post(pitch=" ".join(["word"] * 75)))
    page = client.get("/me/profile/")
    assert "75 words · about 30 seconds</output>" in page.text
    assert "past the 30-second mark" not in page.text


@pytest.mark.django_db
def test_unknown_place_is_reported_alongside_other_errors() -> None:
    user = UserFactory()
    r = _client(user).post("/me/profile/", _post(display_name="", location_text="Atlantis, ZZ"))
    assert r.status_code == 400
    assert r.context["form"].errors == {
        "display_name": ["This field is required."],
        "location_text": ["We couldn't find that place. Try a US ZIP code (e.g. 10001) or a city (e.g. Denver, CO)."],
    }


@pytest.mark.django_db
def test_service_refuses_an_unknown_place_without_writing() -> None:
    user = UserFactory(name="Before")
    before = _snapshot(user)
    with pytest.raises(ProfileError) as exc:
        profile_update(user=user, data=ProfileData(display_name="After", location_text="00000"))
    assert exc.value.field == "location_text"
    assert _snapshot(user) == before

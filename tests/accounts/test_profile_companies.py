"""The profile fields who to meet reads: current, past and target companies (each with its
own visibility) and the "suggest me to people worth meeting" switch."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from roundtable.accounts.models import PRIVATE_FIELDS, Profile, Visibility
from roundtable.accounts.permissions import visible_fields_of_many, visible_profile_fields
from roundtable.groups.models import JoinPolicy
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "display_name": "Marisol", "time_zone": "America/New_York", "search_status": "searching",
        "current_company": "Initech", "past_companies": "Acme, Globex", "target_companies": "Hooli",
        "show_in_recommendations": "on",
    }  # fmt: skip
    for name in PRIVATE_FIELDS:
        data[f"vis_{name}"] = Visibility.MEMBERS
    data.update(overrides)
    return data


def test_a_new_profile_is_suggested_by_default_with_members_only_companies() -> None:
    profile = Profile.objects.get(user=UserFactory())
    assert profile.show_in_recommendations is True
    assert [profile.visibility_of(f) for f in ("current_company", "past_companies", "target_companies")] == [
        Visibility.MEMBERS, Visibility.MEMBERS, Visibility.MEMBERS
    ]  # fmt: skip


def test_the_form_saves_the_companies_their_visibility_and_the_switch() -> None:
    user = UserFactory()
    c = _client(user)
    form = c.get("/me/profile/").content.decode()
    assert 'name="show_in_recommendations"' in form
    assert "Suggest me to people worth meeting" in form
    r = c.post("/me/profile/", _post(vis_target_companies=Visibility.ONLY_ME))
    assert r.status_code == 302
    p = Profile.objects.get(user=user)
    assert (p.current_company, p.past_companies, p.target_companies, p.show_in_recommendations) == (
        "Initech", "Acme, Globex", "Hooli", True
    )  # fmt: skip
    assert p.visibility_of("target_companies") == Visibility.ONLY_ME
    c.post("/me/profile/", {k: v for k, v in _post().items() if k != "show_in_recommendations"})
    assert Profile.objects.get(user=user).show_in_recommendations is False


def test_bad_text_is_a_form_error_and_nothing_is_lost() -> None:
    user = UserFactory()
    c = _client(user)
    c.post("/me/profile/", _post())
    r = c.post("/me/profile/", _post(current_company="Acme\nHooli"))
    assert r.status_code == 400
    assert Profile.objects.get(user=user).current_company == "Initech"


def test_the_profile_page_shows_companies_only_to_whom_the_owner_chose() -> None:
    group = GroupFactory(join_policy=JoinPolicy.APPROVAL)
    owner = MembershipFactory(group=group).user
    fellow = MembershipFactory(group=group).user
    stranger = UserFactory()
    _client(owner).post("/me/profile/", _post(vis_past_companies=Visibility.EVERYONE))
    url = f"/people/{owner.public_id}/"
    fellow_page = _client(fellow).get(url).content.decode()
    assert "Initech" in fellow_page
    assert "Acme, Globex" in fellow_page
    assert "Hooli" in fellow_page
    stranger_page = _client(stranger).get(url).content.decode()
    assert "Acme, Globex" in stranger_page
    assert "Initech" not in stranger_page
    assert "Hooli" not in stranger_page
    anonymous = Client().get(url).content.decode()
    assert "Initech" not in anonymous
    assert "Hooli" not in anonymous


def test_many_profiles_at_once_match_one_by_one() -> None:
    group = GroupFactory(join_policy=JoinPolicy.INVITE)
    viewer = MembershipFactory(group=group).user
    owners = [MembershipFactory(group=group).user, UserFactory(), MembershipFactory(group=GroupFactory()).user]
    for i, u in enumerate(owners):
        Profile.objects.filter(user=u).update(current_company=f"Co {i}", visibility={"headline": "only_me"})
    profiles = list(Profile.objects.filter(user__in=owners))
    many = visible_fields_of_many(viewer, profiles)
    assert many == {p.user_id: visible_profile_fields(viewer, p) for p in profiles}
    assert [("current_company" in many[u.pk]) for u in owners] == [True, False, False]
    assert visible_fields_of_many(AnonymousUser(), profiles) == {
        p.user_id: visible_profile_fields(AnonymousUser(), p) for p in profiles
    }

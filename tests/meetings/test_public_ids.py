"""Meetings and people are addressed by random public identifiers, never by counting ids.

Every URL here is built in one place (`_urls`), from the object, so a later change of
route shape is one edit.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from roundtable.accounts.models import User
from roundtable.core.ids import PUBLIC_ID_ALPHABET, PUBLIC_ID_LENGTH
from roundtable.groups.models import GroupVisibility, JoinPolicy
from roundtable.meetings.models import Meeting
from tests.clients import unmask as _unmask
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory

SHAPE = re.compile(f"^[{PUBLIC_ID_ALPHABET}]{{{PUBLIC_ID_LENGTH}}}$")


def _old_urls(pk: int) -> dict[str, str]:
    return {
        "old_detail": f"/meetings/{pk}/",
        "old_ics": f"/meetings/{pk}.ics",
        "old_room": f"/meetings/{pk}/live/",
        "old_summary": f"/meetings/{pk}/live/summary/",
        "old_api": f"/api/v1/meetings/{pk}",
    }


def _urls(meeting: Meeting) -> dict[str, str]:
    return {
        "detail": reverse("meetings:detail", args=[meeting.public_id]),
        "ics": reverse("feeds:meeting_ics", args=[meeting.public_id]),
        "api": f"/api/v1/meetings/{meeting.public_id}",
        **_old_urls(meeting.pk),
    }


def _missing_id_like(pk: int) -> int:
    """An unused id with as many digits as pk, so the two addresses are the same length."""
    digits = len(str(pk))
    used = set(Meeting.objects.values_list("pk", flat=True))
    return next(n for n in range(10 ** (digits - 1), 10**digits) if n not in used and n != pk)


def _meeting(visibility: str, *, old: bool = True) -> Meeting:
    """A meeting; `old` ones existed before public ids (migration 0005 marked them)."""
    policy = JoinPolicy.INVITE if visibility == GroupVisibility.SECRET else JoinPolicy.OPEN
    group = GroupFactory(name="Harbor Pines Circle", visibility=visibility, join_policy=policy)
    return MeetingFactory(group=group, title="Harbor pines evening", had_numeric_address=old)


@pytest.mark.django_db
def test_meetings_and_people_get_random_public_ids_of_the_stated_shape() -> None:
    meetings = [MeetingFactory() for _ in range(3)]
    people = [UserFactory() for _ in range(3)]
    ids = [m.public_id for m in meetings] + [u.public_id for u in people]
    assert [bool(SHAPE.match(i)) for i in ids] == [True] * 6
    assert len(set(ids)) == 6
    assert meetings[0].get_absolute_url() == f"/meetings/{meetings[0].public_id}/"


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", [GroupVisibility.LISTED, GroupVisibility.UNLISTED])
def test_anyone_with_the_public_address_sees_a_listed_or_unlisted_meeting(visibility: str) -> None:
    meeting = _meeting(visibility)
    urls = _urls(meeting)
    page = Client().get(urls["detail"])
    assert page.status_code == 200
    assert "Harbor pines evening" in page.text
    api = Client().get(urls["api"])
    assert api.status_code == 200
    assert (api.json()["id"], api.json()["url"]) == (meeting.public_id, urls["detail"])
    assert Client().get(urls["ics"]).status_code == 200


@pytest.mark.django_db
def test_old_numeric_addresses_of_a_listed_meeting_redirect_for_good() -> None:
    meeting = _meeting(GroupVisibility.LISTED)
    urls = _urls(meeting)
    room = reverse("live:room", args=[meeting.public_id])
    summary = reverse("live:summary", args=[meeting.public_id])
    for old, new in [
        (urls["old_detail"], urls["detail"]),
        (urls["old_ics"], urls["ics"]),
        (urls["old_room"], room),
        (urls["old_summary"], summary),
    ]:
        r = Client().get(old)
        assert (r.status_code, r["Location"]) == (301, new)


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", [GroupVisibility.UNLISTED, GroupVisibility.SECRET])
@pytest.mark.parametrize("viewer", ["anonymous", "stranger", "member"])
def test_old_numeric_addresses_of_other_meetings_answer_exactly_as_missing_ones(visibility: str, viewer: str) -> None:
    meeting = _meeting(visibility)
    member = MembershipFactory(group=meeting.group).user
    user: User | None = {"anonymous": None, "stranger": UserFactory(), "member": member}[viewer]
    missing = _missing_id_like(meeting.pk)
    c = Client()
    if user is not None:
        c.force_login(user)
    for kind in ("old_detail", "old_ics", "old_room", "old_summary", "old_api"):
        hidden = c.get(_old_urls(meeting.pk)[kind])
        absent = c.get(_old_urls(missing)[kind])
        assert (hidden.status_code, absent.status_code) == (404, 404), kind
        assert _unmask(hidden.content.decode()) == _unmask(absent.content.decode()), kind
        assert len(hidden.content) == len(absent.content), kind
        assert "Harbor" not in hidden.content.decode(), kind


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", [GroupVisibility.LISTED, GroupVisibility.UNLISTED, GroupVisibility.SECRET])
def test_meetings_made_since_public_ids_never_answer_to_a_number(visibility: str) -> None:
    made_now = Meeting.objects.get(pk=MeetingFactory(group=_meeting(visibility).group).pk)
    assert made_now.had_numeric_address is False
    missing = _missing_id_like(made_now.pk)
    for kind in ("old_detail", "old_ics", "old_room", "old_summary", "old_api"):
        new = Client().get(_old_urls(made_now.pk)[kind])
        absent = Client().get(_old_urls(missing)[kind])
        assert (new.status_code, absent.status_code) == (404, 404), kind
        assert _unmask(new.content.decode()) == _unmask(absent.content.decode()), kind


@pytest.mark.django_db
def test_a_run_of_numbers_answers_the_same_for_hidden_and_new_meetings() -> None:
    """The probe's walk over /meetings/<n>/: only old listed meetings redirect."""
    listed_old = _meeting(GroupVisibility.LISTED)
    secret_old = _meeting(GroupVisibility.SECRET)
    listed_new = MeetingFactory(group=listed_old.group)
    secret_new = MeetingFactory(group=secret_old.group)
    answers = {
        m.pk: Client().get(f"/meetings/{m.pk}/").status_code for m in (listed_old, secret_old, listed_new, secret_new)
    }
    assert answers == {listed_old.pk: 301, secret_old.pk: 404, listed_new.pk: 404, secret_new.pk: 404}


@pytest.mark.django_db
def test_the_api_takes_no_integer_ids_even_for_listed_meetings() -> None:
    meeting = _meeting(GroupVisibility.LISTED)
    r = Client().get(_urls(meeting)["old_api"])
    assert (r.status_code, r.json()) == (404, {"detail": "No such meeting."})


@pytest.mark.django_db
def test_profiles_answer_only_at_their_public_address() -> None:
    person = UserFactory(name="Marisol Quent")
    public = Client().get(reverse("accounts:profile", args=[person.public_id]))
    assert public.status_code == 200
    assert "Marisol Quent" in public.text
    assert Client().get(f"/people/{person.pk}/").status_code == 404


@pytest.mark.django_db
def test_pages_link_meetings_and_people_by_public_id_only() -> None:
    meeting = _meeting(GroupVisibility.LISTED)
    member = MembershipFactory(group=meeting.group).user
    c = Client()
    c.force_login(member)
    group_page = c.get(reverse("groups:detail", args=[meeting.group.slug])).text
    assert f'href="/meetings/{meeting.public_id}/"' in group_page
    assert f"/meetings/{meeting.pk}/" not in group_page
    members = c.get(reverse("groups:members", args=[meeting.group.slug])).text
    assert f'href="/people/{member.public_id}/"' in members
    assert f"/people/{member.pk}/" not in members

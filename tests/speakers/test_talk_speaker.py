"""The meeting's talk form picks the speaker's account (a member of the group or a listed
expert) or keeps a free-text name; the link survives editing; anyone else's id is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.meetings.models import Meeting, Talk
from roundtable.speakers.models import Expert
from tests.factories import UserFactory

from .world import as_client, make_expert, world

pytestmark = pytest.mark.django_db


def _form(**extra: str) -> dict[str, str]:
    day = (timezone.now() + timedelta(days=12)).date().isoformat()
    return {
        "title": "April night",
        "date": day,
        "start_time": "18:00",
        "time_zone": "America/New_York",
        "networking_before_minutes": "15",
        "main_minutes": "60",
        "networking_after_minutes": "15",
        "format": "virtual",
        "video_url": "https://meet.example.org/april",
        "repeat": "none",
        "ends": "never",
        "talk_title": "Interviews, decoded",
        **extra,
    }


def test_a_facilitator_picks_a_listed_expert_or_a_member_or_only_a_name() -> None:
    w = world()
    c = as_client(w.fay)
    url = reverse("meetings:create", args=[w.speakers.slug])
    page = c.get(url).content.decode()
    assert f'<option value="{w.eve.public_id}">Eve Expert</option>' in page
    assert f'<option value="{w.member.public_id}">Mo Member</option>' in page
    assert w.stranger.public_id not in page
    r = c.post(url, _form(speaker_person=w.eve.public_id))
    assert r.status_code == 302
    talk = Talk.objects.get(title="Interviews, decoded")
    assert (talk.speaker, talk.speaker_name) == (w.eve, "Eve Expert")  # the name filled from the account
    # Editing keeps the link, even after she unlists (she stays this talk's speaker).
    Expert.objects.filter(pk=w.expert.pk).update(listed=False)
    edit = reverse("meetings:edit", args=[talk.meeting.public_id])
    assert f'<option value="{w.eve.public_id}" selected>Eve Expert</option>' in c.get(edit).content.decode()
    r = c.post(edit, _form(title="April night, moved", speaker_person=w.eve.public_id, speaker_name="Dr. Eve"))
    assert r.status_code == 302
    talk.refresh_from_db()
    assert (talk.speaker, talk.speaker_name) == (w.eve, "Dr. Eve")
    # A member of the group; then a name only.
    r = c.post(url, _form(title="May night", speaker_person=w.member.public_id, talk_title="Networking"))
    assert Talk.objects.get(title="Networking").speaker == w.member
    r = c.post(url, _form(title="June night", speaker_name="Guest Speaker", talk_title="Salary"))
    assert (Talk.objects.get(title="Salary").speaker, Talk.objects.get(title="Salary").speaker_name) == (
        None,
        "Guest Speaker",
    )


def test_anyone_elses_id_or_odd_input_is_refused_and_nothing_is_made() -> None:
    w = world()
    c = as_client(w.fay)
    url = reverse("meetings:create", args=[w.speakers.slug])
    unlisted = UserFactory(name="Una Unlisted")
    make_expert(unlisted, listed=False)
    before = Meeting.objects.count()
    for person in (w.stranger.public_id, unlisted.public_id, w.secret_member.public_id, "aaaaaaaaaaaa", "a\x00b"):
        r = c.post(url, _form(speaker_person=person))
        assert r.status_code == 400, person
        assert "speaker_person" in r.context["form"].errors, person
    r = c.post(url, _form(speaker_name="Line\nbreak"))
    assert "speaker_name" in r.context["form"].errors
    assert Meeting.objects.count() == before

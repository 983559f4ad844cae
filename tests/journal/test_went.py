"""Who was there (meetings.models.went_q): marked as having come, or going where attendance was
not taken. Someone marked absent is not asked how it was, may not reflect, and is nobody's
'person met'."""

from __future__ import annotations

import pytest

from roundtable.journal import permissions, selectors
from roundtable.journal.models import Reflection
from roundtable.meetings.models import Rsvp, RsvpStatus, went, went_q
from tests.factories import RsvpFactory, UserFactory

from .world import as_client, end, world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "attended", "there"),
    [
        (RsvpStatus.GOING, None, True),  # attendance not taken: going counts
        (RsvpStatus.GOING, True, True),
        (RsvpStatus.GOING, False, False),  # marked absent
        (RsvpStatus.DECLINED, True, True),  # said no, came anyway
        (RsvpStatus.DECLINED, None, False),
        (RsvpStatus.WAITLISTED, None, False),
        (RsvpStatus.WAITLISTED, True, True),
    ],
)
def test_went_and_went_q_agree(status: str, attended: bool | None, there: bool) -> None:
    w = world()
    r = RsvpFactory(meeting=w.meeting, user=UserFactory(), status=status, attended=attended)
    assert went(r) is there
    assert Rsvp.objects.filter(went_q(), pk=r.pk).exists() is there


def test_someone_marked_absent_is_not_asked_and_may_not_reflect() -> None:
    w = world()
    end(w.meeting)
    Rsvp.objects.filter(meeting=w.meeting, user=w.ann).update(attended=False)
    assert selectors.waiting_reflections(w.ann) == []
    assert permissions.may_reflect(w.ann, w.meeting) is False
    client = as_client(w.ann)
    assert "Save my reflection" not in client.get(f"/meetings/{w.meeting.public_id}/reflection/").content.decode()
    r = client.post(f"/meetings/{w.meeting.public_id}/reflection/", {"value": "5"})
    assert r.status_code == 400
    assert "Only people who were there can say how it went: you weren't going, or were marked absent." in (
        r.content.decode()
    )
    assert not Reflection.objects.filter(owner=w.ann).exists()
    # Nor do the others see them among the people they met.
    names = [c.name for c in selectors.reflection_candidates(w.going[0], w.meeting)]
    assert names == ["Member C", "Member D"]

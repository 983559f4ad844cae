"""Its value after: the reflection makes contacts and tasks exactly, the prompt waits on the
home page and the meeting page until answered or dismissed."""

from __future__ import annotations

from datetime import date

import pytest

from roundtable.journal import services
from roundtable.journal.models import Reflection, ReflectionPerson
from roundtable.tracker.models import Contact, Task
from tests.factories import ContactFactory, MembershipFactory, RsvpFactory, UserFactory

from .world import as_client, end, world

pytestmark = pytest.mark.django_db


def test_people_met_become_contacts_and_follow_ups_tasks_exactly() -> None:
    w = world(others=3)
    b, c, d = w.going
    end(w.meeting)
    services.goal_set(owner=w.ann, meeting=w.meeting, reasons=["meet_attendees"], now=w.meeting.starts_at)
    r = as_client(w.ann).post(
        f"/meetings/{w.meeting.public_id}/reflection/",
        {
            "value": "4",
            "goal_met": "partly",
            "takeaways": "Ask for referrals,\r\nnot jobs.",
            "met": [b.public_id, c.public_id],
            "follow_up_1": "Send Member B my resume",
            "due_1": "2027-04-02",
            "follow_up_2": "Thank the speaker",
        },
    )
    assert r.status_code == 302
    reflection = Reflection.objects.get()
    assert (reflection.owner, reflection.value, reflection.goal_met, reflection.takeaways) == (
        w.ann, 4, "partly", "Ask for referrals,\nnot jobs."
    )  # fmt: skip
    contacts = list(Contact.objects.order_by("name").values_list("owner", "person", "name", "meeting", "group"))
    assert contacts == [
        (w.ann.pk, b.pk, "Member B", w.meeting.pk, w.group.pk),
        (w.ann.pk, c.pk, "Member C", w.meeting.pk, w.group.pk),
    ]
    assert sorted(ReflectionPerson.objects.values_list("person", "contact__person")) == sorted(
        [(b.pk, b.pk), (c.pk, c.pk)]
    )
    tasks = list(Task.objects.order_by("title").values_list("owner", "title", "due_on", "meeting"))
    assert tasks == [
        (w.ann.pk, "Send Member B my resume", date(2027, 4, 2), w.meeting.pk),
        (w.ann.pk, "Thank the speaker", None, w.meeting.pk),
    ]
    # Revised: C out, D in; C stays a contact (the tracker is the owner's to tidy), no task repeats.
    as_client(w.ann).post(
        f"/meetings/{w.meeting.public_id}/reflection/", {"value": "5", "met": [b.public_id, d.public_id]}
    )
    assert sorted(ReflectionPerson.objects.values_list("person", flat=True)) == sorted([b.pk, d.pk])
    assert Contact.objects.count() == 3
    assert Task.objects.count() == 2
    assert Reflection.objects.get().value == 5


def test_an_existing_contact_for_the_member_is_reused() -> None:
    w = world(others=1)
    (b,) = w.going
    ContactFactory(owner=w.ann, person=b, name="Bea (old friend)")
    end(w.meeting)
    services.reflection_save(owner=w.ann, meeting=w.meeting, value=3, met=[b.public_id])
    assert list(Contact.objects.values_list("name", flat=True)) == ["Bea (old friend)"]
    assert ReflectionPerson.objects.get().contact == Contact.objects.get()


def test_only_people_who_were_there_may_be_named_and_nothing_changes_otherwise() -> None:
    w = world(others=1)
    end(w.meeting)
    came = MembershipFactory(group=w.group).user
    RsvpFactory(meeting=w.meeting, user=came, status="declined", attended=True)
    stranger = UserFactory()
    declined = MembershipFactory(group=w.group).user
    RsvpFactory(meeting=w.meeting, user=declined, status="declined")
    for who in (stranger, declined):
        with pytest.raises(services.JournalError) as exc:
            services.reflection_save(owner=w.ann, meeting=w.meeting, value=3, met=[who.public_id])
        assert exc.value.status == 404
    assert (Reflection.objects.count(), Contact.objects.count(), Task.objects.count()) == (0, 0, 0)
    services.reflection_save(owner=w.ann, meeting=w.meeting, value=3, met=[came.public_id])
    assert Contact.objects.get().person == came
    r = as_client(w.ann).post(
        f"/meetings/{w.meeting.public_id}/reflection/", {"value": "2", "met": [stranger.public_id]}
    )
    assert r.status_code == 400
    assert Reflection.objects.get().value == 3


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Choose a value from 1 to 5."),
        ({"value": "6"}, "Select a valid choice. 6 is not one of the available choices."),
        ({"value": "3", "goal_met": "maybe"}, "Select a valid choice."),
        ({"value": "3", "follow_up_1": "Call\nher"}, "line break"),
        (
            {"value": "3", "follow_up_1": "Call", "due_1": "9999-12-31"},
            "Pick a date between 1900-01-01 and 2999-12-31.",
        ),
        ({"value": "3", "due_2": "2027-01-01"}, "Say what to do by that day."),
        ({"value": "3", "takeaways": "x\x00"}, "control character"),
    ],
)
def test_bad_reflection_input_is_a_form_error_and_saves_nothing(data: dict[str, object], error: str) -> None:
    w = world(others=1)
    end(w.meeting)
    r = as_client(w.ann).post(f"/meetings/{w.meeting.public_id}/reflection/", data)
    assert r.status_code == 400
    assert error in r.content.decode()
    assert (Reflection.objects.count(), Task.objects.count()) == (0, 0)


def test_no_reflection_before_the_end_or_for_someone_not_going() -> None:
    w = world(others=1)
    with pytest.raises(services.JournalError):
        services.reflection_save(owner=w.ann, meeting=w.meeting, value=3)
    end(w.meeting)
    idle = MembershipFactory(group=w.group).user
    r = as_client(idle).post(f"/meetings/{w.meeting.public_id}/reflection/", {"value": "3"})
    assert r.status_code == 400
    assert Reflection.objects.count() == 0


def test_the_prompt_waits_on_home_and_meeting_page_until_answered() -> None:
    w = world(others=1)
    c = as_client(w.ann)
    assert "How was <strong>Harbor circle</strong>?" not in c.get("/").content.decode()
    end(w.meeting)
    home = c.get("/").content.decode()
    assert "How was <strong>Harbor circle</strong>?" in home
    assert f'href="/meetings/{w.meeting.public_id}/reflection/"' in home
    page = c.get(w.meeting.get_absolute_url()).content.decode()
    assert "How was it?" in page
    assert "Save my reflection" in page
    c.post(f"/meetings/{w.meeting.public_id}/reflection/", {"value": "4"})
    assert "How was <strong>Harbor circle</strong>?" not in c.get("/").content.decode()
    page = c.get(w.meeting.get_absolute_url()).content.decode()
    assert "You said: 4 of 5 · Very useful" in page
    assert "Save my reflection" not in page


def test_dismissed_the_prompt_goes_without_a_value() -> None:
    w = world(others=1)
    end(w.meeting)
    c = as_client(w.ann)
    r = c.post(f"/meetings/{w.meeting.public_id}/reflection/dismiss/", {"next": "home"})
    assert (r.status_code, r["Location"]) == (302, "/")
    reflection = Reflection.objects.get()
    assert (reflection.value, reflection.dismissed_at is not None) == (None, True)
    assert "How was <strong>Harbor circle</strong>?" not in c.get("/").content.decode()
    assert "You skipped this one." in c.get(w.meeting.get_absolute_url()).content.decode()
    # Dismissing a reflection with a value changes nothing.
    services.reflection_save(owner=w.ann, meeting=w.meeting, value=2)
    services.reflection_dismiss(owner=w.ann, meeting=w.meeting)
    assert Reflection.objects.get().value == 2


def test_goal_is_shown_beside_the_reflection_with_did_you_get_it() -> None:
    w = world(others=1)
    services.goal_set(owner=w.ann, meeting=w.meeting, reasons=["learn_topic"], note="LinkedIn tips")
    end(w.meeting)
    page = as_client(w.ann).get(f"/meetings/{w.meeting.public_id}/reflection/").content.decode()
    assert "Learn the topic" in page
    assert "“LinkedIn tips”" in page
    assert "Did you get what you came for?" in page
    other = as_client(w.going[0]).get(f"/meetings/{w.meeting.public_id}/reflection/").content.decode()
    assert "LinkedIn tips" not in other
    assert "Did you get what you came for?" not in other


def test_a_reflection_with_errors_opens_with_a_summary_linking_to_each_marked_field() -> None:
    """Tester's finding 10: the summary at the form's top links to the field, whose input is
    marked invalid and names its message, which is styled as an error."""
    w = world(others=1)
    end(w.meeting)
    r = as_client(w.ann).post(f"/meetings/{w.meeting.public_id}/reflection/", {"value": "3", "due_2": "2027-01-01"})
    page = r.content.decode()
    assert r.status_code == 400
    assert (
        '<div class="form-errors error-summary" role="alert" tabindex="-1" data-error-summary>\n'
        '  <p class="error-summary-title">Please fix the fields marked below.</p>\n'
        '  <ul><li><a href="#id_follow_up_2">Follow-up 2: Say what to do by that day.</a></li></ul>\n'
        "</div>"
    ) in page
    assert page.index("data-error-summary") < page.index('name="value"')
    assert (
        '<input type="text" name="follow_up_2" maxlength="200" aria-invalid="true" '
        'aria-describedby="id_follow_up_2_error" id="id_follow_up_2">'
    ) in page
    assert '<p class="error-message" id="id_follow_up_2_error">Say what to do by that day.</p>' in page
    # A group of choices links to its first one; a missing value is listed first.
    r = as_client(w.ann).post(f"/meetings/{w.meeting.public_id}/reflection/", {})
    assert '<li><a href="#id_value_0">How much was it worth your time: Choose a value from 1 to 5.</a></li>' in (
        r.content.decode()
    )


def test_the_journal_shows_each_meeting_once_with_its_goal_beside_its_reflection() -> None:
    w = world(others=1)
    services.goal_set(owner=w.ann, meeting=w.meeting, reasons=["learn_topic"], note="LinkedIn tips")
    end(w.meeting)
    services.reflection_save(owner=w.ann, meeting=w.meeting, value=4, goal_met="yes")
    page = as_client(w.ann).get("/me/journal/").content.decode()
    assert page.count('<li class="card result journal-entry">') == 1
    entry = page[page.index("journal-entry") :]
    assert entry.index("Learn the topic") < entry.index("“LinkedIn tips”") < entry.index("<strong>4 of 5</strong>")
    assert "got what I came for: yes" in entry

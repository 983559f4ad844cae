"""A notification's email "now", sent by the real task worker: exactly once, HTML and text,
with a working one-click unsubscribe, and checked again when it is sent."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from roundtable.groups.models import Membership, MembershipState
from roundtable.notifications import services, tasks, unsubscribe
from roundtable.notifications.models import EmailState, Notification, Preference
from tests.factories import GroupFactory, MembershipFactory, UserFactory

from .news import KIND

pytestmark = pytest.mark.django_db(transaction=True)


def _run_tasks() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


def _world() -> tuple:  # type: ignore[type-arg]
    group = GroupFactory(name="Harbor Roundtable")
    reader = MembershipFactory(group=group, user=UserFactory(name="Priya Raman", email="priya@example.com")).user
    poster = MembershipFactory(group=group, user=UserFactory(name="Sam Ortiz")).user
    return group, reader, poster


def _news(reader, group, poster) -> None:  # type: ignore[no-untyped-def]
    services.notify(
        recipient=reader,
        kind=KIND.key,
        subject=group,
        actor=poster,
        data={"headline": "Hiring fair on Friday", "body": "Bring ten copies of your resume."},
    )


def test_email_now_goes_once_with_html_text_and_unsubscribe() -> None:
    group, reader, poster = _world()
    _news(reader, group, poster)
    _run_tasks()
    [message] = mail.outbox
    assert message.to == ["priya@example.com"]
    assert message.subject == "[Roundtable] Sam Ortiz posted in Harbor Roundtable: Hiring fair on Friday"
    # The email's own link (its token carries the second it was signed, so one made here
    # could differ), which must read back as this person and this kind.
    found = re.search(r"http://127\.0\.0\.1:8000/inbox/unsubscribe/([^/\s]+)/", message.body)
    assert found is not None
    assert unsubscribe.read_token(found.group(1)) == (reader.public_id, KIND.key)
    stop = found.group(0)
    assert message.body == (
        "Hi Priya Raman,\n\n"
        "Sam Ortiz posted in Harbor Roundtable: Hiring fair on Friday\n\n"
        "Bring ten copies of your resume.\n\n"
        f"Open it: http://127.0.0.1:8000/groups/{group.slug}/\n\n"
        "All your notifications: http://127.0.0.1:8000/inbox/\n\n"
        'You get this because "News in my groups" is set to email you at once.\n'
        f"Stop these emails: {stop}\n"
        "Choose what reaches you, and how: http://127.0.0.1:8000/inbox/preferences/\n"
    )
    [(html, mime)] = message.alternatives
    assert mime == "text/html"
    assert f'<a href="http://127.0.0.1:8000/groups/{group.slug}/">Open it</a>' in html
    assert f'<a href="{stop}"' in html
    assert message.extra_headers["List-Unsubscribe"] == f"<{stop}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    n = Notification.objects.get()
    assert n.email_state == EmailState.SENT
    assert n.emailed_at is not None

    # The task asked again (a second worker, a retry): nothing more goes.
    tasks.email_notification.enqueue(notification_id=n.pk)
    _run_tasks()
    assert len(mail.outbox) == 1


def test_one_click_unsubscribe_works_signed_out_and_only_for_its_kind() -> None:
    _, reader, _ = _world()
    client = Client(enforce_csrf_checks=True)
    url = f"/inbox/unsubscribe/{unsubscribe.token_for(reader, KIND.key)}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop these emails?" in page.content.decode()
    assert Preference.objects.count() == 0
    # A mail client's one-click POST (RFC 8058): no cookie, no CSRF token.
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Emails stopped" in response.content.decode()
    assert list(Preference.objects.values_list("person", "kind", "inbox", "email")) == [
        (reader.pk, KIND.key, True, "never")
    ]
    # A forged or altered token changes nothing and says so.
    forged = url.replace(url[-8:-2], "AAAAAA")
    assert client.post(forged).status_code == 404
    assert client.get("/inbox/unsubscribe/not-a-token/").status_code == 404
    other = UserFactory()
    assert Preference.objects.filter(person=other).count() == 0


def test_rechecked_when_sent_access_lost_means_no_email() -> None:
    group, reader, poster = _world()
    _news(reader, group, poster)
    Membership.objects.filter(group=group, user=reader).update(state=MembershipState.LEFT)
    _run_tasks()
    assert mail.outbox == []
    assert Notification.objects.get().email_state == EmailState.SKIPPED


def test_rechecked_when_sent_preference_changed_after_recording() -> None:
    group, reader, poster = _world()
    _news(reader, group, poster)
    services.preference_set(person=reader, kind=KIND.key, inbox=True, email="never")
    _run_tasks()
    assert mail.outbox == []
    assert Notification.objects.get().email_state == EmailState.SKIPPED


def test_moved_to_the_digest_when_the_person_chose_it_meanwhile() -> None:
    group, reader, poster = _world()
    _news(reader, group, poster)
    services.preference_set(person=reader, kind=KIND.key, inbox=True, email="digest")
    _run_tasks()
    assert mail.outbox == []
    assert Notification.objects.get().email_state == EmailState.DIGEST


def test_an_account_closed_before_sending_gets_nothing() -> None:
    group, reader, poster = _world()
    _news(reader, group, poster)
    reader.is_active = False
    reader.save()
    _run_tasks()
    assert mail.outbox == []

"""The daily digest: at 8 in the morning in each person's own time zone, through the real task
worker and the meetings tick, exactly once a day even with two workers at the same moment, with
access and preferences checked again when it is sent."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import TestCase

from roundtable.accounts.models import Profile
from roundtable.groups.models import Membership, MembershipState
from roundtable.meetings import tasks as meeting_tasks
from roundtable.notifications import services, tasks, unsubscribe
from roundtable.notifications.models import DigestSent, EmailState, Notification
from tests.factories import GroupFactory, MembershipFactory, UserFactory

from .news import KIND, KIND_NO_BULK

pytestmark = pytest.mark.django_db(transaction=True)

# Tuesday 16 March 2027, 14:00 UTC: 23:00 in Tokyo, 07:00 in Los Angeles (summer time).
AT = datetime(2027, 3, 16, 14, 0, tzinfo=UTC)


def _run_tasks() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


def _digest(at: datetime) -> None:
    tasks.send_digests.enqueue(at=at.isoformat())
    _run_tasks()


def _person(name: str, email: str, zone: str):  # type: ignore[no-untyped-def]
    user = UserFactory(name=name, email=email)
    Profile.objects.filter(user=user).update(time_zone=zone)
    return user


def _news(reader, group, poster, headline: str, *, at: datetime, kind: str = KIND_NO_BULK.key) -> Notification:  # type: ignore[no-untyped-def]
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.notify(recipient=reader, kind=kind, subject=group, actor=poster, data={"headline": headline})
    n = Notification.objects.order_by("-pk").first()
    assert n is not None
    Notification.objects.filter(pk=n.pk).update(created_at=at)
    return n


def _world() -> tuple:  # type: ignore[type-arg]
    group = GroupFactory(name="Harbor Roundtable")
    poster = MembershipFactory(group=group, user=UserFactory(name="Sam Ortiz")).user
    tokyo = MembershipFactory(group=group, user=_person("Aiko Sato", "aiko@example.com", "Asia/Tokyo")).user
    la = MembershipFactory(group=group, user=_person("Luis Vega", "luis@example.com", "America/Los_Angeles")).user
    return group, poster, tokyo, la


def test_each_person_gets_it_at_eight_their_time_once_a_day() -> None:
    group, poster, tokyo, la = _world()
    _news(tokyo, group, poster, "Hiring fair", at=AT - timedelta(hours=3))
    _news(tokyo, group, poster, "New member", at=AT - timedelta(hours=2))
    _news(la, group, poster, "Hiring fair", at=AT - timedelta(hours=3))

    _digest(AT)  # Tokyo 23:00 (due since 08:00), Los Angeles 07:00 (not yet)
    [to_tokyo] = mail.outbox
    assert to_tokyo.to == ["aiko@example.com"]
    assert to_tokyo.subject == "[Roundtable] Your day on Roundtable: 2 new things"
    stop = unsubscribe.url_for(tokyo, KIND_NO_BULK.key)
    assert to_tokyo.body == (
        "Hi Aiko Sato,\n\n"
        "Since your last digest:\n\n"
        "- Sam Ortiz posted in Harbor Roundtable: Hiring fair\n"
        f"  http://127.0.0.1:8000/groups/{group.slug}/\n\n"
        "- Sam Ortiz posted in Harbor Roundtable: New member\n"
        f"  http://127.0.0.1:8000/groups/{group.slug}/\n\n"
        "All your notifications: http://127.0.0.1:8000/inbox/\n\n"
        "Stop emails about:\n"
        f"- Quiet news in my groups: {stop}\n"
        "Choose what reaches you, and how: http://127.0.0.1:8000/inbox/preferences/\n"
    )
    [(html, mime)] = to_tokyo.alternatives
    assert mime == "text/html"
    assert html.count(f'<a href="http://127.0.0.1:8000/groups/{group.slug}/"><strong>') == 2
    assert list(DigestSent.objects.values_list("person", "day", "count")) == [(tokyo.pk, AT.date(), 2)]

    _digest(AT + timedelta(minutes=90))  # Los Angeles 08:30: its turn; Tokyo's day is done
    assert [m.to for m in mail.outbox] == [["aiko@example.com"], ["luis@example.com"]]
    _digest(AT + timedelta(hours=2))
    assert len(mail.outbox) == 2

    # News after today's digest waits for tomorrow's.
    _news(la, group, poster, "Later today", at=AT + timedelta(hours=3))
    _digest(AT + timedelta(hours=4))
    assert len(mail.outbox) == 2
    _digest(AT + timedelta(days=1, hours=2))  # Los Angeles, Wednesday 09:00
    assert len(mail.outbox) == 3
    assert "Later today" in mail.outbox[2].body
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}


def test_the_meetings_tick_sends_it() -> None:
    group, poster, tokyo, _ = _world()
    _news(tokyo, group, poster, "Hiring fair", at=AT - timedelta(hours=1))
    meeting_tasks.tick_once(now=AT)
    assert [m.to for m in mail.outbox] == [["aiko@example.com"]]
    meeting_tasks.tick_once(now=AT + timedelta(minutes=5))
    assert len(mail.outbox) == 1


def test_two_workers_at_the_same_moment_send_one_digest() -> None:
    group, poster, tokyo, _ = _world()
    for i in range(5):
        _news(tokyo, group, poster, f"News {i}", at=AT - timedelta(hours=1))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            tasks.send_due_digests(AT)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.count("- Sam Ortiz posted in Harbor Roundtable: News") == 5
    assert DigestSent.objects.count() == 1


def test_rechecked_when_sent_access_and_preferences() -> None:
    group, poster, tokyo, _ = _world()
    other = GroupFactory(name="Quiet Circle")
    MembershipFactory(group=other, user=tokyo)
    _news(tokyo, group, poster, "Kept", at=AT - timedelta(hours=2))
    _news(tokyo, other, poster, "From the circle I left", at=AT - timedelta(hours=2))
    Membership.objects.filter(group=other, user=tokyo).update(state=MembershipState.LEFT)
    _digest(AT)
    [message] = mail.outbox
    assert "Kept" in message.body
    assert "From the circle I left" not in message.body
    assert sorted(Notification.objects.values_list("data__headline", "email_state")) == [
        ("From the circle I left", EmailState.SKIPPED),
        ("Kept", EmailState.SENT),
    ]


def test_nothing_left_to_send_sends_nothing_and_claims_no_day() -> None:
    group, poster, tokyo, _ = _world()
    _news(tokyo, group, poster, "Hiring fair", at=AT - timedelta(hours=2))
    services.preference_set(person=tokyo, kind=KIND_NO_BULK.key, inbox=True, email="never")
    _digest(AT)
    assert mail.outbox == []
    assert DigestSent.objects.count() == 0


def test_email_now_kinds_never_wait_for_the_digest() -> None:
    group, poster, tokyo, _ = _world()
    _news(tokyo, group, poster, "At once", at=AT - timedelta(hours=2), kind=KIND.key)
    _digest(AT)  # runs the queued "now" email too
    assert [m.subject for m in mail.outbox] == ["[Roundtable] Sam Ortiz posted in Harbor Roundtable: At once"]
    assert DigestSent.objects.count() == 0


def test_a_bad_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="aware ISO 8601"):
        tasks.send_digests.call(at="2027-03-16T14:00:00")

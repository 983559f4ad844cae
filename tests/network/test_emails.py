"""Each introduction event reaches its recipients through the notifications app (notify(), the
inbox, the email sent by the real task worker after commit); no contact detail in any email or
notification before everyone accepted; the follow-up a week after acceptance goes exactly
once, and only to the two people while they may still see it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from roundtable.groups.models import MembershipState
from roundtable.meetings import tasks as meeting_tasks
from roundtable.network import services, tasks
from roundtable.network.models import Introduction
from roundtable.notifications.selectors import inbox_for

from .world import world

pytestmark = pytest.mark.django_db(transaction=True)


def _run_tasks() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


def _mail(outbox, start: int = 0) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(m.to[0], m.subject) for m in outbox[start:]]


def test_each_step_emails_the_next_person_and_nothing_private_leaks(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = world()
    bea = w.people["bea"]
    intro = services.introduction_ask(asker=w.ann, group=w.group, introducer=w.facilitator, target=bea,
                                      note="Curious about Acme.")  # fmt: skip
    _run_tasks()
    assert _mail(mailoutbox) == [
        (w.facilitator.email, "[Roundtable] Ann Alvarez asks you for an introduction to Bea Baker")
    ]
    services.introduction_accept(user=w.facilitator, introduction=intro, note="Bea leads analytics there.")
    _run_tasks()
    assert _mail(mailoutbox, 1) == [
        (bea.email, "[Roundtable] Fay Facilitator would like to introduce you to Ann Alvarez")
    ]
    assert "Bea leads analytics there." in mailoutbox[1].body
    assert f"http://127.0.0.1:8000/network/introductions/{intro.public_id}/" in mailoutbox[1].body
    for m in mailoutbox:
        for text in (m.body, str(m.alternatives)):
            assert w.ann.email not in text
            assert bea.email not in text
    services.introduction_accept(user=bea, introduction=intro)
    _run_tasks()
    assert sorted(_mail(mailoutbox, 2)) == sorted([
        (w.ann.email, "[Roundtable] You and Bea Baker can now contact each other"),
        (bea.email, "[Roundtable] You and Ann Alvarez can now contact each other"),
        (w.facilitator.email, "[Roundtable] Ann Alvarez and Bea Baker accepted your introduction"),
    ])  # fmt: skip
    to_ann = next(m for m in mailoutbox[2:] if m.to == [w.ann.email])
    assert f"Their email: {bea.email}." in to_ann.body
    to_fac = next(m for m in mailoutbox[2:] if m.to == [w.facilitator.email])
    assert bea.email not in to_fac.body
    assert w.ann.email not in to_fac.body
    # The same in the inboxes: the email only in the asker's and the target's accepted item.
    ann_inbox = inbox_for(w.ann)
    assert [i.title for i in ann_inbox] == ["You and Bea Baker can now contact each other"]
    assert f"Their email: {bea.email}." in ann_inbox[0].text
    assert [i.title for i in inbox_for(bea)] == [
        "You and Ann Alvarez can now contact each other", "Fay Facilitator would like to introduce you to Ann Alvarez"
    ]  # fmt: skip
    assert bea.email not in inbox_for(bea)[1].text
    assert w.ann.email not in inbox_for(bea)[1].text
    fac_items = inbox_for(w.facilitator)
    assert [i.title for i in fac_items] == [
        "Ann Alvarez and Bea Baker accepted your introduction", "Ann Alvarez asks you for an introduction to Bea Baker"
    ]  # fmt: skip
    assert all(w.ann.email not in i.text and bea.email not in i.text for i in fac_items)


def test_a_decline_tells_the_asker_only_that_it_is_not_possible(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = world()
    intro = services.introduction_ask(asker=w.ann, group=w.group, introducer=w.facilitator, target=w.people["bea"],
                                      note="Curious about Acme.")  # fmt: skip
    _run_tasks()  # the introducer's email goes before they answer (answered first, it would not go)
    services.introduction_accept(user=w.facilitator, introduction=intro, note="Worth it.")
    _run_tasks()
    services.introduction_decline(user=w.people["bea"], introduction=intro, block=True)
    _run_tasks()
    assert _mail(mailoutbox, 2) == [
        (w.ann.email, "[Roundtable] Your introduction to Bea Baker: not possible at the moment")
    ]
    assert "declin" not in mailoutbox[2].body.lower()
    assert "block" not in mailoutbox[2].body.lower()


def test_a_refused_ask_emails_nobody(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = world()
    services.ask_block(blocker=w.people["bea"], blocked=w.ann)
    services.introduction_ask(asker=w.ann, group=w.group, introducer=w.facilitator, target=w.people["bea"],
                              note="Curious about Acme.")  # fmt: skip
    _run_tasks()
    assert mailoutbox == []


def test_an_email_is_not_sent_to_someone_who_lost_access_meanwhile(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = world()
    services.introduction_ask(asker=w.ann, group=w.group, introducer=w.facilitator, target=w.people["bea"],
                              note="Curious about Acme.")  # fmt: skip
    w.group.memberships.filter(user=w.facilitator).update(state=MembershipState.LEFT, role="member")
    _run_tasks()
    assert mailoutbox == []
    assert inbox_for(w.facilitator) == []


def _accepted(w) -> Introduction:  # type: ignore[no-untyped-def]
    intro = services.introduction_ask(asker=w.ann, group=w.group, introducer=w.facilitator, target=w.people["bea"],
                                      note="Curious about Acme.")  # fmt: skip
    services.introduction_accept(user=w.facilitator, introduction=intro, note="Worth it.")
    services.introduction_accept(user=w.people["bea"], introduction=intro)
    return intro


def _follow_ups(outbox) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return sorted((m.to[0], m.subject) for m in outbox if "talked yet" in m.subject)


def test_the_follow_up_goes_once_a_week_after_acceptance_by_the_worker(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = world()
    intro = _accepted(w)
    _run_tasks()
    now = timezone.now()
    # The meetings tick, which the worker keeps going, carries the follow-ups (other apps' emails
    # about the meeting ride on it too).
    meeting_tasks.tick_once(now + timedelta(days=6, hours=23))
    assert _follow_ups(mailoutbox) == []
    meeting_tasks.tick_once(now + timedelta(days=7, minutes=1))
    meeting_tasks.tick_once(now + timedelta(days=7, minutes=6))
    tasks.send_due_reminders(now + timedelta(days=8))
    _run_tasks()
    assert _follow_ups(mailoutbox) == sorted([
        (w.ann.email, "[Roundtable] Have you and Bea Baker talked yet?"),
        (w.people["bea"].email, "[Roundtable] Have you and Ann Alvarez talked yet?"),
    ])  # fmt: skip
    intro.refresh_from_db()
    assert intro.reminder_sent_at == now + timedelta(days=7, minutes=1)


def test_the_follow_up_skips_someone_who_lost_access(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = world()
    _accepted(w)
    _run_tasks()
    w.ann.is_active = False
    w.ann.save(update_fields=["is_active"])
    tasks.send_due_reminders(timezone.now() + timedelta(days=7, minutes=1))
    _run_tasks()
    assert _follow_ups(mailoutbox) == [(w.people["bea"].email, "[Roundtable] Have you and Ann Alvarez talked yet?")]


def test_an_ask_answered_before_its_email_went_is_not_emailed(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = world()
    intro = services.introduction_ask(asker=w.ann, group=w.group, introducer=w.facilitator, target=w.people["bea"],
                                      note="Curious about Acme.")  # fmt: skip
    services.introduction_decline(user=w.facilitator, introduction=intro)
    _run_tasks()
    assert _mail(mailoutbox) == [
        (w.ann.email, "[Roundtable] Your introduction to Bea Baker: not possible at the moment")
    ]

"""The audit trail (issue 12, item 7): what an event keeps, what it never keeps, the purge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory, override_settings
from django.utils import timezone

from roundtable.safety.audit import audit_purge, audit_record, events_for_group, network_of
from roundtable.safety.models import AuditEvent
from tests.factories import GroupFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_event_keeps_who_what_whom_and_why_and_a_hashed_network_only() -> None:
    actor, subject = UserFactory(), UserFactory()
    group = GroupFactory()
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="Secret Browser 1.0")
    event = audit_record(
        action="moderation.ban",
        actor=actor,
        subject=subject,
        group=group,
        reason="Spam\x07 again\r\nand again",
        request=request,
    )
    event.refresh_from_db()
    assert (event.action, event.actor_id, event.subject_id, event.group_id) == (
        "moderation.ban",
        actor.pk,
        subject.pk,
        group.pk,
    )
    assert event.reason == "Spam again\nand again"
    # The same /24 hashes alike; the address itself and the user agent are stored nowhere.
    assert event.network == network_of("203.0.113.5") != network_of("203.0.114.77")
    assert len(event.network) == 16
    stored = " ".join(str(v) for v in AuditEvent.objects.values_list().get())
    assert "203.0.113" not in stored
    assert "Secret Browser" not in stored


def test_network_of_odd_addresses() -> None:
    assert network_of(None) == ""
    assert network_of("") == ""
    assert network_of("not an address") == ""
    assert network_of("2001:db8:1:2::1") == network_of("2001:db8:1:ffff::9") != network_of("2001:db8:2::1")


def test_an_anonymous_actor_is_stored_as_nobody_and_a_bad_action_is_refused() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert audit_record(action="account.sign_in_failed", actor=AnonymousUser()).actor_id is None
    with pytest.raises(ValueError, match="dotted name"):
        audit_record(action="x" * 65)


def test_deleting_a_person_keeps_the_event_naming_nobody() -> None:
    actor = UserFactory()
    event = audit_record(action="privacy.export", actor=actor, subject=actor)
    actor.delete()
    event.refresh_from_db()
    assert (event.actor_id, event.subject_id, event.action) == (None, None, "privacy.export")


@override_settings(ROUNDTABLE_AUDIT_RETENTION_DAYS=30)
def test_the_purge_deletes_only_events_past_retention() -> None:
    now = timezone.now()
    old = audit_record(action="account.password_changed", at=now - timedelta(days=31))
    kept = audit_record(action="account.password_changed", at=now - timedelta(days=29))
    assert audit_purge(now=now) == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


def test_a_groups_events_are_only_its_own() -> None:
    a, b = GroupFactory(), GroupFactory()
    mine = audit_record(action="moderation.warn", group=a)
    audit_record(action="moderation.warn", group=b)
    audit_record(action="account.mfa_enabled")
    assert [e.pk for e in events_for_group(a.pk)] == [mine.pk]


def test_every_action_the_code_records_has_words_for_the_log() -> None:
    """An action recorded anywhere (a dotted literal in a module that records events) reads in
    words on the log pages, so a new one without words fails here."""
    import re
    from pathlib import Path

    from roundtable.safety.audit import ACTION_LABELS

    root = Path(__file__).resolve().parents[2] / "roundtable"
    pattern = re.compile(r'"((?:account|moderation|privacy|groups)\.[a-z_]+)"')
    recorded: set[str] = set()
    for path in root.rglob("*.py"):
        text = path.read_text()
        if "audit_record" in text or "MEMBER_AUDIT" in text:
            recorded |= set(pattern.findall(text))
    assert {"moderation.mute", "account.mfa_enabled", "privacy.export"} <= recorded
    assert sorted(recorded - set(ACTION_LABELS)) == []
    assert AuditEvent(action="moderation.mute").action_label == "Paused posting in live rooms"
    assert AuditEvent(action="something.new").action_label == "something.new"

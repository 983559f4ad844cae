"""notify(): recorded after commit, only for recipients who want the kind and may see its
subject; the registry's rules."""

from __future__ import annotations

import pytest
from django.db import transaction

from roundtable.groups.models import GroupVisibility, Membership, MembershipState
from roundtable.notifications import kinds, selectors, services
from roundtable.notifications.models import EmailState, Notification, Preference
from tests.factories import GroupFactory, MembershipFactory, UserFactory

from .news import KIND, KIND_NO_BULK

pytestmark = pytest.mark.django_db


def _world() -> tuple:  # type: ignore[type-arg]
    group = GroupFactory(name="Harbor Roundtable", visibility=GroupVisibility.SECRET)
    reader = MembershipFactory(group=group, user=UserFactory(name="Priya Raman")).user
    poster = MembershipFactory(group=group, user=UserFactory(name="Sam Ortiz")).user
    return group, reader, poster


def _news(reader, group, poster, headline: str = "Hiring fair on Friday", kind: str = KIND.key) -> None:  # type: ignore[no-untyped-def]
    services.notify(recipient=reader, kind=kind, subject=group, actor=poster, data={"headline": headline})


def test_recorded_after_commit_with_what_the_kind_renders(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    group, reader, poster = _world()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _news(reader, group, poster)
        # Nothing until the caller's transaction commits.
        assert Notification.objects.count() == 0
    for callback in callbacks:
        callback()
    n = Notification.objects.get()
    assert (n.recipient, n.kind, n.subject, n.actor, n.data) == (
        reader,
        "tests.group_news",
        group,
        poster,
        {"headline": "Hiring fair on Friday"},
    )
    assert (n.in_inbox, n.read_at, n.email_state, n.hidden) == (True, None, EmailState.NOW, False)
    assert len(n.public_id) == 12
    [item] = selectors.inbox_for(reader)
    assert (item.title, item.text, item.url, item.actor_name, item.unread) == (
        "Sam Ortiz posted in Harbor Roundtable: Hiring fair on Friday",
        "",
        f"/groups/{group.slug}/",
        "Sam Ortiz",
        True,
    )
    assert selectors.unread_sync(reader) == 1
    assert selectors.badge_count(reader) == 1


def test_a_rolled_back_event_tells_nobody(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    group, reader, poster = _world()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _news(reader, group, poster)
                raise RuntimeError("the event failed")
        except RuntimeError:
            pass
    assert Notification.objects.count() == 0


def test_digest_default_waits_for_the_digest(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    group, reader, poster = _world()
    with django_capture_on_commit_callbacks(execute=True):
        _news(reader, group, poster, kind=KIND_NO_BULK.key)
    assert Notification.objects.get().email_state == EmailState.DIGEST


@pytest.mark.parametrize(
    ("inbox", "email", "expected"),
    [
        (False, "never", None),
        (False, "now", (False, EmailState.NOW)),
        (True, "never", (True, EmailState.NONE)),
        (True, "digest", (True, EmailState.DIGEST)),
    ],
)
def test_preferences_decide_what_is_recorded(django_capture_on_commit_callbacks, inbox, email, expected) -> None:  # type: ignore[no-untyped-def]
    group, reader, poster = _world()
    services.preference_set(person=reader, kind=KIND.key, inbox=inbox, email=email)
    with django_capture_on_commit_callbacks(execute=True):
        _news(reader, group, poster)
    rows = list(Notification.objects.values_list("in_inbox", "email_state"))
    assert rows == ([] if expected is None else [expected])
    # A row kept only for its email is in no inbox and no count.
    assert len(selectors.inbox_for(reader)) == (1 if inbox else 0)
    assert selectors.unread_sync(reader) == (1 if inbox else 0)
    assert selectors.badge_count(reader) == (1 if inbox else 0)


def test_nothing_for_someone_who_may_not_see_the_subject(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    group, _, poster = _world()
    outsider = UserFactory()
    left = MembershipFactory(group=group, state=MembershipState.LEFT).user
    with django_capture_on_commit_callbacks(execute=True):
        _news(outsider, group, poster)
        _news(left, group, poster)
    assert Notification.objects.count() == 0


def test_access_is_checked_when_recorded_not_when_asked(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    group, reader, poster = _world()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _news(reader, group, poster)
        # The reader leaves in the same transaction, after the event: nothing is recorded.
        Membership.objects.filter(group=group, user=reader).update(state=MembershipState.LEFT)
    assert Notification.objects.count() == 0


def test_an_inactive_recipient_gets_nothing(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    group, reader, poster = _world()
    reader.is_active = False
    reader.save()
    with django_capture_on_commit_callbacks(execute=True):
        _news(reader, group, poster)
    assert Notification.objects.count() == 0


def test_a_deleted_subject_records_nothing(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    group, reader, poster = _world()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _news(reader, group, poster)
        Membership.objects.filter(group=group).delete()
        group.delete()
    assert Notification.objects.count() == 0


def test_bugs_raise_in_the_caller() -> None:
    group, reader, _ = _world()
    with pytest.raises(ValueError, match=r"No notification kind 'network\.nothing' is registered"):
        services.notify(recipient=reader, kind="network.nothing", subject=group)
    unsaved = GroupFactory.build()
    with pytest.raises(ValueError, match="must be saved first"):
        services.notify(recipient=reader, kind=KIND.key, subject=unsaved)
    with pytest.raises(TypeError):
        services.notify(recipient=reader, kind=KIND.key, subject=group, data={"when": object()})


def test_registry_rules() -> None:
    assert kinds.get(KIND.key) is KIND
    kinds.register(KIND)  # the same kind again: a no-op
    # The apps register their own kinds too (network.*, ...): only the tests' are listed here.
    tests_kinds = [k.key for k in kinds.all_kinds() if k.key.startswith("tests.")]
    assert tests_kinds == ["tests.group_digest_news", "tests.group_news"]
    other = kinds.Kind(key=KIND.key, label="Other", email_default="now", may_see=KIND.may_see, render=KIND.render)
    with pytest.raises(ValueError, match="already registered"):
        kinds.register(other)
    with pytest.raises(ValueError, match="email_default"):
        kinds.register(
            kinds.Kind(key="tests.x", label="X", email_default="weekly", may_see=KIND.may_see, render=KIND.render)
        )
    with pytest.raises(ValueError, match=r"<app>\.<event>"):
        kinds.register(
            kinds.Kind(key="nodot", label="X", email_default="now", may_see=KIND.may_see, render=KIND.render)
        )
    assert kinds.get("tests.x") is None


def test_preference_set_refuses_unknown_kinds_and_choices() -> None:
    _, reader, _ = _world()
    with pytest.raises(ValueError, match="No notification kind"):
        services.preference_set(person=reader, kind="tests.nothing", inbox=True, email="now")
    with pytest.raises(ValueError, match="email choice"):
        services.preference_set(person=reader, kind=KIND.key, inbox=True, email="hourly")
    with pytest.raises(ValueError, match="email choice"):
        services.preferences_set(
            person=reader, choices={KIND_NO_BULK.key: (False, "never"), KIND.key: (True, "weekly")}
        )
    # Atomic: the good half of the bad batch was not kept either.
    assert Preference.objects.count() == 0

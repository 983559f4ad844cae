"""The inbox and preferences pages: owner-only, exact outcomes, access re-checked when shown,
fixed query counts, and the badge in the navigation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from roundtable.groups.models import Membership, MembershipState
from roundtable.notifications import selectors, services
from roundtable.notifications.kinds import all_kinds
from roundtable.notifications.models import Notification, Preference
from tests.factories import PASSWORD, GroupFactory, MembershipFactory, UserFactory
from tests.queries import page_queries

from .news import KIND, KIND_NO_BULK

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _news(reader, group, poster, headline: str, *, kind: str = KIND.key, ago: int = 0) -> Notification:  # type: ignore[no-untyped-def]
    """Record one notification as notify() does after a commit, `ago` minutes in the past."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.notify(recipient=reader, kind=kind, subject=group, actor=poster, data={"headline": headline})
    n = Notification.objects.order_by("-pk").first()
    assert n is not None
    if ago:
        Notification.objects.filter(pk=n.pk).update(created_at=timezone.now() - timedelta(minutes=ago))
        n.refresh_from_db()
    return n


def _world(groups: int = 1) -> tuple:  # type: ignore[type-arg]
    reader = UserFactory(name="Priya Raman")
    poster = UserFactory(name="Sam Ortiz")
    gs = []
    for i in range(groups):
        g = GroupFactory(name=f"Circle {i}")
        MembershipFactory(group=g, user=reader)
        MembershipFactory(group=g, user=poster)
        gs.append(g)
    return reader, poster, gs


def test_inbox_newest_first_unread_marked_in_words() -> None:
    reader, poster, [group] = _world()
    old = _news(reader, group, poster, "Old news", ago=90)
    new = _news(reader, group, poster, "Fresh news", ago=5)
    services.notification_mark_read(user=reader, public_id=old.public_id)
    html = logged_in(reader).get("/inbox/").content.decode()
    assert html.index("Fresh news") < html.index("Old news")
    assert "1 unread" in html
    # The unread one says "New" and has its own "Mark read" button; the read one has neither.
    assert html.count('<span class="inbox-new">New</span>') == 1
    assert html.count(">Mark read<") == 1
    assert f'href="/inbox/{new.public_id}/"' in html
    assert f'action="/inbox/{new.public_id}/read/"' in html
    assert f'action="/inbox/{old.public_id}/read/"' not in html


def test_empty_inbox_says_what_will_appear() -> None:
    reader, _, _ = _world()
    html = logged_in(reader).get("/inbox/").content.decode()
    assert "Nothing here yet" in html
    assert "When someone asks you for an introduction" in html
    assert "Mark all read" not in html


def test_open_marks_read_and_goes_to_the_subject() -> None:
    reader, poster, [group] = _world()
    n = _news(reader, group, poster, "Hiring fair")
    response = logged_in(reader).get(f"/inbox/{n.public_id}/")
    assert response.status_code == 302
    assert response["Location"] == f"/groups/{group.slug}/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_one_and_all_read() -> None:
    reader, poster, [group] = _world()
    a = _news(reader, group, poster, "A")
    _news(reader, group, poster, "B")
    _news(reader, group, poster, "C")
    client = logged_in(reader)
    response = client.post(f"/inbox/{a.public_id}/read/", {"page": "1"})
    assert (response.status_code, response["Location"]) == (302, "/inbox/")
    assert selectors.unread_sync(reader) == 2
    response = client.post("/inbox/read/", {"page": "2"})
    assert (response.status_code, response["Location"]) == (302, "/inbox/?page=2")
    assert selectors.unread_sync(reader) == 0
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_another_persons_notification_answers_404_as_a_missing_one() -> None:
    reader, poster, [group] = _world()
    n = _news(reader, group, poster, "Private")
    other = logged_in(poster)
    missing = "abcdefghijkm"
    for url in (f"/inbox/{n.public_id}/", f"/inbox/{missing}/"):
        assert other.get(url).status_code == 404
    for url in (f"/inbox/{n.public_id}/read/", f"/inbox/{missing}/read/"):
        assert other.post(url).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None
    assert "Private" not in other.get("/inbox/").content.decode()
    # Signed out: to the login page, as every signed-in page.
    assert Client().get("/inbox/").status_code == 302


def test_lost_access_hides_the_item_and_its_count() -> None:
    reader, poster, [kept, left] = _world(groups=2)
    _news(reader, kept, poster, "Still mine")
    gone = _news(reader, left, poster, "From the group I left")
    _news(reader, left, poster, "Quiet one from it", kind=KIND_NO_BULK.key)
    assert selectors.badge_count(reader) == 3
    Membership.objects.filter(group=left, user=reader).update(state=MembershipState.LEFT)
    client = logged_in(reader)
    html = client.get("/inbox/").content.decode()
    assert "Still mine" in html
    assert "From the group I left" not in html
    assert "Quiet one from it" not in html
    assert "1 unread" in html
    # The badge, one query on every page, counts what the inbox counted.
    assert selectors.badge_count(reader) == 1
    assert client.get(f"/inbox/{gone.public_id}/").status_code == 404
    # Back in the group: unread news shows again.
    Membership.objects.filter(group=left, user=reader).update(state=MembershipState.ACTIVE)
    assert selectors.unread_sync(reader) == 3
    assert selectors.badge_count(reader) == 3


def test_paging_fills_pages_past_hidden_rows() -> None:
    reader, poster, [kept, left] = _world(groups=2)
    for i in range(25):
        _news(reader, kept if i % 2 else left, poster, f"Item {i:02d}", ago=100 - i)
    Membership.objects.filter(group=left, user=reader).update(state=MembershipState.LEFT)
    first = selectors.inbox_page(reader, 1, per_page=5)
    assert [i.title.rsplit(": ", 1)[1] for i in first.items] == ["Item 23", "Item 21", "Item 19", "Item 17", "Item 15"]
    assert (first.has_next, first.has_previous, first.unread) == (True, False, 12)
    third = selectors.inbox_page(reader, 3, per_page=5)
    assert [i.title.rsplit(": ", 1)[1] for i in third.items] == ["Item 03", "Item 01"]
    assert third.has_next is False
    # A page number that is not one is page 1, never an error.
    client = logged_in(reader)
    for bad in ("0", "-2", "two", "9" * 40, "\x00"):
        assert client.get("/inbox/", {"page": bad}).status_code == 200


@pytest.mark.parametrize("size", [2, 30])
def test_inbox_queries_do_not_grow(size: int) -> None:
    reader, poster, groups = _world(groups=3)
    for i in range(size):
        _news(reader, groups[i % 3], poster, f"News {i}")
    client = logged_in(reader)
    client.get("/inbox/")  # the session's first use
    # session, user, the unread check (rows, subjects, may_see_many), the page (rows with
    # their actors, subjects, may_see_many), the menu's profile. The badge takes the unread
    # check's count: no COUNT of its own here.
    assert page_queries(client, "/inbox/") == 9


def test_preferences_page_shows_each_kind_and_saves() -> None:
    reader, _, _ = _world()
    client = logged_in(reader)
    html = client.get("/inbox/preferences/").content.decode()
    assert "News in my groups" in html
    assert "Quiet news in my groups" in html
    assert 'name="inbox-tests.group_news" id="id_inbox-tests.group_news" checked' in html
    # Each kind's default is chosen until the person chooses: "now" for one, "digest" for the other.
    assert (
        '<input type="radio" name="email-tests.group_news" value="now" '
        'id="id_email-tests.group_news_0" required checked>' in html
    )
    assert (
        '<input type="radio" name="email-tests.group_digest_news" value="digest" '
        'id="id_email-tests.group_digest_news_1" required checked>'
    ) in html
    # The form holds every registered kind (the apps' too): theirs are sent back as shown.
    unchanged = {f"email-{k.key}": k.email_default for k in all_kinds() if not k.key.startswith("tests.")}
    unchanged |= {f"inbox-{k.key}": "on" for k in all_kinds() if not k.key.startswith("tests.")}
    response = client.post(
        "/inbox/preferences/",
        {
            **unchanged,
            "email-tests.group_news": "digest",
            "inbox-tests.group_digest_news": "on",
            "email-tests.group_digest_news": "never",
        },
    )
    assert (response.status_code, response["Location"]) == (302, "/inbox/preferences/")
    assert sorted(Preference.objects.filter(kind__startswith="tests.").values_list("kind", "inbox", "email")) == [
        ("tests.group_digest_news", True, "never"),
        ("tests.group_news", False, "digest"),
    ]


def test_preferences_refuse_a_bad_choice_with_a_form_error() -> None:
    reader, _, _ = _world()
    client = logged_in(reader)
    response = client.post(
        "/inbox/preferences/", {"email-tests.group_news": "hourly\x00", "email-tests.group_digest_news": "now"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Preference.objects.count() == 0


def test_badge_in_the_navigation_on_every_signed_in_page() -> None:
    reader, poster, [group] = _world()
    client = logged_in(reader)
    html = client.get("/tracker/").content.decode()
    assert (
        '<a href="/inbox/" class="nav-inbox">Inbox<span class="inbox-count" data-inbox-count data-count="0" hidden>'
    ) in html
    _news(reader, group, poster, "One")
    _news(reader, group, poster, "Two")
    html = client.get("/tracker/").content.decode()
    assert (
        '<span class="inbox-count" data-inbox-count data-count="2"><span aria-hidden="true">2</span>'
        '<span class="visually-hidden">2 unread</span></span>'
    ) in html
    assert 'src="/static/notifications/badge.js"' in html
    html = client.get("/inbox/").content.decode()
    assert '<a href="/inbox/" class="nav-inbox" aria-current="page">' in html
    anonymous = Client().get("/").content.decode()
    assert "data-inbox-count" not in anonymous
    assert "badge.js" not in anonymous

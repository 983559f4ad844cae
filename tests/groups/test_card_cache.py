"""Group cards on discovery are cached per group at the discovery generation: rendered
once, reused by every query and viewer that finds the group, new after every change that
affects them, and never carrying one viewer's distance, reasons or access to another."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roundtable.groups import services
from roundtable.groups.models import Format, GroupVisibility, JoinPolicy, Kind, Membership
from roundtable.groups.places import resolve
from roundtable.groups.views import _schedule_lifetimes, lasts
from roundtable.meetings import services as meeting_services
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, TopicFactory, UserFactory, facilitator_of

BOSTON = resolve("Boston, MA")


def _get(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries), r.text


def _card(body: str, name: str) -> str:
    """The <li> of the card whose group is called name."""
    start = body.index(f">{name}</a></h3>")
    return body[body.rindex('<li class="card result">', 0, start) : body.index("</li>", start)]


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def _update(group, **changes):  # type: ignore[no-untyped-def]
    fields = ["name", "kind", "format", "purpose", "description", "visibility", "join_policy", "audience"]
    fields += ["location_text"]
    data = {f: getattr(group, f) for f in fields} | changes
    services.group_update(group=group, data=services.GroupData(**data))


@pytest.mark.django_db
def test_a_card_is_rendered_once_then_served_to_other_queries_and_viewers() -> None:
    topic = TopicFactory(name="Resumes", slug="resumes")
    for i in range(3):
        GroupFactory(name=f"Card group {i}", member_count=10 - i).topics.add(topic)
    anon = Client()
    _get(anon, "/groups/?q=nothing")  # caches the topic filter's list
    n_first, first = _get(anon, "/groups/?q=card")
    # Another query string (not the anonymous results cache): the same three cards, without
    # the queries that build them (the topics and the two of the schedule lines; on SQLite,
    # whose anonymous page reads the groups' keys only, their other fields too).
    keys_only = connection.vendor == "sqlite"
    n_other, other = _get(anon, "/groups/?q=card&sort=relevance")
    assert n_other == n_first - 3 - keys_only
    assert [_card(other, f"Card group {i}") for i in range(3)] == [_card(first, f"Card group {i}") for i in range(3)]
    member = Client()
    member.force_login(UserFactory())
    # A signed-in viewer: never the anonymous results, but the same cards (topics are
    # fetched for the viewer's reasons; the schedule lines are not).
    n_signed_in, signed_in = _get(member, "/groups/?q=card")
    assert _card(signed_in, "Card group 0") == _card(first, "Card group 0")
    # Not the groups' fields (the signed-in path reads whole rows) nor the two schedule
    # queries; the session, the user, the profile and its interests (for the reasons) and
    # the profile's name in the menu, and the menu's unread badge (notifications.selectors.badge_count).
    assert n_signed_in == n_first - 2 - keys_only + 6


@pytest.mark.django_db
def test_a_group_edit_shows_on_its_card_at_once() -> None:
    group = GroupFactory(name="Harbor Circle", purpose="Weekly turns.", audience="")
    c = Client()
    assert "Weekly turns." in _card(_get(c, "/groups/")[1], "Harbor Circle")
    _update(group, purpose="Monthly talks.", audience="Nurses")
    card = _card(_get(c, "/groups/?kind=strategic")[1], "Harbor Circle")
    assert "Monthly talks." in card
    assert "For Nurses" in card
    assert "Weekly turns." not in card


@pytest.mark.django_db
def test_a_change_in_membership_count_shows_on_its_card_at_once() -> None:
    group = GroupFactory(name="Cedar Circle")
    facilitator_of(group)
    c = Client()
    assert "1 member<" in _card(_get(c, "/groups/")[1], "Cedar Circle")
    joiner = UserFactory()
    services.membership_join(group=group, user=joiner)
    assert "2 members<" in _card(_get(c, "/groups/?kind=strategic")[1], "Cedar Circle")
    services.membership_leave(group=group, user=joiner)
    assert "1 member<" in _card(_get(c, "/groups/?sort=relevance")[1], "Cedar Circle")


@pytest.mark.django_db
def test_a_new_meeting_shows_on_its_card_at_once() -> None:
    group = GroupFactory(name="Maple Roundtable", time_zone="America/New_York")
    fac = facilitator_of(group)
    c = Client()
    assert "No meetings scheduled yet" in _card(_get(c, "/groups/")[1], "Maple Roundtable")
    start = (timezone.now() + timedelta(days=3)).astimezone(timezone.get_default_timezone())
    data = meeting_services.MeetingData(
        title="Turns", start_local=datetime(start.year, start.month, start.day, 18, 0), time_zone="America/New_York"
    )
    meeting_services.meeting_create(group=group, by=fac, data=data)
    card = _card(_get(c, "/groups/?kind=strategic")[1], "Maple Roundtable")
    assert "No meetings scheduled yet" not in card
    assert "Next: " in card


@pytest.mark.django_db
def test_a_meeting_added_outside_the_services_shows_on_its_card_at_once() -> None:
    group = GroupFactory(name="Oak Roundtable")
    c = Client()
    assert "No meetings scheduled yet" in _card(_get(c, "/groups/")[1], "Oak Roundtable")
    MeetingFactory(group=group)  # as the admin would save it
    assert "Next: " in _card(_get(c, "/groups/?kind=strategic")[1], "Oak Roundtable")


@pytest.mark.django_db
def test_a_visibility_change_shows_on_its_card_at_once() -> None:
    group = GroupFactory(name="Quiet Circle", member_count=0)
    member = MembershipFactory(group=group).user
    signed_in = Client()
    signed_in.force_login(member)
    assert "member" in _card(_get(signed_in, "/groups/")[1], "Quiet Circle").split("result-meta", 1)[1]
    _update(group, visibility=GroupVisibility.SECRET, join_policy=JoinPolicy.INVITE)
    # The member still finds it; its card no longer shows a count, as for any secret group.
    card = _card(_get(signed_in, "/groups/?kind=strategic")[1], "Quiet Circle")
    assert " member" not in card
    # Everyone else: gone, whatever was cached for its members.
    assert "Quiet Circle" not in _get(Client(), "/groups/?sort=relevance")[1]
    other = Client()
    other.force_login(UserFactory())
    assert "Quiet Circle" not in _get(other, "/groups/?q=quiet")[1]


@pytest.mark.django_db
def test_each_viewer_gets_their_own_distance_on_a_shared_card() -> None:
    assert BOSTON is not None
    GroupFactory(name="North Shore Circle", latitude=BOSTON.latitude + 8 / 111.195, longitude=BOSTON.longitude)
    c = Client()
    km = _card(_get(c, "/groups/?near=Boston%2C+MA&radius=40&unit=km")[1], "North Shore Circle")
    mi = _card(_get(c, "/groups/?near=Boston%2C+MA&radius=40&unit=mi")[1], "North Shore Circle")
    nowhere = _card(_get(c, "/groups/?q=north")[1], "North Shore Circle")
    assert "Boston, MA · 8 km away</span>" in km
    assert "Boston, MA · 5 miles away</span>" in mi
    assert "Boston, MA</span>" in nowhere
    assert km.replace(" · 8 km away", "") == mi.replace(" · 5 miles away", "") == nowhere


@pytest.mark.django_db
def test_reasons_are_the_viewers_own() -> None:
    topic = TopicFactory(name="LinkedIn", slug="linkedin")
    GroupFactory(name="Profile Clinic", format=Format.HYBRID).topics.add(topic)
    follower, stranger = UserFactory(), UserFactory()
    follower.profile.interests.add(topic)
    a, b = Client(), Client()
    a.force_login(follower)
    b.force_login(stranger)
    mine = _card(_get(a, "/groups/")[1] + "</li>", "Profile Clinic")
    theirs = _card(_get(b, "/groups/")[1] + "</li>", "Profile Clinic")
    assert "On topics you follow: LinkedIn" in _get(a, "/groups/?kind=strategic")[1]
    assert "On topics you follow" not in _get(b, "/groups/?kind=strategic")[1]
    assert mine.split('<ul class="reasons"')[0] == theirs.split('<ul class="reasons"')[0]


@pytest.mark.django_db
def test_a_secret_groups_card_reaches_only_its_members() -> None:
    secret = GroupFactory(
        name="Acme Layoff Circle", visibility=GroupVisibility.SECRET, join_policy=JoinPolicy.INVITE, kind=Kind.SUPPORT
    )
    member = MembershipFactory(group=secret).user
    c = Client()
    c.force_login(member)
    assert "Acme Layoff Circle" in _get(c, "/groups/?q=acme")[1]  # its card is cached now
    outsider = Client()
    outsider.force_login(UserFactory())
    for url in ("/groups/?q=acme", "/groups/?kind=support", "/groups/"):
        assert "Acme Layoff Circle" not in _get(outsider, url)[1]
        assert "Acme Layoff Circle" not in _get(Client(), url)[1]
    assert Membership.objects.filter(group=secret).count() == 1


@pytest.mark.django_db
def test_a_card_lives_until_its_next_meeting_ends() -> None:
    group = GroupFactory(name="Timed Circle")
    now = timezone.now()
    MeetingFactory(group=group, starts_at=now - timedelta(minutes=60), ends_at=now + timedelta(seconds=40))
    [(pk, (text, seconds))] = _schedule_lifetimes([group], now=now).items()
    assert (pk, seconds) == (group.pk, 41)
    assert text.startswith("Next: ")
    other = GroupFactory(name="Quiet Timed Circle")
    assert _schedule_lifetimes([other], now=now) == {other.pk: ("No meetings scheduled yet", 60)}


# The group page's body, cached per group for anonymous visitors.


def _page(client: Client, group) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    return _get(client, f"/groups/{group.slug}/")


@pytest.mark.django_db
def test_an_anonymous_group_page_is_built_once_and_holds_nothing_of_a_person() -> None:
    group = GroupFactory(name="Beacon Circle", venue="Room 4, Public Library")
    fac = facilitator_of(group, user=UserFactory(name="Fiona Facilitator"))
    member = Client()
    member.force_login(fac)
    assert "Fiona Facilitator" in _page(member, group)[1]  # the facilitators, for members
    n_first, first = _page(Client(), group)
    n_again, again = _page(Client(), group)
    assert n_again < n_first
    # Nothing: an entry exists only for a group anonymous visitors may see, and hiding it
    # bumps the generation (the last test below).
    assert n_again == 0
    assert _main(again) == _main(first)
    for private in ("Fiona Facilitator", "csrfmiddlewaretoken", "Leave group", "Manage group"):
        assert private not in again
    assert "Log in to join" in again
    assert "Room 4, Public Library" in again  # a listed group's venue is public
    # Members never get the anonymous body.
    assert "Fiona Facilitator" in _page(member, group)[1]


@pytest.mark.django_db
def test_an_anonymous_group_page_changes_at_once_after_an_edit_a_join_a_meeting_and_hiding() -> None:
    group = GroupFactory(name="Harbor Roundtable", purpose="Weekly turns.", venue="Room 4")
    fac = facilitator_of(group)
    c = Client()
    body = _page(c, group)[1]
    assert ("Weekly turns." in body, "No meetings scheduled yet" in body) == (True, True)
    _update(group, purpose="Monthly talks.")
    assert "Monthly talks." in _page(c, group)[1]
    assert "<dt>Members</dt><dd>1</dd>" in _page(c, group)[1]
    services.membership_join(group=group, user=UserFactory())
    assert "<dt>Members</dt><dd>2</dd>" in _page(c, group)[1]
    start = (timezone.now() + timedelta(days=3)).astimezone(timezone.get_default_timezone())
    data = meeting_services.MeetingData(
        title="Turns and challenges",
        start_local=datetime(start.year, start.month, start.day, 18, 0),
        time_zone="America/New_York",
    )
    meeting_services.meeting_create(group=group, by=fac, data=data)
    body = _page(c, group)[1]
    assert "Turns and challenges" in body
    assert "No meetings scheduled yet" not in body
    _update(group, visibility=GroupVisibility.UNLISTED)
    body = _page(c, group)[1]
    assert "Room 4" not in body  # an unlisted group's venue is for members only
    assert "Unlisted" in body
    _update(group, visibility=GroupVisibility.SECRET, join_policy=JoinPolicy.INVITE)
    assert c.get(f"/groups/{group.slug}/").status_code == 404


def test_a_fragment_lives_until_the_first_meeting_it_shows_ends() -> None:
    now = timezone.now()
    assert lasts([now + timedelta(seconds=40), now + timedelta(hours=2)], now) == 41
    assert lasts([now + timedelta(hours=2)], now) == 60
    assert lasts([], now) == 60


@pytest.mark.django_db
def test_an_anonymous_group_page_is_cached_whole_with_no_nonce_and_messages_still_shown() -> None:
    group = GroupFactory(name="Lantern Circle")
    c = Client()
    first = _page(c, group)[1]
    assert _page(c, group) == (0, first)  # the whole page, byte for byte, without a query
    assert "nonce" not in first
    # A message waiting for the visitor (signed out just now) is shown once, on a page
    # rendered afresh, and never kept in the cached one.
    person = UserFactory()
    signed_out = Client()
    signed_out.force_login(person)
    assert signed_out.post("/accounts/logout/").status_code == 302
    with_message = signed_out.get(f"/groups/{group.slug}/").text
    assert "You&#x27;re logged out." in with_message
    assert _main(with_message).replace(_main(first), "") != ""
    assert signed_out.get(f"/groups/{group.slug}/").text == first
    assert "logged out" not in _page(Client(), group)[1]


@pytest.mark.django_db
def test_a_process_keeps_its_cards_for_the_generation_and_until_they_end() -> None:
    import time

    from django.contrib.auth.models import AnonymousUser

    from roundtable.groups import cache as discovery_cache
    from roundtable.groups import selectors, views

    group = GroupFactory(name="Copied Circle")

    def card_of() -> str:
        _page, results = selectors.discover(AnonymousUser(), selectors.DiscoveryFilters(q="circle"))
        views._with_cards(results)
        return str(results[0].card.head)  # type: ignore[attr-defined]

    assert ">Copied Circle</a></h3>" in card_of()
    at = discovery_cache.generation()
    # The process's copy is what a search at this generation gets, while it lasts...
    views._CARD_COPIES = (at, {group.pk: views.Card("kept copy", "", until=time.time() + 30)})
    assert card_of() == "kept copy"
    # ...not once it has ended (its next meeting over),
    views._CARD_COPIES = (at, {group.pk: views.Card("ended copy", "", until=time.time() - 1)})
    assert ">Copied Circle</a></h3>" in card_of()
    # nor after any write that bumps the generation.
    views._CARD_COPIES = (at, {group.pk: views.Card("kept copy", "", until=time.time() + 30)})
    _update(group, name="Renamed Circle")
    assert ">Renamed Circle</a></h3>" in card_of()

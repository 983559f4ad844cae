"""The discovery page's cache: anonymous results served without queries, never stale after
a write, never shared with signed-in viewers; and the page's form inputs."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roundtable.groups import cache as discovery_cache
from roundtable.groups import services
from roundtable.groups.forms import DiscoveryForm
from roundtable.groups.models import Format, GroupVisibility, JoinPolicy, Kind, Membership, MembershipState
from tests.factories import GroupFactory, MembershipFactory, TopicFactory, UserFactory, facilitator_of


def _get(client: Client, url: str, **headers: str) -> tuple[int, str]:
    """(SQL queries issued, body) of a GET that must answer 200."""
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url, headers=headers)
    assert r.status_code == 200
    return len(ctx.captured_queries), r.text


@pytest.mark.django_db
def test_an_anonymous_repeat_is_served_without_queries() -> None:
    GroupFactory(name="Harbor Networkers", description="interview practice")
    GroupFactory(name="Summit Circle", description="interview support")
    c = Client()
    n_first, first = _get(c, "/groups/?q=interview&kind=strategic")
    n_again, again = _get(c, "/groups/?q=interview&kind=strategic")
    assert n_first > 0
    assert n_again == 0
    assert again.count("Harbor Networkers") == first.count("Harbor Networkers") == 1
    # The same parameters in another order, and the htmx fragment, come from the same entry.
    assert _get(c, "/groups/?kind=strategic&q=interview")[0] == 0
    n_fragment, fragment = _get(c, "/groups/?q=interview&kind=strategic", HX_Request="true")
    assert n_fragment == 0
    assert fragment.lstrip().startswith('<section id="results"')
    # After the region come the fields' error slots, out of band (empty here: nothing wrong).
    region, slots = fragment.split("</section>", 1)
    assert (region + "</section>").strip() in again
    assert slots.count('data-hx-swap-oob="innerHTML"></div>') == 10


@pytest.mark.django_db
def test_a_new_group_shows_at_once() -> None:
    c = Client()
    assert "Lighthouse Roundtable" not in _get(c, "/groups/?q=lighthouse")[1]
    assert "Lighthouse Roundtable" not in _get(c, "/groups/")[1]
    services.group_create(
        creator=UserFactory(),
        data=services.GroupData(name="Lighthouse Roundtable", kind=Kind.STRATEGIC, format=Format.VIRTUAL),
    )
    assert "Lighthouse Roundtable" in _get(c, "/groups/?q=lighthouse")[1]
    assert "Lighthouse Roundtable" in _get(c, "/groups/")[1]


@pytest.mark.django_db
def test_edits_joins_and_leaves_show_at_once() -> None:
    group = GroupFactory(name="Cedar Circle", join_policy=JoinPolicy.APPROVAL, eligibility_question="Why?")
    fac = facilitator_of(group)
    c = Client()
    assert "1 member<" in _get(c, "/groups/")[1]
    joiner = UserFactory()
    invite, _token = services.invite_create(group=group, by=fac)
    services.membership_join(group=group, user=joiner, invite=invite)
    assert "2 members" in _get(c, "/groups/")[1]
    asker = UserFactory()
    pending = services.membership_join(group=group, user=asker, answer="To learn.")
    assert "2 members" in _get(c, "/groups/")[1]
    services.membership_decide(membership=pending, by=fac, approve=True)
    assert "3 members" in _get(c, "/groups/")[1]
    services.membership_leave(group=group, user=joiner)
    assert "2 members" in _get(c, "/groups/")[1]
    services.membership_remove(membership=Membership.objects.get(group=group, user=asker), by=fac, ban=False)
    assert "1 member<" in _get(c, "/groups/")[1]
    data = services.GroupData(
        name="Cedar Circle Renamed",
        kind=Kind.STRATEGIC,
        format=Format.VIRTUAL,
        visibility=GroupVisibility.SECRET,
        join_policy=JoinPolicy.INVITE,
    )
    services.group_update(group=group, data=data)
    body = _get(c, "/groups/")[1]
    assert "Cedar Circle" not in body


@pytest.mark.django_db
def test_hiding_a_group_outside_the_services_takes_effect_at_once() -> None:
    group = GroupFactory(name="Admin Hidden Group")
    c = Client()
    assert "Admin Hidden Group" in _get(c, "/groups/")[1]
    group.visibility = GroupVisibility.SECRET  # as the admin would save it
    group.save()
    assert "Admin Hidden Group" not in _get(c, "/groups/")[1]
    assert "Admin Hidden Group" not in _get(c, "/groups/?q=hidden")[1]


@pytest.mark.django_db
def test_a_signed_in_viewer_is_never_served_from_the_cache() -> None:
    GroupFactory(name="Open Listed Group")
    secret = GroupFactory(name="Quiet Secret Group", visibility=GroupVisibility.SECRET, join_policy=JoinPolicy.INVITE)
    member = MembershipFactory(group=secret).user
    anon, signed_in = Client(), Client()
    signed_in.force_login(member)
    anon_first = _get(anon, "/groups/")
    assert "Quiet Secret Group" not in anon_first[1]
    n_first, first = _get(signed_in, "/groups/")
    n_again, again = _get(signed_in, "/groups/")
    assert "Quiet Secret Group" in first
    assert "Quiet Secret Group" in again
    # The whole discovery again, but for the cards' schedule lines (two queries): cards
    # are cached per group, and hold nothing of the viewer (tests/groups/test_card_cache.py).
    assert n_again == n_first - 2
    assert n_again > anon_first[0]  # the whole discovery, plus the session and the viewer
    # And nothing the member saw reaches anonymous visitors.
    n_anon, anon_again = _get(anon, "/groups/")
    assert n_anon == 0
    assert "Quiet Secret Group" not in anon_again
    assert "Open Listed Group" in anon_again


@pytest.mark.django_db
def test_losing_access_takes_effect_at_once_for_the_member() -> None:
    secret = GroupFactory(name="Closed Circle", visibility=GroupVisibility.SECRET, join_policy=JoinPolicy.INVITE)
    fac = facilitator_of(secret)
    person = MembershipFactory(group=secret).user
    c = Client()
    c.force_login(person)
    assert "Closed Circle" in _get(c, "/groups/")[1]
    services.membership_remove(membership=Membership.objects.get(group=secret, user=person), by=fac, ban=True)
    assert Membership.objects.get(group=secret, user=person).state == MembershipState.BANNED
    assert "Closed Circle" not in _get(c, "/groups/")[1]


@pytest.mark.django_db
def test_the_topic_filter_lists_only_topics_of_listed_groups() -> None:
    listed_topic = TopicFactory(name="Public Speaking", slug="public-speaking")
    secret_topic = TopicFactory(name="Acme Layoff Survivors", slug="acme-layoff-survivors")
    TopicFactory(name="Private Interest", slug="private-interest")  # only someone's interest
    GroupFactory(name="Listed").topics.add(listed_topic)
    GroupFactory(name="Secret", visibility=GroupVisibility.SECRET, join_policy=JoinPolicy.INVITE).topics.add(
        secret_topic
    )
    body = _get(Client(), "/groups/")[1]
    assert '<option value="public-speaking" >Public Speaking</option>' in body
    assert "Acme Layoff Survivors" not in body
    assert "Private Interest" not in body
    # A topic gained by a listed group shows at once.
    GroupFactory(name="Another").topics.add(secret_topic)
    assert "Acme Layoff Survivors" in _get(Client(), "/groups/")[1]


def _normalise(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    return re.sub(r">\s+<", "><", html).strip()


FIELDS = ["q", "kind", "near", "radius", "unit", "format", "online", "audience", "sort"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"q": ""},
        {"q": "interview", "kind": "speakers", "near": "Boston, MA", "radius": "25", "unit": "mi", "sort": "distance"},
        {"q": "a<b\"&'", "audience": "<script>", "format": "virtual", "online": "on", "sort": "newest"},
        {"near": "Nowhere at all", "radius": "abc", "unit": "km"},
        {"q": "x" * 201, "kind": "bogus", "format": "nope", "unit": "zz", "sort": "zz", "radius": "0"},
        {"online": "false", "radius": "7.5", "near": "02139", "audience": "  padded  "},
        {"radius": "", "near": "", "kind": "", "format": "", "sort": "", "unit": ""},
    ],
)
def test_the_written_out_inputs_match_the_field_template(data: dict[str, str]) -> None:
    """The page writes its inputs out by hand for speed; they must stay exactly what
    groups/_field.html renders with Django's widgets: labels, ids, values, errors, ARIA."""
    r = Client().get("/groups/", data)
    page = _normalise(r.text)
    form = DiscoveryForm(data or None)
    assert r.status_code == (200 if not data or form.is_valid() else 400)
    include = engines["django"].from_string('{% include "groups/_field.html" %}')
    for name in FIELDS:
        expected = _normalise(include.render({"field": form[name]}))
        assert expected in page, name


@pytest.mark.django_db
def test_an_anonymous_page_is_cached_whole_and_new_after_a_write() -> None:
    group = GroupFactory(name="Harbor Networkers", purpose="Weekly turns.")
    c = Client()
    first = c.get("/groups/?q=harbor").text
    assert _get(c, "/groups/?q=harbor") == (0, first)  # the same bytes, no query
    assert "nonce" not in first
    assert "csrfmiddlewaretoken" not in first
    services.group_update(
        group=group,
        data=services.GroupData(
            name=group.name, kind=group.kind, format=group.format, purpose="Monthly talks.",
            description=group.description, visibility=group.visibility, join_policy=group.join_policy,
            audience=group.audience, location_text=group.location_text,
        ),
    )  # fmt: skip
    n_after, after = _get(c, "/groups/?q=harbor")
    assert n_after > 0
    assert "Monthly talks." in after
    assert "Weekly turns." not in after
    # Signed-in viewers never get it.
    member = Client()
    member.force_login(UserFactory(name="Nadia Member"))
    assert "Nadia Member" in member.get("/groups/?q=harbor").text
    # An invalid search (400) is not kept.
    assert c.get("/groups/?radius=abc").status_code == 400
    assert c.get("/groups/?radius=abc").status_code == 400


@pytest.mark.django_db
def test_a_pinned_generation_holds_for_the_block_and_a_bump_shows_after_it() -> None:
    before = discovery_cache.generation()
    with discovery_cache.pinned() as at:
        assert at == before
        discovery_cache.bump_discovery_generation()
        # What the block reads and stores belongs to the state it started from.
        assert discovery_cache.generation() == before
        assert discovery_cache.key("results", "q=a") == discovery_cache.key("results", "q=a", before)
    assert discovery_cache.generation() > before


@pytest.mark.django_db
def test_a_write_between_two_searches_shows_in_the_second() -> None:
    group = GroupFactory(name="Harbor Circle")
    anon = Client()
    assert "Harbor Circle" in _get(anon, "/groups/?q=harbor")[1]
    Membership.objects.filter(group=group).delete()
    type(group).objects.filter(pk=group.pk).update(visibility=GroupVisibility.SECRET)
    discovery_cache.bump_discovery_generation()
    assert "Harbor Circle" not in _get(anon, "/groups/?q=harbor")[1]

"""Topics of hidden groups stay hidden: in every list of topics, and when a name is reused."""

from __future__ import annotations

import pytest
from django.test import Client

from roundtable.accounts.models import User
from roundtable.groups import services
from roundtable.groups.models import GroupVisibility, JoinPolicy, Kind, Topic
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, TalkFactory, TopicFactory, UserFactory

SECRET_GROUP_TOPIC = "Quietly Laid Off"
SECRET_TALK_TOPIC = "Severance Whispering"
LISTED_TALK_TOPIC = "LinkedIn Makeovers"


def _client(user: User | None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _world() -> dict[str, User]:
    secret = GroupFactory(visibility=GroupVisibility.SECRET, join_policy=JoinPolicy.INVITE)
    secret.topics.add(TopicFactory(name=SECRET_GROUP_TOPIC, slug="quietly-laid-off"))
    hidden_talk = TalkFactory(meeting=MeetingFactory(group=secret))
    hidden_talk.topics.add(TopicFactory(name=SECRET_TALK_TOPIC, slug="severance-whispering"))
    listed = GroupFactory(kind=Kind.SPEAKERS)
    talk = TalkFactory(meeting=MeetingFactory(group=listed))
    talk.topics.add(TopicFactory(name=LISTED_TALK_TOPIC, slug="linkedin-makeovers"))
    return {"member": MembershipFactory(group=secret).user, "stranger": UserFactory()}


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["anonymous", "stranger", "member"])
def test_the_talks_topic_filter_lists_only_listed_talks_topics(viewer: str) -> None:
    users = _world()
    page = _client(users.get(viewer)).get("/talks/")
    assert page.status_code == 200
    assert LISTED_TALK_TOPIC in page.text
    # The page lists talks of listed groups only, so its filter offers only their topics.
    assert SECRET_TALK_TOPIC not in page.text
    assert SECRET_GROUP_TOPIC not in page.text


@pytest.mark.django_db
@pytest.mark.parametrize(("viewer", "sees"), [("stranger", False), ("member", True)])
def test_the_interest_list_offers_hidden_topics_only_to_the_hidden_groups_members(viewer: str, sees: bool) -> None:
    users = _world()
    page = _client(users[viewer]).get("/me/profile/")
    assert page.status_code == 200
    assert LISTED_TALK_TOPIC in page.text
    assert (SECRET_GROUP_TOPIC in page.text) is sees
    assert (SECRET_TALK_TOPIC in page.text) is sees
    # Checkboxes carry slugs, never counting ids.
    assert 'value="linkedin-makeovers"' in page.text


def _group_with_topics(creator: User, *topics: str) -> list[str]:
    data = services.GroupData(name="Fresh Start Circle", kind=Kind.SUPPORT, format="virtual", topics=topics)
    group = services.group_create(creator=creator, data=data)
    return sorted(t.name for t in group.topics.all())


@pytest.mark.django_db
def test_reusing_a_hidden_topics_name_answers_as_a_new_topic_would() -> None:
    _world()
    outsider = UserFactory()
    hidden = _group_with_topics(outsider, "quietly   laid OFF", "severance whispering")
    fresh = _group_with_topics(outsider, "never used before")
    assert hidden == ["quietly laid OFF", "severance whispering"]
    assert fresh == ["never used before"]
    assert Topic.objects.get(slug="quietly-laid-off").name == "quietly laid OFF"


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ["group", "profile", "talk"])
def test_nobody_outside_renames_a_hidden_groups_topic(entry: str) -> None:
    secret = GroupFactory(visibility=GroupVisibility.SECRET, join_policy=JoinPolicy.INVITE)
    secret.topics.add(TopicFactory(name="Quantum Layoffs Zeta", slug="quantum-layoffs-zeta"))
    hidden_talk = TalkFactory(meeting=MeetingFactory(group=secret))
    hidden_talk.topics.add(secret.topics.get())
    outsider = UserFactory()
    typed = "QUANTUM   layoffs ZETA!!"
    if entry == "group":
        got = _group_with_topics(outsider, typed)
    elif entry == "profile":
        r = _client(outsider).post(
            "/me/profile/",
            {"display_name": "Robin", "time_zone": "America/New_York", "search_status": "searching",
             "interest_names": typed},
        )  # fmt: skip
        assert r.status_code == 302
        got = [t.name for t in outsider.profile.interests.all()]
    else:
        got = [t.name for t in services.topics_from_names([typed])]
    # The outsider sees their own spelling, as for a topic never used before ...
    assert got == ["QUANTUM layoffs ZETA!!"]
    # ... and the secret group and its talk keep theirs, on the same row as before.
    assert [t.name for t in secret.topics.all()] == ["Quantum Layoffs Zeta"]
    assert [t.name for t in hidden_talk.topics.all()] == ["Quantum Layoffs Zeta"]
    assert secret.topics.get() == hidden_talk.topics.get()
    assert Topic.objects.filter(name="Quantum Layoffs Zeta").count() == 1


@pytest.mark.django_db
def test_a_public_topic_is_never_renamed_either() -> None:
    _world()
    assert _group_with_topics(UserFactory(), "LINKEDIN   makeovers!") == [LISTED_TALK_TOPIC]
    assert Topic.objects.get(slug="linkedin-makeovers").name == LISTED_TALK_TOPIC


@pytest.mark.django_db
def test_reusing_a_public_topics_name_keeps_its_spelling() -> None:
    _world()
    assert _group_with_topics(UserFactory(), "linkedin makeovers") == [LISTED_TALK_TOPIC]


@pytest.mark.django_db
def test_interest_topics_from_the_profile_form_follow_the_same_rule() -> None:
    _world()
    person = UserFactory()
    r = _client(person).post(
        "/me/profile/",
        {
            "display_name": "Robin",
            "time_zone": "America/New_York",
            "search_status": "searching",
            "interest_names": "QUIETLY LAID OFF, linkedin makeovers",
        },
    )
    assert r.status_code == 302
    names = sorted(t.name for t in person.profile.interests.all())
    assert names == ["LinkedIn Makeovers", "QUIETLY LAID OFF"]

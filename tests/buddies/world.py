"""A small buddy world: people in one group's pool (or the platform's), helpers to pair them
and to run the real task worker."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.management import call_command
from django.http import HttpResponseBase
from django.test import Client

from roundtable.accounts.models import Profile, User
from roundtable.buddies import services
from roundtable.buddies.models import BuddyPair, PoolEntry
from roundtable.groups.models import Group
from tests.factories import GroupFactory, MembershipFactory, UserFactory

# A Wednesday, 15:00 UTC (11 am in New York).
WEDNESDAY = datetime(2027, 3, 17, 15, 0, tzinfo=UTC)


def run_tasks() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


def prefs(**kw: object) -> services.Preferences:
    base: dict[str, object] = {"max_offset_hours": 3, "checkin_day": 0, "field": "product", "field_wish": "any",
                               "stage": 1, "languages": ["en"]}  # fmt: skip
    base.update(kw)
    return services.Preferences(**base)  # type: ignore[arg-type]


def person(name: str, group: Group | None = None, *, zone: str = "America/New_York", **profile: str) -> User:
    user = UserFactory(name=name)
    Profile.objects.filter(user=user).update(time_zone=zone, **profile)
    user.profile.refresh_from_db()
    if group is not None:
        MembershipFactory(group=group, user=user)
    return user


def join(user: User, group: Group | None = None, **kw: object) -> PoolEntry:
    return services.pool_join(user=user, group=group, preferences=prefs(**kw))


@dataclass
class World:
    group: Group
    ann: User
    bo: User
    pair: BuddyPair


def paired(now: datetime = WEDNESDAY, **ann_profile: str) -> World:
    """Ann and Bo in one group's pool, paired by a real run at `now`."""
    group = GroupFactory(name="Harbor Roundtable")
    ann = person("Ann Alder", group, target_roles="product management", **ann_profile)
    bo = person("Bo Birch", group, target_roles="product management", expertise="analytics")
    join(ann, group)
    join(bo, group)
    run = services.matching_run(group=group, now=now)
    assert run is not None
    pair = BuddyPair.objects.get(run=run)
    return World(group, ann, bo, pair)


def as_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: HttpResponseBase) -> str:
    """A response's body with HTML's character references turned back into characters."""
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def sweep_world(ann: User, ben: User, rosa: User, group: Group) -> None:
    """For the page sweep (tests/e2e/pages.py): Ann and Ben paired in the group's pool with a
    check-in each and a reply, Rosa alone in everyone's pool (waiting, with the reason)."""
    for user in (ann, ben):
        join(user, group)
    join(rosa, None)
    services.matching_run(group=group)
    services.matching_run(group=None)
    pair = BuddyPair.objects.get(members__user=ann, ended_at__isnull=True)
    mine = services.checkin_save(author=ann, pair=pair, commitments="Three coffee chats\nTwo tailored applications",
                                 last_week="partly", last_week_note="Two of three chats happened.")  # fmt: skip
    services.checkin_save(author=ben, pair=pair, commitments="Finish the portfolio case study")
    services.checkin_reply(author=ben, checkin=mine, reaction="cheer", text="Nice work on the chats!")

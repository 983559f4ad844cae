"""A small world for the stories tests: a listed group and a secret one, and one person of
each kind of viewer the access rules distinguish."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client

from roundtable.accounts.models import User
from roundtable.groups.models import Group, GroupVisibility, MembershipRole, MembershipState
from tests.factories import GroupFactory, MembershipFactory, UserFactory


@dataclass
class World:
    group: Group  # listed
    secret: Group
    author: User  # member of both
    member: User  # active member of both
    facilitator: User  # facilitates both
    outsider: User  # signed in, in no group
    banned: User  # banned from both
    former: User  # left both
    other_member: User  # member of the listed group only


def world() -> World:
    group = GroupFactory(name="Harbor Job Seekers", slug="harbor")
    secret = GroupFactory(name="Quiet Circle", slug="quiet-circle", visibility=GroupVisibility.SECRET)
    people = {
        name: UserFactory(name=label)
        for name, label in (
            ("author", "Avery Author"),
            ("member", "Mel Member"),
            ("facilitator", "Fay Facilitator"),
            ("outsider", "Otto Outsider"),
            ("banned", "Ben Banned"),
            ("former", "Flo Former"),
            ("other_member", "Olga Other"),
        )
    }
    for g in (group, secret):
        MembershipFactory(group=g, user=people["author"])
        MembershipFactory(group=g, user=people["member"])
        MembershipFactory(group=g, user=people["facilitator"], role=MembershipRole.FACILITATOR)
        MembershipFactory(group=g, user=people["banned"], state=MembershipState.BANNED)
        MembershipFactory(group=g, user=people["former"], state=MembershipState.LEFT)
    MembershipFactory(group=group, user=people["other_member"])
    return World(group=group, secret=secret, **people)


def as_client(user: User | None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c

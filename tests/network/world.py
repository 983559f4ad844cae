"""A small world for the network's tests: an approval group (so "people in my groups" counts),
its facilitator, and members going to one meeting, with the profile fields the scoring reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from roundtable.accounts.models import PRIVATE_FIELDS, Profile, User, Visibility
from roundtable.groups.models import Group, JoinPolicy, MembershipRole
from roundtable.meetings.models import Meeting
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory


@dataclass
class World:
    group: Group
    facilitator: User
    meeting: Meeting
    ann: User  # the viewer: wants a data analyst role at Acme or Globex, in healthcare
    people: dict[str, User] = field(default_factory=dict)


def as_client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def set_profile(user: User, *, visibility: dict[str, str] | None = None, **fields: Any) -> Profile:
    """Set profile fields directly (every field visible to members unless `visibility` says)."""
    profile = Profile.objects.get(user=user)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.visibility = {**dict.fromkeys(PRIVATE_FIELDS, Visibility.MEMBERS.value), **(visibility or {})}
    profile.save()
    user.profile = profile
    return profile


def member(group: Group, name: str, meeting: Meeting | None = None, **fields: Any) -> User:
    u = MembershipFactory(group=group, user=UserFactory(name=name)).user
    if meeting is not None:
        RsvpFactory(meeting=meeting, user=u)
    visibility = fields.pop("visibility", None)
    set_profile(u, visibility=visibility, **fields)
    return u


def world(*, starts_at: datetime | None = None, **group: Any) -> World:
    """Ann and four others going; each other person matches Ann in a known way:
    - Bea works at Acme (where Ann wants a role) and also looks for data analyst roles;
    - Cal worked at Globex (Ann's other target) ;
    - Dee is also searching for data analyst roles, in healthcare;
    - Eve matches nothing (she is in retail, looking for store manager roles)."""
    group.setdefault("join_policy", JoinPolicy.APPROVAL)
    g = GroupFactory(name="Harbor Roundtable", **group)
    fac = MembershipFactory(group=g, role=MembershipRole.FACILITATOR, user=UserFactory(name="Fay Facilitator")).user
    set_profile(fac, can_introduce="Initech")
    m = MeetingFactory(group=g, title="Harbor circle", starts_at=starts_at or timezone.now() + timedelta(days=7))
    ann = member(
        g, "Ann Alvarez", m, target_companies="Acme, Globex", target_roles="Data analyst", industries="Healthcare",
        search_status="searching",
    )  # fmt: skip
    people = {
        "bea": member(g, "Bea Baker", m, current_company="Acme Inc.", target_roles="Data analyst, BI developer",
                      search_status="helping", headline="Analytics lead"),
        "cal": member(g, "Cal Chen", m, past_companies="Initech; Globex", search_status="landed"),
        "dee": member(g, "Dee Diaz", m, target_roles="data analyst", industries="healthcare",
                      search_status="searching"),
        "eve": member(g, "Eve Evans", m, target_roles="Store manager", industries="Retail", search_status="helping"),
    }  # fmt: skip
    return World(group=g, facilitator=fac, meeting=m, ann=ann, people=people)

"""A small world for the speakers' tests: an expert (Eve) who spoke at a listed group, an
unlisted group and a secret group; a speakers group whose facilitator (Fay) invites; and the
other kinds of viewer (a member, a stranger, a person banned from the secret group, an
ex-member of it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.accounts.services import api_token_create
from roundtable.groups.models import Group, GroupVisibility, Kind, MembershipRole, MembershipState
from roundtable.meetings.models import Meeting
from roundtable.speakers import services
from roundtable.speakers.models import Expert
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, TalkFactory, UserFactory


@dataclass
class World:
    eve: User  # the expert
    expert: Expert
    fay: User  # facilitator of `speakers`
    speakers: Group  # a listed speakers group
    open_meeting: Meeting  # one of its meetings, without a talk
    member: User  # a member of `speakers` (not a facilitator)
    stranger: User
    secret: Group
    secret_member: User
    banned: User  # banned from `secret`
    ex_member: User  # left `secret`
    unlisted: Group


def as_client(user: User | None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def api(user: User) -> Client:
    _t, secret = api_token_create(user=user)
    return Client(headers={"Authorization": f"Bearer {secret}"})


def run_tasks() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


def past_talk(group: Group, speaker: User, title: str, *, days_ago: int = 30, **talk: object) -> Meeting:
    start = timezone.now() - timedelta(days=days_ago)
    m = MeetingFactory(group=group, title=f"{group.name} night", starts_at=start, ends_at=start + timedelta(hours=2))
    TalkFactory(meeting=m, speaker=speaker, speaker_name=speaker.display_name, title=title, **talk)
    return m


def make_expert(user: User, **data: object) -> Expert:
    fields: dict[str, object] = {
        "bio": "Recruiter for ten years.",
        "speaks_about": "Resumes that get read.",
        "topics": ("Resumes", "LinkedIn"),
        "online": True,
        **data,
    }
    return services.expert_save(user=user, data=services.ExpertData(**fields))  # type: ignore[arg-type]


def world() -> World:
    eve = UserFactory(name="Eve Expert")
    expert = make_expert(eve, in_person=True, region="Boston, MA")
    speakers = GroupFactory(name="Harbor Speakers", kind=Kind.SPEAKERS)
    fay = MembershipFactory(group=speakers, role=MembershipRole.FACILITATOR, user=UserFactory(name="Fay Fac")).user
    member = MembershipFactory(group=speakers, user=UserFactory(name="Mo Member")).user
    open_meeting = MeetingFactory(group=speakers, title="Harbor March night")
    secret = GroupFactory(name="Quiet Circle", kind=Kind.SPEAKERS, visibility=GroupVisibility.SECRET)
    secret_member = MembershipFactory(group=secret, user=UserFactory(name="Sid Secret")).user
    banned = MembershipFactory(group=secret, state=MembershipState.BANNED, user=UserFactory(name="Bo Banned")).user
    ex_member = MembershipFactory(group=secret, state=MembershipState.LEFT, user=UserFactory(name="Lee Left")).user
    unlisted = GroupFactory(name="Side Door Speakers", kind=Kind.SPEAKERS, visibility=GroupVisibility.UNLISTED)
    past_talk(speakers, eve, "Resumes in six seconds", slides_url="https://slides.example.org/six")
    past_talk(secret, eve, "Layoffs nobody talks about", days_ago=40)
    past_talk(unlisted, eve, "Side door networking", days_ago=50)
    return World(
        eve=eve,
        expert=expert,
        fay=fay,
        speakers=speakers,
        open_meeting=open_meeting,
        member=member,
        stranger=UserFactory(name="Stan Stranger"),
        secret=secret,
        secret_member=secret_member,
        banned=banned,
        ex_member=ex_member,
        unlisted=unlisted,
    )

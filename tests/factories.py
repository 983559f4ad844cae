"""factory_boy factories for every model."""

from __future__ import annotations

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from roundtable.accounts.models import ApiToken, Profile, User
from roundtable.core.tokens import hash_secret
from roundtable.groups.models import (
    Admission,
    Format,
    Group,
    GroupVisibility,
    Invite,
    JoinPolicy,
    Kind,
    Membership,
    MembershipRole,
    MembershipState,
    Topic,
)

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )

    @factory.post_generation
    def name(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create:
            profile = Profile.objects.get(user=self)
            profile.display_name = extracted or f"Person {self.pk}"
            profile.save(update_fields=["display_name"])
            self.profile = profile


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class GroupFactory(factory.django.DjangoModelFactory):
    """A group row. Use services.group_create in tests of creation itself."""

    class Meta:
        model = Group
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")
    kind = Kind.STRATEGIC
    format = Format.IN_PERSON
    purpose = "Turns, challenges and solutions."
    location_text = "Boston, MA"
    location_label = "Boston, MA"
    latitude = 42.35843
    longitude = -71.05977
    join_policy = JoinPolicy.OPEN
    visibility = GroupVisibility.LISTED

    @factory.post_generation
    def index(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            from roundtable.groups.services import group_reindex

            group_reindex(group=self)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = MembershipRole.MEMBER
    state = MembershipState.ACTIVE
    # As the services would record it for the group's policy at the time of joining.
    admission = factory.LazyAttribute(
        lambda m: (
            Admission.FOUNDED
            if m.role == MembershipRole.FACILITATOR
            else {JoinPolicy.APPROVAL: Admission.APPROVED, JoinPolicy.INVITE: Admission.INVITED}.get(
                m.group.join_policy, Admission.JOINED
            )
        )
    )

    @classmethod
    def _after_postgeneration(cls, instance: Membership, create: bool, results: object = None) -> None:
        if create:
            count = Membership.objects.filter(group=instance.group, state=MembershipState.ACTIVE).count()
            Group.objects.filter(pk=instance.group_id).update(member_count=count)
            instance.group.member_count = count


class InviteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invite

    group = factory.SubFactory(GroupFactory)
    token_hash = factory.Sequence(lambda n: hash_secret(f"inv_test_{n}"))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class ApiTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    prefix = "rt_test"
    token_hash = factory.Sequence(lambda n: hash_secret(f"rt_test_{n}"))


def facilitator_of(group: Group, **kwargs: object) -> User:
    m = MembershipFactory(group=group, role=MembershipRole.FACILITATOR, **kwargs)
    return m.user


class MeetingFactory(factory.django.DjangoModelFactory):
    """A one-off meeting a week from now, 18:00-19:30 New York time."""

    class Meta:
        model = "meetings.Meeting"

    group = factory.SubFactory(GroupFactory)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    time_zone = "America/New_York"
    main_minutes = 90
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(
        lambda o: (
            o.starts_at + timedelta(minutes=o.main_minutes + o.networking_before_minutes + o.networking_after_minutes)
        )
    )
    networking_before_minutes = 0
    networking_after_minutes = 0
    venue = "Public Library, Room 2"
    address = "700 Boylston St, Boston, MA"


class RsvpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Rsvp"

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)
    status = "going"


class TalkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Talk"

    meeting = factory.SubFactory(MeetingFactory)
    speaker_name = "Jordan Lee"
    title = "LinkedIn that gets you called back"


# ---------------------------------------------------------------- live roundtable


def _strategic_plan() -> list[dict[str, object]]:
    from roundtable.live.models import STRATEGIC_PLAN

    return [dict(p) for p in STRATEGIC_PLAN]


class RoundtableFactory(factory.django.DjangoModelFactory):
    """A room row in the lobby. Use live.services.roundtable_open in tests of opening itself."""

    class Meta:
        model = "live.Roundtable"

    meeting = factory.SubFactory(MeetingFactory)
    mode = "turns"
    plan = factory.LazyFunction(_strategic_plan)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "live.Participant"

    roundtable = factory.SubFactory(RoundtableFactory)
    user = factory.SubFactory(UserFactory)


class TurnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "live.Turn"

    roundtable = factory.SubFactory(RoundtableFactory)
    user = factory.SubFactory(UserFactory)
    position = factory.Sequence(lambda n: n + 1)


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "live.Challenge"

    turn = factory.SubFactory(TurnFactory)
    text = "Recruiters stop replying after the first call."
    written_by = factory.LazyAttribute(lambda o: o.turn.user)


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "live.Suggestion"

    turn = factory.SubFactory(TurnFactory)
    author = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Suggestion {n}")


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "live.Commitment"

    turn = factory.SubFactory(TurnFactory)
    user = factory.LazyAttribute(lambda o: o.turn.user)
    text = factory.Sequence(lambda n: f"Commitment {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "live.Question"

    roundtable = factory.SubFactory(RoundtableFactory, mode="questions", plan=[])
    user = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Question {n}?")


# ---------------------------------------------------------------- tracker (owner-only)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tracker.Company"

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Company {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tracker.Contact"

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tracker.Opportunity"

    owner = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory, owner=factory.SelfAttribute("..owner"))
    role = "Product manager"
    stage = "researching"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tracker.Activity"

    owner = factory.SubFactory(UserFactory)
    kind = "conversation"
    occurred_on = factory.LazyFunction(lambda: timezone.localdate())


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tracker.Task"

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Follow up {n}")


class WeeklyTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tracker.WeeklyTarget"

    owner = factory.SubFactory(UserFactory)
    kind = "outreach"
    per_week = 10


# ---------------------------------------------------------------- journal (owner-only)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "journal.Goal"

    owner = factory.SubFactory(UserFactory)
    meeting = factory.SubFactory(MeetingFactory)
    reasons = factory.LazyFunction(lambda: ["learn_topic"])


class ReflectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "journal.Reflection"

    owner = factory.SubFactory(UserFactory)
    meeting = factory.SubFactory(MeetingFactory)
    value = 4

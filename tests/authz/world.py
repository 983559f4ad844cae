"""The one scenario world of the authorization matrix (tests/authz/matrix.py).

One listed group (approval to join) and a secret group, both run by Rosa, the facilitator,
who also owns every person-owned thing the routes address (her profile, tracker rows, story,
expert listing, notification, calendar feed, API token, an authenticator app with recovery
codes and a passkey). In the live room, the muted member made two suggestions before the
mute: the member reported one (open in the group's moderation queue), Rosa hid the other.
Each kind of viewer is one person, related the same way to both groups:

    anonymous    nobody signed in
    outsider     signed in, no relation to anything here
    pending      asked to join; waiting for an answer
    member       an active member
    facilitator  runs both groups and owns the person-owned objects
    banned       removed with a ban
    ex_member    joined, then left
    blocked      an active member whom Rosa blocked
    muted        an active member muted in the group (MUTE_HOOK below)
    operator     staff (is_staff and superuser), in no group
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from roundtable.accounts import blocks
from roundtable.accounts.models import User
from roundtable.accounts.services import api_token_create
from roundtable.groups.models import Group, GroupVisibility, Invite, JoinPolicy, Kind, Membership, MembershipState
from roundtable.groups.services import invite_create, membership_leave, membership_remove
from roundtable.live import services as live
from roundtable.live.models import Roundtable
from roundtable.meetings.feed_services import calendar_feed_create
from roundtable.meetings.models import Meeting
from roundtable.notifications import unsubscribe
from roundtable.notifications.models import Notification
from roundtable.tracker.models import Landing
from tests.buddies.world import sweep_world as buddies_world
from tests.e2e.pages import build_stories, build_tracker
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory, facilitator_of

ANONYMOUS, OUTSIDER, PENDING, MEMBER, FACILITATOR = "anonymous", "outsider", "pending", "member", "facilitator"
BANNED, EX_MEMBER, BLOCKED, MUTED, OPERATOR = "banned", "ex_member", "blocked", "muted", "operator"
VIEWERS = (ANONYMOUS, OUTSIDER, PENDING, MEMBER, FACILITATOR, BANNED, EX_MEMBER, BLOCKED, MUTED, OPERATOR)


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)  # viewer kind -> person (not anonymous)
    group: Group | None = None
    secret: Group | None = None
    meeting: Meeting | None = None  # upcoming, in the group
    secret_meeting: Meeting | None = None
    past: Meeting | None = None  # last week, in the group: reflections
    room: Meeting | None = None  # its live room is under way
    invite: Invite | None = None
    invite_token: str = ""
    request: Membership | None = None  # the pending viewer's request
    target: Membership | None = None  # the member's membership (member actions)
    feed_token: str = ""
    token_id: int = 0
    tracker: dict[str, str] = field(default_factory=dict)
    stories: dict[str, str] = field(default_factory=dict)
    expert: str = ""
    invitation: str = ""
    introduction: str = ""
    notification: str = ""
    unsubscribe_token: str = ""
    pair: str = ""
    checkin: str = ""
    suggestion: str = ""  # the muted member's suggestion in the room, reported by the member
    hidden: str = ""  # another of theirs, hidden by Rosa
    report: str = ""  # the member's report of `suggestion`, open in the group's queue
    passkey: int = 0  # Rosa's passkey (she has an authenticator app and recovery codes too)

    secrets: dict[str, str] = field(default_factory=dict)  # viewer kind -> API token

    def user(self, kind: str) -> User:
        return self.users[kind]


def mute_hook(world: World) -> None:
    """The muted viewer is muted in both groups (safety.services.member_mute): a mute limits
    speaking in live rooms (suggestions, questions: sockets, tested in tests/safety), not what
    a person may see or ask for over HTTP, so MUTED's expectations are a member's throughout."""
    from roundtable.safety.services import member_mute

    rosa = world.user(FACILITATOR)
    for group in (world.group, world.secret):
        member_mute(group=group, person=world.user(MUTED), by=rosa, reason="Kept talking over others.")


def build_world() -> World:
    now = timezone.now()
    w = World()
    names = {
        OUTSIDER: "Olu Outsider", PENDING: "Pat Pending", MEMBER: "Ann Member", FACILITATOR: "Rosa Facilitator",
        BANNED: "Ben Banned", EX_MEMBER: "Eli Left", BLOCKED: "Bo Blocked", MUTED: "Mo Muted",
        OPERATOR: "Sam Operator",
    }  # fmt: skip
    for kind, name in names.items():
        staff = kind == OPERATOR
        w.users[kind] = UserFactory(email=f"{kind}@example.com", name=name, is_staff=staff, is_superuser=staff)
    rosa, ann = w.user(FACILITATOR), w.user(MEMBER)
    w.group = GroupFactory(
        name="Boston Strategic Roundtable", slug="boston", kind=Kind.STRATEGIC, join_policy=JoinPolicy.APPROVAL,
        ground_rules="Be kind.",
    )  # fmt: skip
    w.secret = GroupFactory(
        name="Quiet Circle", slug="quiet", kind=Kind.SUPPORT, visibility=GroupVisibility.SECRET,
        join_policy=JoinPolicy.APPROVAL,
    )  # fmt: skip
    for g in (w.group, w.secret):
        facilitator_of(g, user=rosa)
        for kind in (MEMBER, BLOCKED, MUTED, BANNED, EX_MEMBER):
            MembershipFactory(group=g, user=w.user(kind))
        pending = MembershipFactory(group=g, user=w.user(PENDING), state=MembershipState.PENDING, answer="Hi")
        if g is w.group:
            w.request = pending
        membership_remove(membership=Membership.objects.get(group=g, user=w.user(BANNED)), by=rosa, ban=True)
        membership_leave(group=g, user=w.user(EX_MEMBER))
    w.target = Membership.objects.get(group=w.group, user=ann)
    blocks.block_create(blocker=rosa, blocked=w.user(BLOCKED))

    w.meeting = MeetingFactory(group=w.group, title="Weekly roundtable", starts_at=now + timedelta(days=3))
    w.secret_meeting = MeetingFactory(group=w.secret, title="Quiet evening", starts_at=now + timedelta(days=4))
    w.past = MeetingFactory(group=w.group, title="Last week", starts_at=now - timedelta(days=7))
    w.room = MeetingFactory(group=w.group, title="Room under way", starts_at=now - timedelta(minutes=5),
                            main_minutes=120)  # fmt: skip
    for m in (w.meeting, w.past, w.room):
        for kind in (FACILITATOR, MEMBER, BLOCKED, MUTED):
            RsvpFactory(meeting=m, user=w.user(kind), attended=m is w.past)
    rt = live.roundtable_open(meeting=w.room, by=rosa)
    for kind in (MEMBER, BLOCKED, MUTED):
        live.participant_join(roundtable=rt, user=w.user(kind))
    rt = live.roundtable_start(roundtable=rt, by=rosa)

    from roundtable.journal.services import goal_set, reflection_save

    goal_set(owner=rosa, meeting=w.meeting, reasons=["learn_topic"], note="Listen")
    reflection_save(owner=rosa, meeting=w.past, value=4)
    w.invite, w.invite_token = invite_create(group=w.group, by=rosa, note="Welcome")
    w.feed_token = calendar_feed_create(user=rosa)[1]
    w.token_id = api_token_create(user=rosa, name="Sync")[0].pk
    w.tracker = build_tracker(rosa, w.past)
    Landing.objects.create(owner=rosa, company_name="Acme", role="Coach", source="networking",
                           landed_on=now.date() - timedelta(days=1))  # fmt: skip
    w.stories = build_stories(rosa, rosa)
    w.expert, w.invitation = _speakers(w)
    # The ask tells Rosa after commit: her notification.
    with TestCase.captureOnCommitCallbacks(execute=True):
        w.introduction = _introduction(w)
    buddies_world(rosa, ann, w.user(OUTSIDER), w.group)
    from roundtable.buddies.models import BuddyPair, CheckIn

    pair = BuddyPair.objects.get(members__user=rosa, ended_at__isnull=True)
    w.pair = pair.public_id
    w.checkin = CheckIn.objects.filter(pair=pair, author=ann).get().public_id
    note = Notification.objects.filter(recipient=rosa, in_inbox=True).order_by("pk").first()
    assert note is not None
    w.notification = note.public_id
    w.unsubscribe_token = unsubscribe.token_for(rosa, note.kind)
    _moderation(w, rt)
    w.passkey = _two_factor(rosa)
    w.secrets = {kind: api_token_create(user=user, name="Matrix")[1] for kind, user in w.users.items()}
    mute_hook(w)
    return w


def _moderation(w: World, rt: Roundtable) -> None:
    """Two suggestions by the muted member in the room (before the mute): the member reports
    one (open in the group's queue), Rosa hides the other."""
    from roundtable.safety.services import content_hide, report_create
    from tests.factories import SuggestionFactory

    muted = w.user(MUTED)
    said, hidden = (SuggestionFactory(turn=rt.current_turn, author=muted, text=t) for t in ("Just quit.", "Ugh."))
    w.suggestion, w.hidden = str(said.pk), str(hidden.pk)
    w.report = report_create(reporter=w.user(MEMBER), kind="suggestion", ref=w.suggestion, reason="harassment")[
        0
    ].public_id
    content_hide(by=w.user(FACILITATOR), kind="suggestion", ref=w.hidden, reason="Unkind.")


def _two_factor(rosa: User) -> int:
    """Rosa signs in with an authenticator app (recovery codes beside it) and has a passkey."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.webauthn.internal.auth import WebAuthn

    TOTP.activate(rosa, generate_totp_secret())
    RecoveryCodes.activate(rosa)
    return WebAuthn.add(rosa, "Rosa's phone", _passkey_registration()).instance.pk


def _passkey_registration() -> dict[str, object]:
    """A passkey's registration response as a browser sends it ("none" attestation, a fresh
    P-256 key), which allauth keeps and reads back on the passkey pages."""
    import hashlib
    import json

    from cryptography.hazmat.primitives.asymmetric import ec
    from fido2.cose import ES256
    from fido2.utils import websafe_encode
    from fido2.webauthn import Aaguid, AttestationObject, AttestedCredentialData, AuthenticatorData

    public = ES256.from_cryptography_key(ec.generate_private_key(ec.SECP256R1()).public_key())
    cred_id = b"rosa-phone-passkey"
    flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV | AuthenticatorData.FLAG.AT
    data = AuthenticatorData.create(
        hashlib.sha256(b"localhost").digest(), flags, 0, AttestedCredentialData.create(Aaguid.NONE, cred_id, public)
    )
    client = json.dumps({"type": "webauthn.create", "challenge": "AAAA", "origin": "http://localhost"}).encode()
    return {
        "id": websafe_encode(cred_id),
        "rawId": websafe_encode(cred_id),
        "type": "public-key",
        "response": {
            "clientDataJSON": websafe_encode(client),
            "attestationObject": websafe_encode(bytes(AttestationObject.create("none", data, {}))),
        },
        "clientExtensionResults": {"credProps": {"rk": True}},
    }


def _speakers(w: World) -> tuple[str, str]:
    """Rosa's expert listing, and her invitation to the member's listing (waiting for Ann)."""
    from roundtable.speakers import services as speakers

    rosa, ann = w.user(FACILITATOR), w.user(MEMBER)
    mine = speakers.expert_save(user=rosa, data=speakers.ExpertData(bio="Coach.", speaks_about="Networking."))
    hers = speakers.expert_save(user=ann, data=speakers.ExpertData(bio="Analyst.", speaks_about="Spreadsheets."))
    talks = GroupFactory(name="Speakers Night", slug="speakers-night", kind=Kind.SPEAKERS)
    facilitator_of(talks, user=rosa)
    invitation = speakers.invitation_create(
        by=rosa, expert=hers, group=talks, proposed_on=timezone.now().date() + timedelta(days=40)
    )
    return mine.public_id, invitation.public_id


def _introduction(w: World) -> str:
    """The member's ask to meet the muted member through Rosa, waiting for Rosa."""
    from roundtable.network.services import introduction_ask

    assert w.group is not None
    intro = introduction_ask(
        asker=w.user(MEMBER), group=w.group, introducer=w.user(FACILITATOR), target=w.user(MUTED), note="Please."
    )
    return intro.public_id

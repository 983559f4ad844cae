"""Every write to groups, memberships and invites goes through here."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from roundtable.accounts.models import User
from roundtable.core.errors import ServiceError
from roundtable.core.markdown import render_markdown
from roundtable.core.text import TextError, clean_text
from roundtable.core.tokens import hash_secret, new_secret

from . import notifications, rules
from .cache import bump_discovery_generation
from .models import (
    Admission,
    Format,
    Group,
    GroupVisibility,
    Invite,
    JoinPolicy,
    Membership,
    MembershipRole,
    MembershipState,
    Topic,
)
from .places import resolve
from .schedule_note import refusal, states_a_schedule
from .selectors import public_topics
from .signals import membership_ended


class GroupError(ServiceError):
    """A group, membership or invite change that cannot be carried out."""


@dataclass
class GroupData:
    name: str
    kind: str
    format: str
    description: str = ""
    purpose: str = ""
    ground_rules: str = ""
    cadence: str = ""
    meeting_minutes: int = 90
    location_text: str = ""
    venue: str = ""
    audience: str = ""
    eligibility: str = ""
    join_policy: str = JoinPolicy.OPEN
    eligibility_question: str = ""
    visibility: str = GroupVisibility.LISTED
    time_zone: str = ""
    topics: tuple[str, ...] = ()
    allow_pseudonyms: bool = False


SLUG_SUFFIX_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
SLUG_SUFFIX_LENGTH = 8


def _unique_slug(name: str) -> str:
    """A new group's slug: its name, slugified, and always a random suffix
    ("career-changers-k3m9q2xa", 8 characters of a 32-letter alphabet: 40 bits).

    The suffix is there whether or not the name is taken. Adding it only on a collision
    would tell the creator that a group they cannot see (secret, unlisted) holds the
    plain slug; and an unlisted group's address would be guessable from its name.
    Design rule: "nothing lets an outsider test whether a secret group exists".
    """
    base = slugify(name)[:100] or "group"
    while True:
        suffix = "".join(secrets.choice(SLUG_SUFFIX_ALPHABET) for _ in range(SLUG_SUFFIX_LENGTH))
        candidate = f"{base}-{suffix}"
        if not Group.objects.filter(slug=candidate).exists():
            return candidate


def topics_from_names(names: tuple[str, ...] | list[str]) -> list[Topic]:
    """Topics for typed names (at most 12), found by slug or made; at most 60 characters each.

    A stored topic's spelling is never changed by anyone's input: it may be shared by groups,
    talks and profiles the caller cannot see, whose people would see their topic renamed.

    A public topic (selectors.public_topics) is returned as stored: anyone may know it exists.
    A topic known only to hidden groups and their talks must not answer differently from a
    new topic either, or "SeCrEt Layoffs" coming back for "secret layoffs" would tell the
    caller that a hidden group uses it. So when the caller's spelling differs from such a
    row's, the row steps aside: it keeps its name and links but moves to a random slug
    ("secret-layoffs-3f9a0c1b2d4e"), and the caller gets a new topic under the plain slug with
    their own spelling, exactly as if the name had never been used. A caller who types the
    stored spelling exactly shares the row: the answer is the same as for a new topic.
    """
    out: list[Topic] = []
    for raw in names:
        name = " ".join(str(raw).split())[:60]
        slug = slugify(name)[:60]
        if not slug:
            continue
        with transaction.atomic():
            topic = Topic.objects.select_for_update().filter(slug=slug).first()
            if topic is not None and topic.name != name and not public_topics().filter(pk=topic.pk).exists():
                Topic.objects.filter(pk=topic.pk).update(slug=f"{slug[:47]}-{secrets.token_hex(6)}")
                topic = None
            if topic is None:
                topic, _ = Topic.objects.get_or_create(slug=slug, defaults={"name": name})
        if topic not in out:
            out.append(topic)
    return out[:12]


def _apply(group: Group, data: GroupData) -> None:
    group.name = data.name.strip()
    group.kind = data.kind
    group.format = data.format
    group.description = data.description
    group.description_html = render_markdown(data.description)
    group.purpose = data.purpose
    # An edit that only moves spaces or line endings keeps the stored text (and its version).
    if rules.text_changed(group.ground_rules, data.ground_rules):
        group.ground_rules = data.ground_rules
    if states_a_schedule(data.cadence):
        raise GroupError(refusal(data.cadence), field="cadence")
    group.cadence = data.cadence.strip()
    group.meeting_minutes = data.meeting_minutes
    group.venue = data.venue
    group.audience = data.audience
    group.eligibility = data.eligibility
    group.join_policy = data.join_policy
    group.eligibility_question = data.eligibility_question if data.join_policy == JoinPolicy.APPROVAL else ""
    group.visibility = data.visibility
    group.allow_pseudonyms = data.allow_pseudonyms
    if data.format == Format.VIRTUAL and not data.location_text:
        group.location_text = group.location_label = ""
        group.latitude = group.longitude = None
    else:
        place = resolve(data.location_text)
        if place is None:
            raise GroupError(
                "We could not find that place. Try a US ZIP code (e.g. 02139) or a city (e.g. Austin, TX).",
                field="location_text",
            )
        group.location_text = data.location_text.strip()
        group.location_label = place.label
        group.latitude = place.latitude
        group.longitude = place.longitude
        if not data.time_zone and place.time_zone:
            group.time_zone = place.time_zone
    if data.time_zone:
        group.time_zone = data.time_zone


def _validate(data: GroupData) -> None:
    if not data.name.strip():
        raise GroupError("Give the group a name.", field="name")
    if len(data.name) > 120:
        raise GroupError("Keep the name to 120 characters or fewer.", field="name")
    if data.format in (Format.IN_PERSON, Format.HYBRID) and not data.location_text.strip():
        raise GroupError("In-person and hybrid groups need a city or ZIP code.", field="location_text")
    if data.visibility == GroupVisibility.SECRET and data.join_policy != JoinPolicy.INVITE:
        raise GroupError("Secret groups can only be joined by invitation: choose 'Invite only'.", field="join_policy")
    if data.join_policy == JoinPolicy.APPROVAL and not data.eligibility_question.strip():
        raise GroupError(
            "Approval groups ask applicants one question: write it (e.g. 'What role are you looking for?').",
            field="eligibility_question",
        )


def group_reindex(*, group: Group) -> None:
    topics = " ".join(t.name for t in group.topics.all())
    parts = [
        group.name,
        group.purpose,
        group.description,
        group.audience,
        group.eligibility,
        group.location_label,
        group.get_kind_display(),
        topics,
    ]
    group.search_text = "\n".join(p for p in parts if p)
    Group.objects.filter(pk=group.pk).update(search_text=group.search_text)


@transaction.atomic
def group_create(*, creator: User, data: GroupData) -> Group:
    _validate(data)
    group = Group(created_by=creator)
    _apply(group, data)
    for _attempt in range(5):
        group.slug = _unique_slug(group.name)
        try:
            with transaction.atomic():
                group.save()
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - five random collisions in a row
        raise GroupError("Please try again.")
    group.topics.set(topics_from_names(data.topics))
    now = timezone.now()
    Membership.objects.create(
        group=group,
        user=creator,
        role=MembershipRole.FACILITATOR,
        state=MembershipState.ACTIVE,
        admission=Admission.FOUNDED,
        decided_at=now,
        # The founder wrote (or kept) the rules: accepted.
        rules_version_accepted=group.rules_version,
        rules_accepted_at=now,
    )
    group.member_count = 1
    Group.objects.filter(pk=group.pk).update(member_count=1)
    group_reindex(group=group)
    bump_discovery_generation()
    return group


@transaction.atomic
def group_update(*, group: Group, data: GroupData, by: User | None = None) -> Group:
    """Save a group's settings. When the ground rules' text really changes (rules.text_changed)
    their version goes up by one and rules_changed_at is now: `by` (the facilitator who edited)
    accepts the new version at once, and every other active member is told by the worker
    (notification "groups.rules_changed", groups.tasks.tell_rules_changed) and asked to accept
    again before they next enter a live room."""
    _validate(data)
    old_rules = Group.objects.filter(pk=group.pk).values_list("ground_rules", flat=True).first() or ""
    _apply(group, data)
    bumped = rules.text_changed(old_rules, group.ground_rules)
    if bumped:
        group.rules_version += 1
        group.rules_changed_at = timezone.now()
    group.save()
    if bumped:
        if by is not None:
            Membership.objects.filter(group=group, user=by, state=MembershipState.ACTIVE).update(
                rules_version_accepted=group.rules_version, rules_accepted_at=group.rules_changed_at
            )
            group.__dict__.pop("_membership_cache", None)
        if rules.has_rules(group):
            # One notification a member: the worker tells them, not this request (a group of
            # thousands would otherwise hold the editor's page for as many inserts).
            from .tasks import tell_rules_changed

            group_id, by_id, version = group.pk, by.pk if by is not None else None, group.rules_version
            transaction.on_commit(
                lambda: tell_rules_changed.enqueue(group_id=group_id, by_id=by_id, version=version), robust=True
            )
    group.topics.set(topics_from_names(data.topics))
    group_reindex(group=group)
    bump_discovery_generation()
    return group


def _recount(group: Group) -> None:
    count = Membership.objects.filter(group=group, state=MembershipState.ACTIVE).count()
    Group.objects.filter(pk=group.pk).update(member_count=count)
    group.member_count = count


def group_recount(*, group_ids: list[int]) -> None:
    """Take the member count of these groups again (after rows left by cascade)."""
    for group in Group.objects.filter(pk__in=group_ids):
        _recount(group)
    if group_ids:
        bump_discovery_generation()


def _lock_membership(group: Group, user: User) -> Membership | None:
    return Membership.objects.select_for_update().filter(group=group, user=user).first()


@transaction.atomic
def membership_join(
    *,
    group: Group,
    user: User,
    answer: str = "",
    invite: Invite | None = None,
    accept_rules: bool = False,
    pseudonym: str = "",
) -> Membership:
    """Join an open group, ask to join an approval group, or join through an invite.
    An invite made for a facilitator (Invite.role) makes its user a facilitator.

    A group with ground rules needs `accept_rules=True` (the person ticked "I accept the
    ground rules"): otherwise GroupError, field "accept_rules", status 422. The membership
    records the version accepted and when. An active member asks nothing (returned as is).
    `pseudonym` (groups that allow them): how the person appears in the group, checked as
    membership_pseudonym_set does (GroupError, field "pseudonym"); someone coming back keeps
    the one they had unless they give a new one."""
    if group.archived_at is not None:
        raise GroupError("This group is archived: it takes no new members.", status=409)
    m = _lock_membership(group, user)
    role = MembershipRole.FACILITATOR if invite is not None and invite.role == MembershipRole.FACILITATOR else ""
    if m is not None:
        if m.ban_in_force:
            raise GroupError("You can't join this group.", status=403)
        if m.state == MembershipState.ACTIVE:
            if role and m.role != role:
                m.role = role
                m.save(update_fields=["role"])
                Invite.objects.filter(pk=invite.pk).update(uses=F("uses") + 1)  # type: ignore[union-attr]
            return m
        if m.state == MembershipState.PENDING and invite is None:
            return m
    if invite is None and group.join_policy == JoinPolicy.INVITE:
        raise GroupError("This group is invite only. Ask a facilitator for an invite link.", status=403)
    needs_approval = invite is None and group.join_policy == JoinPolicy.APPROVAL
    if needs_approval and not answer.strip():
        raise GroupError(f"Please answer: {group.eligibility_question}", field="answer")
    if len(answer) > 2000:
        raise GroupError("Keep your answer to 2,000 characters or fewer.", field="answer")
    if rules.has_rules(group) and not accept_rules:
        raise GroupError(RULES_NOT_ACCEPTED, field="accept_rules", status=422)
    chosen = _checked_pseudonym(group, user, pseudonym)
    state = MembershipState.PENDING if needs_approval else MembershipState.ACTIVE
    # How it began (Membership.admission): membership_decide sets APPROVED when a facilitator says yes.
    admission = Admission.INVITED if invite is not None else Admission.JOINED
    now = timezone.now()
    if m is None:
        m = Membership.objects.create(
            group=group,
            user=user,
            state=state,
            admission=admission,
            role=role or MembershipRole.MEMBER,
            answer=answer.strip(),
            decided_at=None if needs_approval else now,
            rules_version_accepted=group.rules_version,
            rules_accepted_at=now,
            pseudonym=chosen,
        )
    else:
        if chosen:
            m.pseudonym = chosen
        m.state = state
        m.admission = admission
        m.role = role or MembershipRole.MEMBER
        m.answer = answer.strip()
        m.created_at = now
        m.decided_at = None if needs_approval else now
        m.decided_by = None
        m.rules_version_accepted = group.rules_version
        m.rules_accepted_at = now
        m.save()
    if invite is not None:
        Invite.objects.filter(pk=invite.pk).update(uses=F("uses") + 1)
    _recount(group)
    if needs_approval:
        transaction.on_commit(lambda: notifications.request_received(membership_id=m.pk))
    bump_discovery_generation()
    return m


PSEUDONYM_MAX = 40
TAKEN = "Someone in this group already goes by that name: choose another."
PSEUDONYM_HELP = (
    "1 to 40 characters, with at least one letter or digit. Members, facilitators and the group's pages "
    "show only this name and never link it to your profile; the site's moderators can see who you are if "
    "someone reports a problem. It must differ from every other name in the group (ignoring capitals) and "
    "from your own profile name. Leave it empty to appear by your profile name."
)


def pseudonym_problem(*, group: Group, user: User, pseudonym: str) -> str | None:
    """Why `pseudonym` (already cleaned by core.text) may not be this person's in the group, or None.

    The rules, and why: at least one letter or digit (a name people can tell apart and say
    aloud in a live room); unique in the group ignoring case, among everyone who has or had a
    membership there (one name, one person, even on what people who left wrote); not the real
    name of anyone active in the group (nobody can pass for another member) and not the
    person's own profile name (it would not hide them)."""
    if not any(ch.isalnum() for ch in pseudonym):
        return "Use at least one letter or digit."
    folded = pseudonym.casefold()
    if folded == user.display_name.casefold():
        return "That is your profile name: choose a name that does not identify you."
    others = Membership.objects.filter(group=group).exclude(user=user)
    if any(p.casefold() == folded for p in others.exclude(pseudonym="").values_list("pseudonym", flat=True)):
        return TAKEN
    real_names = others.filter(state=MembershipState.ACTIVE).values_list("user__profile__display_name", flat=True)
    if any((n or "").casefold() == folded for n in real_names):
        return "A member of this group is called that: choose a name of your own."
    return None


@transaction.atomic
def membership_pseudonym_set(*, group: Group, user: User, pseudonym: str) -> Membership:
    """Set how an active or pending member appears in the group (identity.py): `pseudonym`
    ("" to appear by their profile name). Raises GroupError: field "pseudonym" with the reason
    (status 400), status 404 for someone with no active or pending membership, 409 for a new
    pseudonym in a group that does not allow them (clearing one is always allowed)."""
    m = _lock_membership(group, user)
    if m is None or m.state not in (MembershipState.ACTIVE, MembershipState.PENDING):
        raise GroupError("You are not a member of this group.", status=404)
    if pseudonym.strip() == m.pseudonym:
        return m
    pseudonym = _checked_pseudonym(group, user, pseudonym)
    m.pseudonym = pseudonym
    try:
        with transaction.atomic():
            m.save(update_fields=["pseudonym"])
    except IntegrityError:
        raise GroupError(TAKEN, field="pseudonym") from None
    group.__dict__.pop("_membership_cache", None)
    return m


def _checked_pseudonym(group: Group, user: User, pseudonym: str) -> str:
    """A pseudonym chosen on joining, cleaned and checked as membership_pseudonym_set does."""
    try:
        pseudonym = clean_text(pseudonym, multiline=False, max_length=PSEUDONYM_MAX).strip()
    except TextError as exc:
        raise GroupError(exc.reason, field="pseudonym") from None
    if not pseudonym:
        return ""
    if not group.allow_pseudonyms:
        raise GroupError("This group does not offer pseudonyms.", field="pseudonym", status=409)
    problem = pseudonym_problem(group=group, user=user, pseudonym=pseudonym)
    if problem:
        raise GroupError(problem, field="pseudonym")
    return pseudonym


RULES_NOT_ACCEPTED = "Please read the group's ground rules and tick “I accept the ground rules” to join."


@transaction.atomic
def ground_rules_accept(*, group: Group, user: User) -> Membership:
    """An active member accepts the group's current ground rules (Group.rules_version): the
    membership records that version and now; their notifications that the rules changed are
    marked read. Accepting again is harmless. GroupError (status 404) for anyone who is not
    an active member: the views answer them as for a group they may not see."""
    from roundtable.notifications.services import notifications_acted_on

    m = _lock_membership(group, user)
    if m is None or m.state != MembershipState.ACTIVE:
        raise GroupError("You are not a member of this group.", status=404)
    version = Group.objects.filter(pk=group.pk).values_list("rules_version", flat=True).first() or 1
    if m.rules_version_accepted != version:
        m.rules_version_accepted = version
        m.rules_accepted_at = timezone.now()
        m.save(update_fields=["rules_version_accepted", "rules_accepted_at"])
    group.__dict__.pop("_membership_cache", None)
    notifications_acted_on(subject=group, recipient=user)
    return m


def _free_seats(group: Group, user: User) -> None:
    # Losing access takes effect at once: seats go to the waitlist, live rooms close the socket.
    from roundtable.live import services as live_services
    from roundtable.meetings.services import rsvp_withdraw_all

    rsvp_withdraw_all(group=group, user=user)
    live_services.access_end(user=user, group_id=group.pk)
    membership_ended.send(sender=Group, group=group, user=user)


def _facilitator_count(group: Group) -> int:
    return Membership.objects.filter(group=group, state=MembershipState.ACTIVE, role=MembershipRole.FACILITATOR).count()


@transaction.atomic
def membership_decide(*, membership: Membership, by: User, approve: bool) -> Membership:
    m = Membership.objects.select_for_update().get(pk=membership.pk)
    if m.state != MembershipState.PENDING:
        raise GroupError("This request was already handled.", status=409)
    m.state = MembershipState.ACTIVE if approve else MembershipState.DECLINED
    if approve:
        m.admission = Admission.APPROVED
    m.decided_at = timezone.now()
    m.decided_by = by
    m.save()
    _recount(m.group)
    transaction.on_commit(lambda: notifications.request_decided(membership_id=m.pk))
    bump_discovery_generation()
    return m


def is_sole_facilitator(*, group: Group, user: User) -> bool:
    """Whether `user` is the one active facilitator of a group that is not archived: the
    person whose going would leave the group with nobody to approve, schedule or run it."""
    if group.archived_at is not None:
        return False
    rows = Membership.objects.filter(group=group, state=MembershipState.ACTIVE, role=MembershipRole.FACILITATOR)
    return list(rows.values_list("user_id", flat=True)[:2]) == [user.pk]


def _make_facilitator(m: Membership, *, by: User) -> Membership:
    """Give a member the facilitator role on a hand-over; they are told by email after commit
    (what it means and where to start), since nobody asked them first."""
    m.role = MembershipRole.FACILITATOR
    m.decided_by = by
    m.save(update_fields=["role", "decided_by"])
    transaction.on_commit(partial(notifications.handed_over, membership_id=m.pk))
    return m


def _successor_in(group: Group, successor_id: int | None, user: User) -> Membership:
    m = (
        Membership.objects.select_for_update()
        .filter(group=group, pk=successor_id, state=MembershipState.ACTIVE)
        .exclude(user=user)
        .first()
        if successor_id
        else None
    )
    if m is None:
        raise GroupError("Choose a current member to hand the group over to.", field="successor", status=409)
    return m


@transaction.atomic
def membership_leave(*, group: Group, user: User, successor_id: int | None = None, archive: bool = False) -> Membership:
    """Leave a group, or withdraw a request to join.

    The only facilitator of a group that is not archived must say what becomes of it
    (issue 9, "a group is never orphaned"): `successor_id`, the id of another active
    membership, makes that member a facilitator; `archive=True` archives the group
    (group_archive). Neither raises GroupError (field "successor", status 409).
    """
    m = _lock_membership(group, user)
    if m is None or m.state not in (MembershipState.ACTIVE, MembershipState.PENDING):
        raise GroupError("You are not a member of this group.", status=409)
    if m.is_facilitator and is_sole_facilitator(group=group, user=user):
        if successor_id:
            _make_facilitator(_successor_in(group, successor_id, user), by=user)
        elif archive:
            group_archive(group=group, by=user)
        else:
            raise GroupError(
                "You are the only facilitator: hand the group over to a member, or archive it, before you leave.",
                field="successor",
                status=409,
            )
    m.state = MembershipState.LEFT
    m.role = MembershipRole.MEMBER
    m.decided_at = timezone.now()
    m.save()
    _recount(group)
    _free_seats(group, user)
    bump_discovery_generation()
    return m


@transaction.atomic
def group_hand_over(*, group: Group, by: User, successor_id: int) -> Membership:
    """Make another active member a facilitator and step down to member.
    Returns the successor's membership; GroupError (field "successor") for anyone else."""
    successor = _make_facilitator(_successor_in(group, successor_id, by), by=by)
    Membership.objects.filter(group=group, user=by, state=MembershipState.ACTIVE).update(role=MembershipRole.MEMBER)
    return successor


@transaction.atomic
def group_archive(*, group: Group, by: User | None) -> int:
    """Archive a group: it leaves discovery and takes no new members; waiting requests are
    declined, invite links revoked, its series ended and its meetings still ahead cancelled
    (people who are going are told, as for any cancellation). Members keep the page and
    its history. Returns how many meetings were cancelled. Idempotent."""
    from roundtable.meetings import notifications as meeting_notifications
    from roundtable.meetings.models import Meeting, MeetingSeries, MeetingStatus

    locked = Group.objects.select_for_update().get(pk=group.pk)
    if locked.archived_at is not None:
        group.archived_at = locked.archived_at
        return 0
    now = timezone.now()
    group.archived_at = now
    Group.objects.filter(pk=group.pk).update(archived_at=now)
    pending = list(Membership.objects.filter(group=group, state=MembershipState.PENDING).values_list("pk", flat=True))
    Membership.objects.filter(pk__in=pending).update(state=MembershipState.DECLINED, decided_at=now, decided_by=by)
    for mid in pending:
        transaction.on_commit(partial(notifications.request_decided, membership_id=mid))
    Invite.objects.filter(group=group, revoked_at__isnull=True).update(revoked_at=now)
    MeetingSeries.objects.filter(group=group).update(ended=True)
    cancelled = 0
    ahead = Meeting.objects.select_for_update().filter(group=group, starts_at__gt=now, status=MeetingStatus.SCHEDULED)
    for meeting in ahead:
        meeting.status = MeetingStatus.CANCELLED
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence", "updated_at"])
        cancelled += 1
        transaction.on_commit(partial(meeting_notifications.meeting_cancelled, meeting_id=meeting.pk))
    bump_discovery_generation()
    return cancelled


@transaction.atomic
def group_restore(*, group: Group, by: User) -> Group:
    """Bring an archived group back: listed again and open to new members as its settings say.
    Only a facilitator may (the view asks permissions.group_for_facilitator)."""
    Group.objects.filter(pk=group.pk).update(archived_at=None)
    group.archived_at = None
    bump_discovery_generation()
    return group


def groups_release(*, user: User) -> list[int]:
    """Before an account closes (deactivated or deleted): every group it is the only
    facilitator of is archived, so none is left with nobody to approve or run it.
    Returns the archived groups' ids. A group with another facilitator needs nothing."""
    archived: list[int] = []
    facilitated = Group.objects.filter(
        memberships__user=user,
        memberships__state=MembershipState.ACTIVE,
        memberships__role=MembershipRole.FACILITATOR,
        archived_at__isnull=True,
    )
    for group in facilitated:
        if is_sole_facilitator(group=group, user=user):
            group_archive(group=group, by=None)
            archived.append(group.pk)
    return archived


@transaction.atomic
def membership_remove(
    *, membership: Membership, by: User, ban: bool, banned_until: datetime | None = None
) -> Membership:
    """Remove a member, or ban them (`banned_until`: the ban's end, or None for no end).
    Banning someone already banned only changes the end."""
    m = Membership.objects.select_for_update().get(pk=membership.pk)
    if m.user_id == by.pk:
        raise GroupError("You can't remove yourself; leave the group instead.", status=409)
    if m.is_facilitator and _facilitator_count(m.group) == 1:
        # Only reachable by someone who is not a facilitator themselves (the admin, a script):
        # the group would be left with nobody to run it.
        raise GroupError("This is the group's only facilitator: hand the group over first.", status=409)
    if m.state == MembershipState.BANNED and ban:
        if m.banned_until != banned_until:
            m.banned_until = banned_until
            m.save(update_fields=["banned_until"])
        return m
    m.state = MembershipState.BANNED if ban else MembershipState.REMOVED
    m.banned_until = banned_until if ban else None
    m.role = MembershipRole.MEMBER
    m.decided_at = timezone.now()
    m.decided_by = by
    m.save()
    _recount(m.group)
    _free_seats(m.group, m.user)
    bump_discovery_generation()
    return m


@transaction.atomic
def membership_unban(*, membership: Membership, by: User) -> Membership:
    m = Membership.objects.select_for_update().get(pk=membership.pk)
    if m.state == MembershipState.BANNED:
        m.state = MembershipState.REMOVED
        m.banned_until = None
        m.decided_by = by
        m.decided_at = timezone.now()
        m.save()
    return m


@transaction.atomic
def membership_set_role(*, membership: Membership, by: User, role: str) -> Membership:
    m = Membership.objects.select_for_update().get(pk=membership.pk)
    if m.state != MembershipState.ACTIVE:
        raise GroupError("Only members can be facilitators.", status=409)
    if role == MembershipRole.MEMBER and m.role == MembershipRole.FACILITATOR and _facilitator_count(m.group) == 1:
        raise GroupError("A group needs at least one facilitator.", status=409)
    m.role = role
    m.save(update_fields=["role"])
    return m


INVITE_DAYS_DEFAULT = 14


def invite_create(
    *, group: Group, by: User, days: int = INVITE_DAYS_DEFAULT, note: str = "", role: str = MembershipRole.MEMBER
) -> tuple[Invite, str]:
    """Make an invite link. Returns the invite and its token (shown once). `role`
    "facilitator" makes whoever joins through it a facilitator."""
    if not 1 <= days <= 90:
        raise GroupError("Invite links last between 1 and 90 days.", field="days")
    if role not in MembershipRole.values:
        raise GroupError("Choose Member or Facilitator.", field="role")
    if group.archived_at is not None:
        raise GroupError("This group is archived: restore it before inviting people.", status=409)
    token = new_secret("inv")
    invite = Invite.objects.create(
        group=group,
        token_hash=hash_secret(token),
        created_by=by,
        note=note[:120],
        expires_at=timezone.now() + timedelta(days=days),
        role=role,
    )
    return invite, token


def invite_revoke(*, invite: Invite) -> Invite:
    if invite.revoked_at is None:
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])
    return invite


def invite_lookup(token: str) -> Invite | None:
    """A usable invite for a token, or None (unknown, expired and revoked look alike)."""
    if not token or len(token) > 100:
        return None
    invite = Invite.objects.select_related("group").filter(token_hash=hash_secret(token)).first()
    if invite is None or not invite.is_usable():
        return None
    return invite


@transaction.atomic
def membership_changed_elsewhere(*, group: Group, user: User) -> None:
    """A membership was changed or deleted outside these services (the Django admin): recount
    the group and, unless the person is still an active member, end their access at once, as
    membership_leave and membership_remove do (seats to the waitlist, live rooms closed).
    Safe to call when nothing was lost."""
    _recount(group)
    still_active = Membership.objects.filter(group=group, user=user, state=MembershipState.ACTIVE).exists()
    if not still_active:
        _free_seats(group, user)
    bump_discovery_generation()

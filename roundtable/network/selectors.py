"""Reads for who to meet, suggested introductions and a person's introductions, each with a
fixed number of queries whatever the number of people. Profile fields come only through
accounts.permissions (what the viewer may see); people who turned recommendations off never
appear in a recommendation or a suggestion."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import permutations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from roundtable.accounts.models import Block, Profile, User
from roundtable.accounts.permissions import Viewer, visible_fields_of_many
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Group, Membership, MembershipRole, MembershipState
from roundtable.journal.selectors import goal_of
from roundtable.meetings.models import Meeting, Rsvp, RsvpStatus, Talk
from roundtable.tracker.models import Landing

from . import scoring
from .models import AskBlock, Introduction, IntroStatus
from .permissions import awaiting, introductions_visible_to

MAX_REASONS_SHOWN = 3
RECOMMENDATIONS = 10
SUGGESTIONS = 20
# A pair that had an introduction declined is not suggested again for this long.
DECLINED_REST = timedelta(days=90)


@dataclass(frozen=True)
class Recommendation:
    """Someone worth meeting: `reasons` in words, strongest first; `marked`: already among the
    people the viewer wants to meet in their goal for the meeting; `is_speaker`: they give the
    meeting's talk (marking them names "the speaker" in the goal)."""

    user: User
    public_id: str
    name: str
    headline: str
    score: int
    reasons: list[str]
    marked: bool = False
    is_speaker: bool = False


@dataclass(frozen=True)
class PairSuggestion:
    """Two members a facilitator could introduce: `asker` would gain from `target`."""

    asker: User
    target: User
    score: int
    reasons: list[str] = field(default_factory=list)


def _landed_at(viewer: Viewer, fields: dict[int, dict[str, str]]) -> dict[int, str]:
    """Where people landed, for those who said they will help others (Landing.will_help_others)
    and who show the viewer both their search status and their current company: the landing
    is where they work now, so it is shown only to whom they show that. One query."""
    ids = [uid for uid, f in fields.items() if "search_status" in f and "current_company" in f]
    if not ids:
        return {}
    rows = Landing.objects.filter(owner_id__in=ids, will_help_others=True).values_list("owner_id", "company_name")
    return dict(rows)


def _blocked_between(user_id: int, others: list[int]) -> set[int]:
    """Those of `others` who refused asks from `user_id`, or whom `user_id` refused, or with a
    block (accounts.blocks) between them and `user_id` either way. One query, a UNION of both
    (read by the one person's side: a few rows, not a list of every other as parameters)."""
    mine = Q(blocker_id=user_id) | Q(blocked_id=user_id)
    rows = (
        AskBlock.objects.filter(mine)
        .values_list("blocker_id", "blocked_id")
        .union(Block.objects.filter(mine).order_by().values_list("blocker_id", "blocked_id"))
    )
    wanted = set(others)
    return {b if a == user_id else a for a, b in rows} & wanted


def recommendations_for_meeting(
    viewer: User, meeting: Meeting, *, limit: int = RECOMMENDATIONS, with_marks: bool = True
) -> list[Recommendation]:
    """The people at the meeting whom the viewer would gain most from meeting, best first
    (score, then name), at most `limit`, each with its reasons; only for a viewer who may see
    the group's members.

    The candidates: the others going who are active members of the group (whom the viewer may
    name in a goal, journal.permissions), and the meeting's speaker (Talk.speaker, when the talk
    names an account) even without an RSVP or a membership, unless banned from or removed by the
    group; `is_speaker` marks them. Everyone with an active account and recommendations on, the
    viewer aside, neither side having refused the other's asks, scored by the same rules
    (scoring.MIN_SCORE and up) from only the fields the viewer may see. Seven queries at most,
    whatever the number going; the speaker adds none."""
    if not group_perms.can_see_members(viewer, meeting.group):
        return []
    # A member who goes by a pseudonym in the group is never offered here: a recommendation
    # links their profile (groups/identity.py; issue 12, item 4).
    member = Membership.objects.filter(
        user_id=OuterRef("user_id"), group_id=meeting.group_id, state=MembershipState.ACTIVE, pseudonym=""
    )
    sent_away = Membership.objects.filter(
        user_id=OuterRef("user_id"),
        group_id=meeting.group_id,
        state__in=(MembershipState.BANNED, MembershipState.REMOVED),
    )
    speaks = Talk.objects.filter(meeting_id=meeting.pk, speaker_id=OuterRef("user_id"))
    # One IN over the people going and the speaker (a UNION both databases read from their
    # indexes), then per row: a member going, or the speaker not sent away by the group.
    going = Rsvp.objects.filter(meeting_id=meeting.pk, status=RsvpStatus.GOING).values("user_id")
    speaker = Talk.objects.filter(meeting_id=meeting.pk, speaker__isnull=False).values("speaker_id")
    profiles = list(
        Profile.objects.filter(
            user_id__in=going.union(speaker),
            user__is_active=True,
            show_in_recommendations=True,
        )
        .exclude(user_id=viewer.pk)
        .alias(member=Exists(member), speaks=Exists(speaks), sent_away=Exists(sent_away))
        .filter(Q(member=True) | Q(speaks=True, sent_away=False))
        .annotate(is_speaker=Exists(speaks))
        .select_related("user")
    )
    if not profiles:
        return []
    own = Profile.objects.filter(user=viewer).first()
    if own is None:
        return []
    fields = visible_fields_of_many(viewer, profiles)
    needs = scoring.needs_of(visible_fields_of_many(viewer, [own])[viewer.pk])
    landed = _landed_at(viewer, fields)
    blocked = _blocked_between(viewer.pk, [p.user_id for p in profiles])
    marked: set[int] = set()
    if with_marks:
        goal = goal_of(viewer, meeting)
        people = list(goal.people.all()) if goal else []
        marked = {p.person_id for p in people if p.person_id}
        if any(p.is_speaker for p in people):
            marked |= {p.user_id for p in profiles if p.is_speaker}  # type: ignore[attr-defined]
    out = []
    for p in profiles:
        if p.user_id in blocked:
            continue
        found = scoring.reasons(needs, scoring.offers_of(fields[p.user_id], landed_at=landed.get(p.user_id, "")))
        total = scoring.score(found)
        if total < scoring.MIN_SCORE:
            continue
        out.append(
            Recommendation(
                user=p.user,
                public_id=p.user.public_id,
                name=p.display_name,
                headline=fields[p.user_id].get("headline", ""),
                score=total,
                reasons=[scoring.to_viewer(r) for r in found[:MAX_REASONS_SHOWN]],
                marked=p.user_id in marked,
                is_speaker=bool(p.is_speaker),  # type: ignore[attr-defined]
            )
        )
    out.sort(key=lambda r: (-r.score, r.name.casefold(), r.public_id))
    return out[:limit]


def _recent_pairs(group: Group, user_ids: list[int], now: datetime) -> set[frozenset[int]]:
    """Pairs that already have an introduction open or accepted, or one declined recently."""
    rows = Introduction.objects.filter(asker_id__in=user_ids, target_id__in=user_ids).filter(
        Q(status__in=(IntroStatus.OPEN, IntroStatus.ACCEPTED)) | Q(closed_at__gte=now - DECLINED_REST)
    )
    return {frozenset((a, t)) for a, t in rows.values_list("asker_id", "target_id")}


def suggested_introductions(
    facilitator: User, group: Group, *, limit: int = SUGGESTIONS, now: datetime | None = None
) -> list[PairSuggestion]:
    """Pairs of the group's active members (recommendations on, the facilitator aside) where
    one would gain from meeting the other, best first, from the same scoring as who to meet,
    using only the fields the facilitator may see. Pairs already introduced (open, accepted,
    or declined within DECLINED_REST) and pairs where one refused the other's asks or blocked
    the other (accounts.blocks) are left out. Five queries whatever the group's size."""
    moment = now or timezone.now()
    members = list(
        Membership.objects.filter(
            group=group,
            state=MembershipState.ACTIVE,
            user__is_active=True,
            user__profile__show_in_recommendations=True,
            pseudonym="",  # never a pseudonymous member: an introduction shares profiles
        )
        .exclude(user=facilitator)
        .select_related("user__profile")
        .order_by("user_id")
    )
    if len(members) < 2:
        return []
    profiles = {m.user_id: m.user.profile for m in members}
    fields = visible_fields_of_many(facilitator, profiles.values())
    landed = _landed_at(facilitator, fields)
    ids = list(profiles)
    taken = _recent_pairs(group, ids, moment)
    blocks_ = {
        frozenset(pair)
        for pair in AskBlock.objects.filter(blocker_id__in=ids, blocked_id__in=ids)
        .values_list("blocker_id", "blocked_id")
        .union(
            Block.objects.filter(blocker_id__in=ids, blocked_id__in=ids)
            .order_by()
            .values_list("blocker_id", "blocked_id")
        )
    }
    needs = {uid: scoring.needs_of(f) for uid, f in fields.items()}
    offers = {uid: scoring.offers_of(f, landed_at=landed.get(uid, "")) for uid, f in fields.items()}
    best: dict[frozenset[int], PairSuggestion] = {}
    for a, b in permutations(ids, 2):
        pair = frozenset((a, b))
        if pair in taken or pair in blocks_:
            continue
        found = scoring.reasons(needs[a], offers[b])
        total = scoring.score(found)
        if total < scoring.MIN_SCORE or (pair in best and best[pair].score >= total):
            continue
        na, nb = profiles[a].display_name, profiles[b].display_name
        best[pair] = PairSuggestion(
            asker=profiles[a].user,
            target=profiles[b].user,
            score=total,
            reasons=[scoring.between(r, a=na, b=nb) for r in found[:MAX_REASONS_SHOWN]],
        )
    ranked = sorted(
        best.values(),
        key=lambda s: (-s.score, s.asker.display_name.casefold(), s.target.display_name.casefold(), s.asker.pk),
    )
    return ranked[:limit]


def _with_people() -> tuple[str, ...]:
    return ("group", "asker__profile", "introducer__profile", "target__profile")


@dataclass(frozen=True)
class MyIntroductions:
    to_decide: list[Introduction]
    asked_by_me: list[Introduction]
    asked_of_me: list[Introduction]


def introductions_of(user: User, *, limit: int = 100) -> MyIntroductions:
    """The user's introductions in three lists, newest first: those waiting for their answer;
    those they asked for (or were proposed, once answered); those they were asked to make or
    to accept. One query."""
    rows = list(introductions_visible_to(user).select_related(*_with_people()).order_by("-created_at", "-pk")[:limit])
    to_decide, by_me, of_me = [], [], []
    for intro in rows:
        role = intro.role_of(user.pk)
        if awaiting(intro, role):
            to_decide.append(intro)
        elif role == "asker":
            by_me.append(intro)
        else:
            of_me.append(intro)
    return MyIntroductions(to_decide=to_decide, asked_by_me=by_me, asked_of_me=of_me)


def people_of_group(group: Group, *, exclude: list[int]) -> list[User]:
    """The group's active members with active accounts (facilitators first, then by name),
    less `exclude`: whom an ask may name as introducer or target. One query. Members who go by
    a pseudonym in the group are left out (an introduction names and links profiles)."""
    rows = (
        Membership.objects.filter(group=group, state=MembershipState.ACTIVE, user__is_active=True, pseudonym="")
        .exclude(user_id__in=exclude)
        .select_related("user__profile")
    )
    people = sorted(
        rows, key=lambda m: (m.role != MembershipRole.FACILITATOR, m.user.display_name.casefold(), m.user.public_id)
    )
    return [m.user for m in people]


def asks_since(asker: User, since: datetime) -> int:
    """How many introductions the person asked for (not proposals) since `since`."""
    return Introduction.objects.filter(asker=asker, proposed=False, created_at__gte=since).count()


def proposals_since(facilitator: User, since: datetime) -> int:
    return Introduction.objects.filter(introducer=facilitator, proposed=True, created_at__gte=since).count()

"""Every write about buddies: joining, changing and leaving a pool, a matching run, check-ins
and replies, ending a pair. Keyword-only, atomic where several rows change; what people are
told goes through events.py after commit.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from roundtable.accounts import blocks
from roundtable.accounts.models import Profile, User, Visibility
from roundtable.core.errors import ServiceError
from roundtable.core.text import TextError, clean_text
from roundtable.groups.identity import pseudonyms
from roundtable.groups.models import VETTED_ADMISSIONS, Group, Membership, MembershipState
from roundtable.tracker.models import Activity

from . import events, matching
from .models import (
    BuddyPair,
    CheckIn,
    CheckInReply,
    FieldWish,
    Language,
    MatchRun,
    PairMember,
    PoolEntry,
    Progress,
    Reaction,
    SearchStage,
    Weekday,
    WorkField,
)

MAX_LANGUAGES = 6
MAX_ACTIVITIES = 10
# A run on demand needs at least two people who can be paired now; with fewer it would
# pair nobody, so the page offers no button, and the API and the service refuse.
MIN_TO_MATCH = 2
NOBODY_TO_PAIR = (
    "Fewer than two members are waiting, so a run now would pair nobody. Invite members to join the pool "
    "from their buddy page."
)


PSEUDONYM_POOL = (
    "You go by a pseudonym in this group, and buddies see each other's profile: join the pool open to "
    "everyone on Roundtable instead, or appear by your profile name in this group first."
)


class BuddyError(ServiceError):
    """A refused write, with the reason in words and the field it is about (or ""); the API
    answers it 400 with the reason (api.on_service_error)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message, field=field or None)


# ------------------------------------------------------------------------------- weeks


def zone_of(user: User) -> ZoneInfo:
    profile = getattr(user, "profile", None)
    try:
        return ZoneInfo(getattr(profile, "time_zone", "") or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def week_of(moment: datetime, zone: tzinfo) -> str:
    """The ISO week of an aware moment on a person's own clock: "2027-W11"."""
    iso = moment.astimezone(zone).isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def previous_week(moment: datetime, zone: tzinfo) -> str:
    return week_of(moment - timedelta(days=7), zone)


# ------------------------------------------------------------------------------- the pool


@dataclass(frozen=True)
class Preferences:
    """What a person asks of a buddy (the pool form and the API)."""

    max_offset_hours: int
    checkin_day: int
    field: str
    field_wish: str
    stage: int
    languages: Sequence[str]


def _checked(prefs: Preferences) -> Preferences:
    if not 0 <= prefs.max_offset_hours <= 12:
        raise BuddyError("Choose a time-zone window from 0 to 12 hours.", "max_offset_hours")
    if prefs.checkin_day not in Weekday.values:
        raise BuddyError("Choose a day of the week.", "checkin_day")
    if prefs.field not in WorkField.values:
        raise BuddyError("Choose your field.", "field")
    if prefs.field_wish not in FieldWish.values:
        raise BuddyError("Choose same field, another field, or either.", "field_wish")
    if prefs.stage not in SearchStage.values:
        raise BuddyError("Choose the stage of your search.", "stage")
    langs = list(dict.fromkeys(prefs.languages))
    if not langs or len(langs) > MAX_LANGUAGES or any(code not in Language.values for code in langs):
        raise BuddyError(f"Choose one to {MAX_LANGUAGES} languages from the list.", "languages")
    return Preferences(prefs.max_offset_hours, prefs.checkin_day, prefs.field, prefs.field_wish, prefs.stage, langs)


@transaction.atomic
def pool_join(*, user: User, group: Group | None, preferences: Preferences) -> PoolEntry:
    """Put the user in a pool (the group's, or the platform's when `group` is None) with these
    preferences; already in one, this changes the pool and the preferences. The caller has
    checked the group (permissions.group_for_pool). Raises BuddyError for a bad preference, and
    for a group's pool where the user goes by a pseudonym: buddies see each other's profile,
    which would tie the pseudonym to them (groups/identity.py; issue 12, item 4).
    """
    if group is not None and pseudonyms(group.pk, [user.pk]):
        raise BuddyError(PSEUDONYM_POOL)
    prefs = _checked(preferences)
    entry = PoolEntry.objects.select_for_update().filter(user=user, left_at__isnull=True).first()
    fields = {"group": group, "max_offset_hours": prefs.max_offset_hours, "checkin_day": prefs.checkin_day,
              "field": prefs.field, "field_wish": prefs.field_wish, "stage": prefs.stage,
              "languages": list(prefs.languages)}  # fmt: skip
    if entry is None:
        try:
            with transaction.atomic():
                return PoolEntry.objects.create(user=user, waiting_reason="pending", **fields)
        except IntegrityError:  # a second tab joined first: change that entry instead
            entry = PoolEntry.objects.select_for_update().get(user=user, left_at__isnull=True)
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.save(update_fields=list(fields))
    return entry


@transaction.atomic
def pool_leave(*, user: User, now: datetime | None = None) -> bool:
    """Take the user out of their pool; an open pair of theirs ends too (the buddy is told
    gently and stays in the pool for a new match). False when they were in none."""
    moment = now or timezone.now()
    entry = PoolEntry.objects.select_for_update().filter(user=user, left_at__isnull=True).first()
    if entry is None:
        return False
    entry.left_at = moment
    entry.save(update_fields=["left_at"])
    for pair in BuddyPair.objects.filter(members__user=user, ended_at__isnull=True):
        _end(pair, user, moment)
    return True


def pool_leave_group(*, user: User, group: Group, now: datetime | None = None) -> bool:
    """The user is no longer an active member of `group` (left, removed, banned: the groups
    app's membership_ended, connected in apps.py): their entry in that group's pool closes and
    their open pair made in that pool ends kindly (the buddy is told gently and waits for a new
    match at the next run), so no nudge or offer follows. An entry in the platform's pool or in
    another group's stays. Runs inside the caller's transaction. False when nothing was open."""
    moment = now or timezone.now()
    closed = PoolEntry.objects.filter(user=user, group=group, left_at__isnull=True).update(left_at=moment)
    pairs = list(BuddyPair.objects.select_for_update().filter(group=group, members__user=user, ended_at__isnull=True))
    for pair in pairs:
        _end(pair, user, moment)
    return bool(closed or pairs)


def account_closed(*, user: User, now: datetime | None = None) -> None:
    """A deactivated account leaves every pool and pair at once (accounts' account_deactivated,
    connected in apps.py): its buddies are told gently, as when someone leaves the pool."""
    with transaction.atomic():
        pool_leave(user=user, now=now)
        moment = now or timezone.now()
        for pair in BuddyPair.objects.select_for_update().filter(members__user=user, ended_at__isnull=True):
            _end(pair, user, moment)


# ------------------------------------------------------------------------------- pairs


def _end(pair: BuddyPair, user: User, moment: datetime) -> None:
    pair.ended_at = moment
    pair.ended_by = user
    pair.save(update_fields=["ended_at", "ended_by"])
    others = list(pair.members.exclude(user=user).values_list("user_id", flat=True))
    PoolEntry.objects.filter(user_id__in=others, left_at__isnull=True).update(waiting_reason="pending")
    events.pair_ended(pair, ended_by=user, others=others)


@transaction.atomic
def pair_end(*, user: User, pair: BuddyPair, now: datetime | None = None) -> None:
    """End the user's open pair kindly: the others are told gently and stay in the pool for a
    new match at the next run; the user stays in their pool too (pool_leave takes them out).
    The caller has checked membership (permissions.pair_for_member)."""
    pair = BuddyPair.objects.select_for_update().get(pk=pair.pk)
    if not pair.is_open:
        raise BuddyError("This pairing has already ended.")
    _end(pair, user, now or timezone.now())
    PoolEntry.objects.filter(user=user, left_at__isnull=True).update(waiting_reason="pending")


def pairs_end_for_block(*, a: User, b: User, now: datetime | None = None) -> int:
    """A block came between a and b (accounts.blocks.block_made): their open pairing, if any,
    ends kindly, as "end pairing" does (_end: the others are told gently, and everyone stays
    in the pool for a new match); a trio ends whole, as when anyone ends it. Ended as by `a`
    (the blocker). Returns how many pairs ended."""
    moment = now or timezone.now()
    with transaction.atomic():
        shared = BuddyPair.objects.filter(members__user=a, ended_at__isnull=True).filter(members__user=b)
        pairs = list(BuddyPair.objects.select_for_update().filter(pk__in=shared.values("pk")))
        for pair in pairs:
            _end(pair, a, moment)
        if pairs:
            PoolEntry.objects.filter(user=a, left_at__isnull=True).update(waiting_reason="pending")
    return len(pairs)


def open_pair_of(user: User) -> BuddyPair | None:
    return BuddyPair.objects.filter(members__user=user, ended_at__isnull=True).first()


# ------------------------------------------------------------------------------- check-ins


def _text(value: str, *, field: str, max_length: int, multiline: bool = True, required: bool = False) -> str:
    try:
        text = clean_text(value, multiline=multiline, max_length=max_length).strip()
    except TextError as exc:
        raise BuddyError(exc.reason, field) from None
    if required and not text:
        raise BuddyError("Write at least one thing you'll do this week.", field)
    return text


@transaction.atomic
def checkin_save(
    *,
    author: User,
    pair: BuddyPair,
    commitments: str,
    last_week: str = "",
    last_week_note: str = "",
    activities: Iterable[str] = (),
    now: datetime | None = None,
) -> CheckIn:
    """Write (or rewrite) the author's check-in for this week (their own time zone): this
    week's commitments, one per line, and how last week's went (Progress, or "" when there was
    no last week), optionally with public ids of tracker activities of their own. The buddy is
    told after commit the first time only. Raises BuddyError for a closed pair or bad input."""
    moment = now or timezone.now()
    pair = BuddyPair.objects.select_for_update().get(pk=pair.pk)
    if not pair.is_open or not pair.members.filter(user=author).exists():
        raise BuddyError("This pairing has ended: start a new one from the buddy page.")
    text = _text(commitments, field="commitments", max_length=2000, required=True)
    note = _text(last_week_note, field="last_week_note", max_length=1000)
    if last_week not in ("", *Progress.values):
        raise BuddyError("Choose done, partly or not done.", "last_week")
    wanted = list(dict.fromkeys(activities))
    if len(wanted) > MAX_ACTIVITIES:
        raise BuddyError(f"Link at most {MAX_ACTIVITIES} activities.", "activities")
    found = list(Activity.objects.filter(owner=author, public_id__in=wanted))
    if len(found) != len(wanted):
        raise BuddyError("Link only activities from your own tracker.", "activities")
    week = week_of(moment, zone_of(author))
    checkin, created = CheckIn.objects.update_or_create(
        pair=pair, author=author, week=week,
        defaults={"commitments": text, "last_week": last_week, "last_week_note": note},
    )  # fmt: skip
    checkin.activities.set(found)
    if created:
        events.checkin_posted(checkin)
    return checkin


@transaction.atomic
def checkin_reply(*, author: User, checkin: CheckIn, reaction: str = "", text: str = "") -> CheckInReply:
    """A buddy's reaction (Reaction) and/or words on a check-in of the other's. The caller has
    checked access (permissions.may_reply). Raises BuddyError when both are empty or bad."""
    if reaction not in ("", *Reaction.values):
        raise BuddyError("Choose one of the reactions.", "reaction")
    words = _text(text, field="text", max_length=1000)
    if not reaction and not words:
        raise BuddyError("Pick a reaction or write a reply.", "text")
    reply = CheckInReply.objects.create(checkin=checkin, author=author, reaction=reaction, text=words)
    events.checkin_replied(reply)
    return reply


# ------------------------------------------------------------------------------- matching


def _terms(text: str) -> frozenset[str]:
    return frozenset(t.strip().casefold() for t in text.split(",") if t.strip())


def _by_visibility(profile: Profile, field: str) -> tuple[frozenset[str], frozenset[str]]:
    terms = _terms(getattr(profile, field))
    level = profile.visibility_of(field)
    if level == Visibility.EVERYONE:
        return terms, frozenset()
    if level == Visibility.MEMBERS:
        return frozenset(), terms
    return frozenset(), frozenset()


def person_of(
    entry: PoolEntry, memberships: Sequence[Membership], recent: Iterable[int], moment: datetime
) -> matching.Person:
    """The matching's view of one entry: its preferences, the owner's UTC offset at `moment`,
    groups, and only the profile terms others may see (target roles and industries; expertise)."""
    profile = entry.user.profile
    offset = moment.astimezone(zone_of(entry.user)).utcoffset() or timedelta()
    roles_pub, roles_mem = _by_visibility(profile, "target_roles")
    ind_pub, ind_mem = _by_visibility(profile, "industries")
    exp_pub, exp_mem = _by_visibility(profile, "expertise")
    return matching.Person(
        key=entry.user_id,
        utc_offset=int(offset.total_seconds() // 60),
        max_offset_hours=entry.max_offset_hours,
        checkin_day=entry.checkin_day,
        stage=entry.stage,
        field=entry.field,
        field_preference=entry.field_wish,
        languages=frozenset(entry.languages),
        groups=frozenset(m.group_id for m in memberships),
        closed_groups=frozenset(m.group_id for m in memberships if m.admission in VETTED_ADMISSIONS),
        targets_public=roles_pub | ind_pub,
        targets_members=roles_mem | ind_mem,
        expertise_public=exp_pub,
        expertise_members=exp_mem,
        recent=frozenset(recent),
    )


def pool_entries(group: Group | None) -> list[PoolEntry]:
    """The open entries of a pool whose owners can be paired now: active accounts, without an
    open pair, and (for a group's pool) still active members of the group who do not go by a
    pseudonym there (pool_join: a pairing shows profiles)."""
    qs = PoolEntry.objects.filter(group=group, left_at__isnull=True, user__is_active=True).exclude(
        user__in=PairMember.objects.filter(pair__ended_at__isnull=True).values("user_id")
    )
    if group is not None:
        members = Membership.objects.filter(group=group, state=MembershipState.ACTIVE, pseudonym="")
        qs = qs.filter(user__in=members.values("user_id"))
    return list(qs.select_related("user__profile").order_by("user_id"))


def _recent_partners(user_ids: list[int], since: datetime) -> dict[int, set[int]]:
    rows = PairMember.objects.filter(pair__started_at__gte=since, pair__members__user_id__in=user_ids).values_list(
        "pair_id", "user_id"
    )
    by_pair: dict[int, set[int]] = defaultdict(set)
    for pair_id, user_id in rows:
        by_pair[pair_id].add(user_id)
    out: dict[int, set[int]] = defaultdict(set)
    for members in by_pair.values():
        for u in members:
            out[u] |= members - {u}
    return out


def seed_for(group: Group | None, moment: datetime) -> int:
    """A run's seed: from the pool and the week, so a rerun of the same week is the same."""
    text = f"{group.pk if group else 0}:{moment.isocalendar().year}-{moment.isocalendar().week}"
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=6).digest(), "big")


def matching_run(
    *, group: Group | None, week: str = "", requested_by: User | None = None, now: datetime | None = None
) -> MatchRun | None:
    """Pair everyone in the pool who can be paired now (pool_entries) by maximum-weight
    matching (matching.match) and record the pairs, the trios and who waits and why. A
    scheduled run names its `week` and happens once per pool and week: a second call for the
    same week returns None. A run with nobody to pair records nothing and returns None (a run
    on demand needs MIN_TO_MATCH people waiting, a scheduled one anyone). Each new member is
    told about their buddy after commit."""
    moment = now or timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                run = MatchRun.objects.create(group=group, week=week, requested_by=requested_by,
                                              seed=seed_for(group, moment), started_at=moment)  # fmt: skip
        except IntegrityError:
            return None
        entries = pool_entries(group)
        # Nobody to pair (a run on demand with fewer than two waiting, e.g. a second click, or a
        # scheduled one with nobody waiting): no empty row in "Last runs". A scheduled run with one
        # person still records it, so they read why they wait ("alone").
        if len(entries) < (1 if week else MIN_TO_MATCH):
            run.delete()
            return None
        user_ids = [e.user_id for e in entries]
        memberships: dict[int, list[Membership]] = defaultdict(list)
        for m in Membership.objects.filter(user_id__in=user_ids, state=MembershipState.ACTIVE).select_related("group"):
            memberships[m.user_id].append(m)
        recent = _recent_partners(user_ids, moment - timedelta(days=matching.RECENT_DAYS))
        # Two people with a block between them (accounts.blocks) are never paired: they ride on
        # the matching's "recent" rule, the same never-pair constraint, so that a person who
        # waits because of it reads the same reason as after a recent pairing, never a block.
        for apart in blocks.pairs_among(user_ids):
            one, other = tuple(apart)
            recent[one].add(other)
            recent[other].add(one)
        people = [person_of(e, memberships[e.user_id], recent.get(e.user_id, ()), moment) for e in entries]
        result = matching.match(people, seed=run.seed)
        by_key = {p.key: p for p in people}
        entry_of = {e.user_id: e for e in entries}
        group_names = {m.group_id: m.group.name for ms in memberships.values() for m in ms}
        made: list[BuddyPair] = []
        trio_of = {(a, b): c for a, b, c in result.trios}
        for a, b in result.pairs:
            ea = entry_of[a]
            weight = matching.score(by_key[a], by_key[b]) or 0
            pair = BuddyPair.objects.create(
                group=group, run=run, checkin_day=ea.checkin_day, score=weight, started_at=moment
            )
            keys = [a, b] + ([trio_of[(a, b)]] if (a, b) in trio_of else [])
            for key in keys:
                others = [by_key[k] for k in keys if k != key]
                PairMember.objects.create(
                    pair=pair, user_id=key, joined_as_third=key not in (a, b),
                    reasons=[explain(by_key[key], o, entry_of[o.key], group_names, pair.checkin_day) for o in others],
                )  # fmt: skip
            made.append(pair)
        paired = {k for pair in result.pairs for k in pair} | {c for _, _, c in result.trios}
        for e in entries:
            reason = "" if e.user_id in paired else result.waiting.get(e.user_id, "outmatched")
            if e.waiting_reason != reason:
                PoolEntry.objects.filter(pk=e.pk).update(waiting_reason=reason)
        run.method, run.pool_size, run.pairs_made = result.method, len(people), len(made)
        run.waiting, run.total, run.upper_bound = len(result.waiting), result.total, result.upper_bound
        run.finished_at = timezone.now()
        run.save()
        for pair in made:
            events.pair_made(pair)
    return run


def explain(me: matching.Person, other: matching.Person, other_entry: PoolEntry, group_names: dict[int, str],
            day: int) -> str:  # fmt: skip
    """Why `other` was picked for `me`, in words, from what each may see of the other:
    "You both target product roles; 7 h of overlap in your days; you both check in on Tuesdays"."""
    name = other_entry.user.display_name
    parts: list[str] = []
    shared = sorted(me.targets_seen_by(other) & other.targets_seen_by(me))
    if shared:
        parts.append(f"you both target {_words(shared)}")
    theirs = sorted(other.expertise_seen_by(me) & me.targets_seen_by(other))
    if theirs:
        parts.append(f"{name} knows {_words(theirs)}, which you're after")
    mine = sorted(me.expertise_seen_by(other) & other.targets_seen_by(me))
    if mine:
        parts.append(f"you know {_words(mine)}, which {name} is after")
    hours = matching.overlap_hours(me, other)
    when = (
        f"on {Weekday(day).label}s"
        if me.checkin_day == other.checkin_day
        else f"(you'll check in on {Weekday(day).label}s)"
    )
    parts.append(f"{hours} h of overlap in your days {when}")
    if me.stage == other.stage:
        parts.append(f"you're both at the same stage: {SearchStage(me.stage).label.lower()}")
    if me.field == other.field:
        parts.append(f"you're both in {WorkField(me.field).label.lower()}")
    elif me.field_preference == matching.DIFFERENT:
        parts.append(f"a view from {WorkField(other.field).label.lower()}, as you asked")
    common = sorted(group_names[g] for g in me.groups & other.groups if g in group_names)
    if common:
        parts.append(f"you're both in {_words(common[:2])}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _words(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]

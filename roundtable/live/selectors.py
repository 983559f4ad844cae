"""Reads of the live room that cross relations: continuity between meetings, history, summaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery

from roundtable.accounts.models import PRIVATE_FIELDS, SearchStatus, User
from roundtable.accounts.permissions import Viewer, visible_profile_fields
from roundtable.groups.models import Group, Membership
from roundtable.safety.hiding import visible
from roundtable.safety.models import ReportKind

from .models import Commitment, CommitmentStatus, HistorySharing, Participant, Roundtable, Suggestion, Turn, TurnStatus


def _turns_in_group(user: User, group: Group) -> QuerySet[Turn]:
    return Turn.objects.filter(user=user, roundtable__meeting__group=group)


def previous_turns(user_id: int, group_id: int, before_roundtable: Roundtable) -> QuerySet[Turn]:
    """The member's turns taken at earlier meetings of this group, the latest first: the first
    is the one whose challenge and commitments the next turn follows up."""
    return (
        Turn.objects.filter(
            user_id=user_id,
            roundtable__meeting__group_id=group_id,
            status=TurnStatus.DONE,
            roundtable__meeting__starts_at__lt=before_roundtable.meeting.starts_at,
        )
        .exclude(roundtable=before_roundtable)
        .order_by("-roundtable__meeting__starts_at", "-id")
    )


def _author_pseudonym(person: str = "author_id") -> Subquery:
    """A suggestion's author's (or, person="starred_by_id", its starrer's) pseudonym in the group
    of its meeting ("" or None for none; groups/identity.py): templates name the author
    `{% firstof s.author_pseudonym s.author.display_name %}`."""
    return Subquery(
        Membership.objects.filter(
            user_id=OuterRef(person), group_id=OuterRef("turn__roundtable__meeting__group_id")
        ).values("pseudonym")[:1]
    )


def _with_history(turns: QuerySet[Turn]) -> QuerySet[Turn]:
    """Turns taken or under way, newest first, each with `challenge` (absent when none was
    written: use getattr(turn, "challenge", None)), `starred_suggestions` (with the profiles of
    their authors and of whoever starred them) and `commitment_list` (with review status): three queries in all."""
    starred = (
        visible(Suggestion.objects.filter(starred=True), ReportKind.SUGGESTION)
        .select_related("author__profile", "starred_by__profile")
        .annotate(author_pseudonym=_author_pseudonym(), starred_by_pseudonym=_author_pseudonym("starred_by_id"))
        .order_by("created_at", "id")
    )
    return (
        turns.filter(status__in=[TurnStatus.DONE, TurnStatus.ACTIVE])
        .select_related("challenge", "roundtable__meeting__group")
        .prefetch_related(
            Prefetch("suggestions", queryset=starred, to_attr="starred_suggestions"),
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related("reviewed_in__meeting").order_by("created_at", "id"),
                to_attr="commitment_list",
            ),
        )
        .order_by("-roundtable__meeting__starts_at", "-id")
    )


def member_history(user: User, group: Group) -> list[Turn]:
    """The member's turns over this group's meetings (see _with_history).
    Callers check permissions.history_visible first."""
    return list(_with_history(_turns_in_group(user, group)))


def my_history(user: User) -> list[tuple[Group, list[Turn]]]:
    """The member's own turns in every group, grouped by group (groups by name), in three
    queries however many groups there are. Only for the member themselves."""
    by_group: dict[int, tuple[Group, list[Turn]]] = {}
    for turn in _with_history(Turn.objects.filter(user=user)):
        group = turn.roundtable.meeting.group
        by_group.setdefault(group.pk, (group, []))[1].append(turn)
    return sorted(by_group.values(), key=lambda pair: (pair[0].name.casefold(), pair[0].pk))


def sharing_history(user_ids: list[int]) -> set[int]:
    """Which of these people let the facilitators of their groups see their roundtable history
    (one query): facilitators' member lists link to it."""
    return set(
        HistorySharing.objects.filter(user_id__in=user_ids, share_with_facilitators=True).values_list(
            "user_id", flat=True
        )
    )


@dataclass
class PersonSeen:
    user_id: int
    public_id: str  # for the profile link
    # visible_profile_fields(viewer, profile): display_name always, the rest as the owner allows.
    fields: dict[str, str]


@dataclass
class TurnSummary:
    roundtable: Roundtable
    turn: Turn | None
    challenge: str = ""
    starred: list[Suggestion] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    people: list[PersonSeen] = field(default_factory=list)


def turn_summary(roundtable: Roundtable, user: User) -> TurnSummary:
    """What the after-meeting summary for one participant shows: their turn, and the other
    people who were in the room with only what each profile lets this participant see.
    Profile checks cost at most one query per person (visible_profile_fields)."""
    turn = (
        Turn.objects.filter(roundtable=roundtable, user=user)
        .select_related("challenge")
        .prefetch_related(
            Prefetch(
                "suggestions",
                queryset=visible(Suggestion.objects.filter(starred=True), ReportKind.SUGGESTION)
                .select_related("author__profile", "starred_by__profile")
                .annotate(author_pseudonym=_author_pseudonym(), starred_by_pseudonym=_author_pseudonym("starred_by_id"))
                .order_by("created_at", "id"),
                to_attr="starred_suggestions",
            ),
            Prefetch(
                "commitments", queryset=Commitment.objects.order_by("created_at", "id"), to_attr="commitment_list"
            ),
        )
        .first()
    )
    others = (
        Participant.objects.filter(roundtable=roundtable)
        .exclude(user=user)
        .select_related("user__profile")
        .order_by("joined_at", "id")
    )
    viewer: Viewer = user
    # People who go by a pseudonym in the group are left out: this list links profiles.
    others = others.exclude(
        user_id__in=Membership.objects.filter(group_id=roundtable.meeting.group_id)
        .exclude(pseudonym="")
        .values("user_id")
    )
    people = [
        PersonSeen(user_id=p.user_id, public_id=p.user.public_id, fields=visible_profile_fields(viewer, p.user.profile))
        for p in others
        if p.user.is_active
    ]
    if turn is None:
        return TurnSummary(roundtable=roundtable, turn=None, people=people)
    challenge = getattr(turn, "challenge", None)
    return TurnSummary(
        roundtable=roundtable,
        turn=turn,
        challenge=challenge.text if challenge is not None else "",
        starred=list(turn.starred_suggestions),  # type: ignore[attr-defined]
        commitments=list(turn.commitment_list),  # type: ignore[attr-defined]
        people=people,
    )


# Labels for the private profile fields shown on summaries (page and email).
FIELD_LABELS = {
    "headline": "Headline",
    "location": "Location",
    "search_status": "Job search",
    "target_roles": "Looking for",
    "industries": "Industries",
    "expertise": "Can help with",
    "can_introduce": "Can introduce to",
    "pitch": "Introduction",
    "current_company": "Works at",
    "past_companies": "Worked at",
    "target_companies": "Wants a role at",
}
# A new private field needs a label here.
assert set(FIELD_LABELS) == set(PRIVATE_FIELDS)


def people_rows(summary: TurnSummary) -> list[dict[str, Any]]:
    """The people present, each with the labelled fields their profile lets the viewer see."""
    out = []
    for person in summary.people:
        fields = person.fields
        rows = []
        for key, label in FIELD_LABELS.items():
            value = fields.get(key, "")
            if key == "search_status" and value:
                value = SearchStatus(value).label if value in SearchStatus.values else value
            if value:
                rows.append({"label": label, "value": value})
        out.append(
            {"user_id": person.user_id, "public_id": person.public_id, "name": fields["display_name"], "rows": rows}
        )
    return out


def open_commitments(user: User, *, limit: int = 5) -> list[Commitment]:
    """The person's own commitments not yet reviewed, those with the nearest due date first
    (undated ones last), each with its turn's meeting and group; one query. Owner-only:
    only ever called with the signed-in person."""
    return list(
        Commitment.objects.filter(user=user, status=CommitmentStatus.OPEN)
        .select_related("turn__roundtable__meeting__group")
        .order_by(F("due_on").asc(nulls_last=True), "created_at", "id")[:limit]
    )

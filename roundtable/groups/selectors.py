"""Reads of groups that cross relations: discovery, dashboards, member lists."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, FloatField, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import ExpressionWrapper, Value
from django.utils import timezone
from django.utils.functional import cached_property

from roundtable.accounts.models import Profile, User

from .models import Format, Group, GroupVisibility, Membership, MembershipRole, MembershipState, Topic
from .permissions import Viewer, discoverable_groups
from .places import EARTH_RADIUS_KM, Place, bounding_box, distance_words, haversine_km
from .search import apply_text_search, terms

PAGE_SIZE = 20
KM_PER_DEGREE = math.pi / 180 * EARTH_RADIUS_KM
DEFAULT_COUNT_CAP = 1000


def count_cap() -> int:
    """Discovery counts stop here ("1,000+ groups"): counting 45,000 matches costs 45 ms."""
    return int(getattr(settings, "ROUNDTABLE_DISCOVERY_COUNT_CAP", DEFAULT_COUNT_CAP))


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap`; `capped` says whether there were more.

    The pages stop there too, so `num_pages` always agrees with `count`.
    """

    def __init__(self, object_list: QuerySet[Group], per_page: int, *, cap: int) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        qs: QuerySet[Group] = self.object_list  # type: ignore[assignment]
        return qs.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @cached_property
    def capped(self) -> bool:
        return self._counted > self.cap


@dataclass
class DiscoveryFilters:
    q: str = ""
    kind: str = ""
    format: str = ""
    online_only: bool = False
    near: Place | None = None
    radius_km: float = 40.0
    audience: str = ""
    topic: str = ""
    sort: str = "relevance"
    page: int = 1
    # The unit distances are shown in ("km" or "mi"), as the person chose it.
    unit: str = "km"


@dataclass
class GroupResult:
    group: Group
    distance_km: float | None = None
    reasons: list[str] = field(default_factory=list)
    # distance_km in words and in the viewer's unit ("3 miles away"); "" when unknown.
    distance: str = ""


def _viewer_profile(viewer: Viewer) -> Profile | None:
    if not viewer.is_authenticated:
        return None
    return Profile.objects.filter(user=viewer).prefetch_related("interests").first()


def within_radius(qs: QuerySet[Group], place: Place, radius_km: float) -> QuerySet[Group]:
    """Groups within radius_km of place, annotated with `dist2` (for ordering by distance)."""
    lat0, lon0 = place.latitude, place.longitude
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat0, lon0, radius_km)
    cos0 = math.cos(math.radians(lat0))
    # Equirectangular distance in degrees, squared: plain arithmetic that both
    # databases evaluate fast; exact to well under 1% at these radii.
    dist2 = ExpressionWrapper(
        (F("latitude") - Value(lat0)) * (F("latitude") - Value(lat0))
        + (F("longitude") - Value(lon0)) * Value(cos0) * (F("longitude") - Value(lon0)) * Value(cos0),
        output_field=FloatField(),
    )
    return (
        qs.filter(latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lon, longitude__lte=max_lon)
        .annotate(dist2=dist2)
        .filter(dist2__lte=(radius_km / KM_PER_DEGREE) ** 2)
    )


def discover(viewer: Viewer, f: DiscoveryFilters) -> tuple[Page, list[GroupResult]]:
    """Groups this viewer may discover, filtered, sorted and paginated.

    A fixed number of queries whatever the data size: count (capped), page, topics of
    the page (and the viewer's profile when signed in; and a capped count of full-text
    matches when searching without a place, which decides whether to rank).
    """
    # Archived groups take no one new, so discovery never offers them (issue 9); their
    # members still find them under My groups.
    qs: QuerySet[Group] = discoverable_groups(viewer).filter(archived_at__isnull=True)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.online_only:
        qs = qs.filter(format=Format.VIRTUAL)
    elif f.format:
        qs = qs.filter(format=f.format)
    if f.audience:
        qs = qs.filter(audience__icontains=f.audience)
    if f.topic:
        # EXISTS instead of a join: no duplicate rows, so no DISTINCT over every match.
        tagged = Group.topics.through.objects.filter(group_id=OuterRef("pk"), topic__slug=f.topic)
        qs = qs.filter(Exists(tagged))
    ordering: list[str] = []
    if f.near is not None:
        qs = within_radius(qs, f.near, f.radius_km)
    ranked = False
    if terms(f.q):
        # Near a place distance decides the order, and "newest" is by date: no ranking.
        search = apply_text_search(qs, f.q, allow_rank=f.near is None and f.sort != "newest")
        qs, ranked = search.qs, search.ranked
    if f.sort == "distance" and f.near is not None:
        ordering = ["dist2", "id"]
    elif f.sort == "newest":
        ordering = ["-created_at", "-id"]
    elif ranked:
        ordering = ["rank", "-member_count", "id"]
    elif f.near is not None:
        ordering = ["dist2", "id"]
    else:
        ordering = ["-member_count", "id"]
    qs = qs.order_by(*ordering).prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
    paginator = CappedPaginator(qs, PAGE_SIZE, cap=count_cap())
    page = paginator.get_page(f.page)
    profile = _viewer_profile(viewer)
    results = [_result(g, f, profile) for g in page.object_list]
    return page, results


def _result(group: Group, f: DiscoveryFilters, profile: Profile | None) -> GroupResult:
    res = GroupResult(group=group)
    if group.latitude is not None and group.longitude is not None:
        origin: tuple[float, float] | None = None
        if f.near is not None:
            origin = (f.near.latitude, f.near.longitude)
        elif profile is not None and profile.latitude is not None and profile.longitude is not None:
            origin = (profile.latitude, profile.longitude)
        if origin is not None:
            res.distance_km = haversine_km(origin[0], origin[1], group.latitude, group.longitude)
            res.distance = distance_words(res.distance_km, f.unit)
    if profile is not None:
        interests = {t.id for t in profile.interests.all()}
        shared = [t.name for t in group.topics.all() if t.id in interests]
        if shared:
            res.reasons.append("On topics you follow: " + ", ".join(shared[:3]))
        if res.distance_km is not None and res.distance_km <= 40:
            res.reasons.append(f"Near you: {res.distance}")
        if group.format in (Format.VIRTUAL, Format.HYBRID):
            res.reasons.append("You can join online")
    return res


def members_of(group: Group) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(group=group, state=MembershipState.ACTIVE)
        .select_related("user__profile")
        .order_by("-role", "user__profile__display_name", "id")
    )


def facilitators_of(group: Group) -> QuerySet[Membership]:
    return members_of(group).filter(role=MembershipRole.FACILITATOR)


def pending_requests(group: Group) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(group=group, state=MembershipState.PENDING)
        .select_related("user__profile")
        .order_by("created_at", "id")
    )


def banned_of(group: Group) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(group=group, state=MembershipState.BANNED)
        .select_related("user__profile")
        .order_by("-decided_at", "id")
    )


def my_groups(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, state__in=[MembershipState.ACTIVE, MembershipState.PENDING])
        .select_related("group")
        .order_by("-role", "group__name")
    )


def pending_counts(group_ids: list[int]) -> dict[int, int]:
    rows = (
        Membership.objects.filter(group_id__in=group_ids, state=MembershipState.PENDING)
        .values("group_id")
        .annotate(n=Count("id"))
    )
    return {r["group_id"]: r["n"] for r in rows}


def popular_topics(limit: int = 30) -> list[Topic]:
    """Topics for the discovery filter: only those of listed groups.

    Topics also come from people's interests and from secret groups; listing those
    to everyone would publish what their owners kept private.
    """
    listed = Group.topics.through.objects.filter(topic_id=OuterRef("pk"), group__visibility=GroupVisibility.LISTED)
    return list(Topic.objects.filter(Exists(listed)).order_by("name")[:limit])


def _tagged_groups(groups: QuerySet[Group]) -> Exists:
    return Exists(Group.topics.through.objects.filter(topic_id=OuterRef("pk"), group_id__in=groups.values("pk")))


def _tagged_talks(groups: QuerySet[Group]) -> Exists:
    # Talk lives in meetings, above this app: reach its topic table through the reverse
    # relation rather than an import.
    through = Topic.talks.through  # type: ignore[attr-defined]
    return Exists(through.objects.filter(topic_id=OuterRef("pk"), talk__meeting__group_id__in=groups.values("pk")))


def visible_topics(viewer: Viewer) -> QuerySet[Topic]:
    """Topics this viewer may know exist: those of groups, or of talks in groups, that the
    viewer may discover (listed ones, and hidden ones the viewer is an active member of).
    Every list of topics shown to someone starts here (design.md, "Privacy, precisely")."""
    groups = discoverable_groups(viewer)
    return Topic.objects.filter(_tagged_groups(groups) | _tagged_talks(groups))


def talk_topics_listed() -> QuerySet[Topic]:
    """Topics of talks in listed groups: the filter of the talks page, which lists only those."""
    listed = Group.objects.filter(visibility=GroupVisibility.LISTED)
    return Topic.objects.filter(_tagged_talks(listed)).order_by("name")


def public_topics() -> QuerySet[Topic]:
    """Topics anyone may know exist, whoever asks: those of listed groups and of their
    talks, and those on people's profiles (interests are shown to everyone)."""
    listed = Group.objects.filter(visibility=GroupVisibility.LISTED)
    interested = Profile.interests.through.objects.filter(topic_id=OuterRef("pk"), profile__user__is_active=True)
    return Topic.objects.filter(_tagged_groups(listed) | _tagged_talks(listed) | Exists(interested))


def requests_waiting_for(user: User) -> list[Group]:
    """Groups the person facilitates that have requests to join waiting, each with
    `waiting` (the count), most waiting first; one query."""
    facilitated = Membership.objects.filter(
        user=user, state=MembershipState.ACTIVE, role=MembershipRole.FACILITATOR
    ).values("group_id")
    return list(
        Group.objects.filter(pk__in=facilitated)
        .annotate(waiting=Count("memberships", filter=Q(memberships__state=MembershipState.PENDING)))
        .filter(waiting__gt=0)
        .order_by("-waiting", "name")
    )


def my_requests(user: User) -> list[Membership]:
    """The person's own requests to join that await a facilitator, oldest first."""
    return list(
        Membership.objects.filter(user=user, state=MembershipState.PENDING)
        .select_related("group")
        .order_by("created_at", "id")
    )


def meetings_ahead_count(group: Group) -> int:
    """Scheduled meetings of the group that have not started: what archiving would cancel."""
    from roundtable.meetings.models import Meeting, MeetingStatus

    return Meeting.objects.filter(group=group, starts_at__gt=timezone.now(), status=MeetingStatus.SCHEDULED).count()


def groups_left_without_facilitator(membership_ids: set[int]) -> list[Group]:
    """The groups that would have no active facilitator once the memberships `membership_ids`
    stop being active facilitators (deleted, made members, removed, moved): the admin refuses
    such a change as the pages do (issue 9, "a group is never orphaned"). Archived groups
    need nobody to run them and are never listed."""
    if not membership_ids:
        return []
    going = Membership.objects.filter(
        pk__in=membership_ids, state=MembershipState.ACTIVE, role=MembershipRole.FACILITATOR
    ).values("group_id")
    staying = Membership.objects.filter(
        group=OuterRef("pk"), state=MembershipState.ACTIVE, role=MembershipRole.FACILITATOR
    ).exclude(pk__in=membership_ids)
    return list(Group.objects.filter(pk__in=going, archived_at__isnull=True).exclude(Exists(staying)).order_by("name"))

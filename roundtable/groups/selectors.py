"""Reads of groups that cross relations: discovery, dashboards, member lists."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections, router
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
    prefetch_related_objects,
)
from django.db.models.expressions import ExpressionWrapper, RawSQL, Value
from django.utils import timezone
from django.utils.functional import cached_property

from roundtable.accounts.models import Profile, User

from . import discovery_sql
from .models import Format, Group, GroupVisibility, Membership, MembershipRole, MembershipState, Topic
from .permissions import Viewer, discoverable_groups, discoverable_parts
from .places import EARTH_RADIUS_KM, Place, bounding_box, distance_words, haversine_km
from .search import apply_text_search, count_up_to, terms

PAGE_SIZE = 20
KM_PER_DEGREE = math.pi / 180 * EARTH_RADIUS_KM
DEFAULT_COUNT_CAP = 1000


def count_cap() -> int:
    """Discovery counts stop here ("1,000+ groups"): counting 45,000 matches costs 45 ms."""
    return int(getattr(settings, "ROUNDTABLE_DISCOVERY_COUNT_CAP", DEFAULT_COUNT_CAP))


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap`; `capped` says whether there were more.

    The pages stop there too, so `num_pages` always agrees with `count`: the deepest page
    is cap / per_page (50 by default), so no page walks more than cap rows.
    count_parts are querysets whose rows together are the ones to count, in plans that
    count them fast (default: the object list); counted is a count already made (up to
    cap + 1), which then costs no query at all; count, a function that counts (up to
    cap + 1) in one query, read before the page. rows(bottom, top), when given, reads a
    page's rows in place of slicing the object list, and tells how many rows there are in
    all when that came for free (a query that reads every row to order them), or None.
    """

    def __init__(
        self,
        object_list: QuerySet[Group],
        per_page: int,
        *,
        cap: int,
        count_parts: list[QuerySet[Group]] | None = None,
        counted: int | None = None,
        rows: Callable[[int, int], tuple[list[Group], int | None]] | None = None,
        count: Callable[[], int] | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap
        self._count_parts = count_parts
        self._known = counted
        self._rows = rows
        self._count = count

    @cached_property
    def _counted(self) -> int:
        if self._known is not None:
            return self._known
        if self._count is not None:
            return self._count()
        if self._count_parts:
            return count_up_to(self._count_parts, self.cap + 1)
        qs: QuerySet[Group] = self.object_list  # type: ignore[assignment]
        return qs.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @cached_property
    def capped(self) -> bool:
        return self._counted > self.cap

    def page(self, number: int | str) -> Page:
        early: tuple[int, list[Group]] | None = None
        if self._rows is not None and self._known is None and self._count is None and "_counted" not in self.__dict__:
            # Read the page asked for before counting: its query may tell the count too.
            wanted = self._page_number(number)
            rows, total = self._rows((wanted - 1) * self.per_page, wanted * self.per_page)
            early = (wanted, rows)
            if total is not None and (rows or wanted == 1):
                self._known = min(total, self.cap + 1)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if top <= bottom:
            return Page([], number, self)
        if early is not None and early[0] == number:
            return Page(early[1][: top - bottom], number, self)
        if self._rows is not None:
            return Page(self._rows(bottom, top)[0], number, self)
        return Page(list(self.object_list[bottom:top]), number, self)

    def get_page(self, number: int | float | str | None) -> Page:
        """Paginator.get_page, without counting before the page is read (see page())."""
        try:
            # page() reads a float as validate_number does (a whole one only).
            return self.page(number if number is not None else 1)  # type: ignore[arg-type]
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def _page_number(self, number: int | str) -> int:
        """number as validate_number reads it, without the count: at least 1, at most
        the deepest page the cap allows."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            wanted = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if wanted < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return min(wanted, max(1, math.ceil(self.cap / self.per_page)))


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


def _dist2(place: Place) -> ExpressionWrapper:
    lat0, lon0 = place.latitude, place.longitude
    cos0 = math.cos(math.radians(lat0))
    # Equirectangular distance in degrees, squared: plain arithmetic that both
    # databases evaluate fast; exact to well under 1% at these radii.
    return ExpressionWrapper(
        (F("latitude") - Value(lat0)) * (F("latitude") - Value(lat0))
        + (F("longitude") - Value(lon0)) * Value(cos0) * (F("longitude") - Value(lon0)) * Value(cos0),
        output_field=FloatField(),
    )


def within_radius(qs: QuerySet[Group], place: Place, radius_km: float) -> QuerySet[Group]:
    """Groups within radius_km of place, annotated with `dist2` (for ordering by distance)."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(place.latitude, place.longitude, radius_km)
    return (
        qs.filter(latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lon, longitude__lte=max_lon)
        .annotate(dist2=_dist2(place))
        .filter(dist2__lte=(radius_km / KM_PER_DEGREE) ** 2)
    )


def _filtered(qs: QuerySet[Group], f: DiscoveryFilters) -> QuerySet[Group]:
    """qs narrowed by every filter but the words and the place."""
    # Archived groups take no one new, so discovery never offers them (issue 9); their
    # members still find them under My groups.
    qs = qs.filter(archived_at__isnull=True)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.online_only:
        qs = qs.filter(format=Format.VIRTUAL)
    elif f.format:
        qs = qs.filter(format=f.format)
    if f.audience:
        qs = qs.filter(audience__icontains=f.audience)
    if f.topic:
        # EXISTS instead of a join: no duplicate rows, so no DISTINCT over every match. The
        # topic's id as a scalar subquery, not a join on its slug: PostgreSQL then counts
        # from the topic's links (6 ms at a million groups) instead of walking every group.
        qs = qs.filter(Exists(_topic_links(f.topic).filter(group_id=OuterRef("pk"))))
    return qs


def _topic_links(slug: str) -> QuerySet[Any]:
    """The links of the topic named by slug to its groups (none when there is no such topic)."""
    topic_id = Subquery(Topic.objects.filter(slug=slug).values("id")[:1])
    return Group.topics.through.objects.filter(topic_id=topic_id)  # type: ignore[no-any-return]


def discover(
    viewer: Viewer, f: DiscoveryFilters, *, with_topics: bool = True, keys_only: bool = False
) -> tuple[Page, list[GroupResult]]:
    """Groups this viewer may discover, filtered, sorted and paginated; with_topics=False
    leaves the groups' topics to be fetched by the caller, for the groups it needs them of.
    keys_only=True (with with_topics=False) allows groups that carry only their key and
    place (discovery_sql.KEY_FIELDS; every other field deferred, each read in a query of
    its own if touched): for a caller that shows what it has cached of each group (the
    discovery view's cards) and reads the rest only of the groups not in its cache.

    An anonymous viewer on SQLite gets the same queries from SQL written once
    (discovery_sql.py: building and compiling them was most of an uncached search's
    cost); everyone else gets discover_orm, which is the reference for both.
    """
    alias = router.db_for_read(Group)
    if not viewer.is_authenticated and connections[alias].vendor == "sqlite" and discovery_sql_enabled():
        keys_only = keys_only and not with_topics
        page = discovery_sql.anonymous_page(f, alias, count_cap(), PAGE_SIZE, keys_only=keys_only)
        groups: list[Group] = page.object_list  # type: ignore[assignment]
        if with_topics:
            prefetch_related_objects(groups, Prefetch("topics", queryset=Topic.objects.order_by("name")))
        return page, [_result(g, f, None) for g in groups]
    return discover_orm(viewer, f, with_topics=with_topics)


def with_all_fields(groups: list[Group]) -> list[Group]:
    """The groups with every field: read again in one query when any came with only their
    keys (discover(keys_only=True)), in the same order; a group deleted since its key was
    read is left out."""
    if not any(g.get_deferred_fields() for g in groups):
        return groups
    found = Group.objects.in_bulk([g.pk for g in groups])
    return [found[g.pk] for g in groups if g.pk in found]


def discovery_sql_enabled() -> bool:
    """Setting ROUNDTABLE_DISCOVERY_SQL (default True): False sends anonymous viewers through
    the ORM path too (the tests compare the two)."""
    return bool(getattr(settings, "ROUNDTABLE_DISCOVERY_SQL", True))


def discover_orm(viewer: Viewer, f: DiscoveryFilters, *, with_topics: bool = True) -> tuple[Page, list[GroupResult]]:
    """discover() through the ORM, for every viewer and both engines.

    A fixed number of queries whatever the data size: count (capped), page, topics of
    the page (and the viewer's profile when signed in; and, for a full-text search
    without a place, one query that decides whether to rank: on PostgreSQL it is the
    page's count too).

    The listed groups and a signed-in viewer's own unlisted and secret groups are two
    parts (permissions.discoverable_parts), filtered alike and joined by UNION ALL: the
    listed part walks the indexes of listed groups (migration 0007), the other is a
    handful of rows found through the viewer's memberships.
    """
    listed, hidden = discoverable_parts(viewer)
    listed = _filtered(listed, f)
    hidden = _filtered(hidden, f) if hidden is not None else None
    if f.near is not None:
        listed = within_radius(listed, f.near, f.radius_km)
        hidden = within_radius(hidden, f.near, f.radius_km) if hidden is not None else None
    ranked = False
    cap = count_cap()
    counted: int | None = None
    count_listed = None
    if terms(f.q):
        # Near a place distance decides the order, and "newest" is by date: no ranking.
        search = apply_text_search(
            listed,
            f.q,
            hidden=hidden,
            allow_rank=f.near is None and f.sort != "newest",
            cap=cap,
            near=f.near is not None,
        )
        listed, hidden, ranked = search.listed, search.hidden, search.ranked
        counted, count_listed = search.counted, search.count_listed
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
    qs = listed.order_by(*ordering)
    if hidden is not None:
        qs = qs.union(hidden.order_by(*ordering), all=True).order_by(*ordering)
    if count_listed is None and f.topic and connections[qs.db].vendor == "sqlite":
        # SQLite counts the topic's groups from its links (each group looked up by key,
        # stopping at the cap): walking the groups checked 12,000 of them for 1,000 matches
        # (40 ms at 100,000 groups, against 11). The page still walks the order's index.
        count_listed = listed.filter(pk__in=_topic_links(f.topic).values("group_id"))
    count_parts = [count_listed if count_listed is not None else listed]
    if hidden is not None:
        count_parts.append(hidden)
    rows = None
    if connections[qs.db].vendor == "postgresql":
        rows = _pg_page_rows(listed, hidden, ordering, f.near)
    paginator = CappedPaginator(qs, PAGE_SIZE, cap=cap, count_parts=count_parts, counted=counted, rows=rows)
    page = paginator.get_page(f.page)
    groups: list[Group] = page.object_list  # type: ignore[assignment]
    if with_topics:
        prefetch_related_objects(groups, Prefetch("topics", queryset=Topic.objects.order_by("name")))
    profile = _viewer_profile(viewer)
    results = [_result(g, f, profile) for g in groups]
    return page, results


def _pg_page_rows(
    listed: QuerySet[Group], hidden: QuerySet[Group] | None, ordering: list[str], near: Place | None
) -> Callable[[int, int], tuple[list[Group], int | None]]:
    """How PostgreSQL reads a page (rows from `bottom` to `top` of the two parts in order).

    - Each part stops at `top` before they are joined: PostgreSQL sorts a UNION ALL as a
      whole, so the listed part would otherwise be read and sorted entire (a second at a
      million groups) where its index gives it in order.
    - Near a place, the page's ids come first, from the covering index of listed places
      (migration 0007) alone, then only those rows are read: a place's box holds thousands
      of groups at a million, scattered over the table, and ordering them by distance read
      each one (75 ms against 7 ms). Ordering by distance reads every group in the box, so
      for an anonymous viewer the same query counts them (a window), and the page needs
      no count query of its own.
    """
    if near is not None:
        keys = ["id", *sorted({o.lstrip("-") for o in ordering} - {"id"})]

        def by_ids(bottom: int, top: int) -> tuple[list[Group], int | None]:
            narrow = listed.values(*keys).order_by(*ordering)
            if hidden is None:
                found = list(narrow.annotate(total=Window(Count("pk")))[bottom:top])
                if not found:
                    return [], 0
                ids: list[int] | RawSQL = [r["id"] for r in found]
                total: int | None = found[0]["total"]
            else:
                both = narrow[:top].union(hidden.values(*keys).order_by(*ordering)[:top], all=True)
                sql, params = both.order_by(*ordering)[bottom:top].query.sql_with_params()
                ids = RawSQL(f"SELECT page.id FROM ({sql}) AS page", params)  # noqa: S608, S611 - SQL from the ORM
                total = None
            page = Group.objects.filter(pk__in=ids).annotate(dist2=_dist2(near)).order_by(*ordering)
            return list(page), total

        return by_ids

    def in_order(bottom: int, top: int) -> tuple[list[Group], int | None]:
        qs = listed.order_by(*ordering)
        if hidden is not None:
            qs = qs[:top].union(hidden.order_by(*ordering)[:top], all=True).order_by(*ordering)
        return list(qs[bottom:top]), None

    return in_order


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

"""The discovery cache: what anonymous visitors see, cached briefly and invalidated cheaply.

Every cache key carries a "discovery generation" number. Any write that can change what
discovery shows (a group created, edited, hidden or deleted; someone joining or leaving;
topics changing) bumps the generation, so every entry made before it is simply never read
again and expires on its own. Bumping is one `cache.incr`, whatever the number of entries.

The services call `bump_discovery_generation()` explicitly. The signal receivers below
catch the writes that bypass the services (the admin, the shell, fixtures): a group an
operator hides in the admin must leave the anonymous results at once, not in a minute; a
meeting added in the admin changes the group's schedule line at once.

Only what an anonymous visitor sees is cached as whole results: listed groups, no
reasons, no counts of hidden groups. Per group (cached_many) go the parts of a group that
are the same for everyone who may see the group at all: its card on discovery (without
the distance and the reasons, which depend on the viewer) and its schedule line. Those are
read only for groups a viewer's own query (or page) already found them allowed to see, so
a secret group's card is looked up only for its members. Nothing here is per person.

Where entries live: a cache alias named "discovery" when settings define one; otherwise
the default cache when it is shared (Redis); otherwise a local-memory store of its own.
Anyone can add entries here by asking for new query strings, and the default local-memory
cache holds the rate limits (login failures among them) in 300 entries: sharing it would
let a flood of searches evict someone's rate-limit counters. The generation number stays
in the default cache, so clearing that (as each test does) makes every entry stale too.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import Group, Membership, Topic

GENERATION_KEY = "groups:discovery:generation"
DEFAULT_TIMEOUT = 60
_LOCAL_STORE = LocMemCache("roundtable-groups-discovery", {"OPTIONS": {"MAX_ENTRIES": 2000}})


def timeout() -> int:
    """Seconds a cached discovery entry lives (setting ROUNDTABLE_DISCOVERY_CACHE_SECONDS)."""
    return int(getattr(settings, "ROUNDTABLE_DISCOVERY_CACHE_SECONDS", DEFAULT_TIMEOUT))


# A request that reads several entries pins the generation it read first (pinned()): one
# cache read instead of one per entry (discovery read it four to six times, issue 13 item 3),
# and every entry it reads or stores belongs to the same state of the data. Were a write to
# bump the number half-way through, what the request made from the older rows goes under
# the older number, which nobody reads again.
_PINNED: ContextVar[int | None] = ContextVar("roundtable_discovery_generation", default=None)


@contextmanager
def pinned() -> Iterator[int]:
    """Read the generation once; generation() answers it until the block ends."""
    token = _PINNED.set(None)
    try:
        at = generation()
        _PINNED.set(at)
        yield at
    finally:
        _PINNED.reset(token)


def generation() -> int:
    if (at := _PINNED.get()) is not None:
        return at
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A fresh, time-based start: if the key was evicted, the new number can never
        # match a generation some older entry was stored under.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY, time.time_ns())
    return int(value)


def store() -> BaseCache:
    if "discovery" in settings.CACHES:
        return caches["discovery"]
    default = caches["default"]
    return _LOCAL_STORE if isinstance(default, LocMemCache) else default


def _incr() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the key is missing (first write, or evicted)
        generation()


def bump_discovery_generation() -> None:
    """Make every cached discovery entry stale.

    Bumps at once and again after the surrounding transaction commits: a request that
    reads between the two would otherwise cache the pre-commit rows under the new number.
    """
    _incr()
    transaction.on_commit(_incr)


VERSION_SECONDS = 3600


def bump_version(name: str) -> None:
    """Make every entry made with cached_for(..., version_name=name) stale: at once and again after the
    surrounding transaction commits, as bump_discovery_generation. A counter lives an hour
    from its first bump (entries live at most timeout()); a new one starts from the clock,
    never at a number an older entry was stored under."""

    def incr() -> None:
        k = f"groups:discovery:version:{name}"
        try:
            cache.incr(k)
        except ValueError:  # missing (never bumped, or expired)
            cache.add(k, time.time_ns(), timeout=VERSION_SECONDS)

    incr()
    transaction.on_commit(incr)


def key(kind: str, raw: str, at: int | None = None) -> str:
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"groups:discovery:{kind}:{generation() if at is None else at}:{digest}"


def cached[T](kind: str, raw: str, make: Callable[[], T]) -> T:
    """The cached value for (kind, raw) at the current generation, made on a miss."""
    k, where = key(kind, raw), store()
    value: Any = where.get(k)
    if value is None:
        value = make()
        where.set(k, value, timeout())
    return value  # type: ignore[no-any-return]


def cached_many[T](kind: str, ids: list[int], make: Callable[[list[int]], dict[int, tuple[T, int]]]) -> dict[int, T]:
    """The cached value of each id for kind at the current generation: one read for all of
    them, and make(missing ids) for the rest, which returns each value with the seconds it
    may live (at most timeout(): a value can also depend on time, such as a next meeting)."""
    if not ids:
        return {}
    at, where = generation(), store()
    keys = {i: key(kind, str(i), at) for i in ids}
    found = where.get_many(list(keys.values()))
    values: dict[int, T] = {i: found[k] for i, k in keys.items() if k in found}
    missing = [i for i in ids if i not in values]
    if missing:
        made = make(missing)
        by_lifetime: dict[int, dict[str, T]] = {}
        for i in missing:
            if i not in made:  # make() may leave out an id it found gone (a deleted group)
                continue
            value, seconds = made[i]
            values[i] = value
            by_lifetime.setdefault(max(1, min(seconds, timeout())), {})[keys[i]] = value
        for seconds, entries in by_lifetime.items():
            where.set_many(entries, seconds)
    return values


def found(kind: str, raw: str) -> Any:
    """The entry for (kind, raw) at the current generation, or None."""
    return store().get(key(kind, raw))


def keep(kind: str, raw: str, value: object) -> None:
    """Store value for (kind, raw) at the current generation, for timeout() seconds."""
    store().set(key(kind, raw), value, timeout())


# Whole pages (groups/pages.py) are 7-40 kB and read on every anonymous visit. With the store
# in Redis, each process also keeps a copy of those it served, keyed as the shared entry (at
# the generation) and with the moment it stops being true: a repeat then costs one Redis read
# (the generation), not two and the page's bytes (measured: an anonymous group page 1.15 ->
# 0.7 ms of server CPU, docs/discovery-at-scale.md "Page cost").
_PROCESS_COPIES = LocMemCache("roundtable-groups-pages", {"OPTIONS": {"MAX_ENTRIES": 500}})


def cached_for[T](kind: str, raw: str, make: Callable[[], tuple[T, int]], *, version_name: str = "") -> T:
    """The cached value for (kind, raw) at the current generation, made on a miss by make(),
    which returns it with the seconds it may live (at most timeout()). An exception in make
    (Http404 for a group the viewer may not see) caches nothing. version_name: a version
    (bump_version) the value also shows, read with the generation in one request and added
    to the key."""
    if version_name:
        version_key = f"groups:discovery:version:{version_name}"
        both = cache.get_many([GENERATION_KEY, version_key])
        at = int(both[GENERATION_KEY]) if GENERATION_KEY in both else generation()
        raw = f"{raw}:v{int(both.get(version_key, 0))}"
    else:
        at = generation()
    k, where, now = key(kind, raw, at), store(), time.time()
    shared = where is not _LOCAL_STORE
    if shared:
        copy: Any = _PROCESS_COPIES.get(k)
        if copy is not None and copy[0] > now:
            return copy[1]  # type: ignore[no-any-return]
    entry: Any = where.get(k)
    if entry is None or entry[0] <= now:
        value, seconds = make()
        seconds = max(1, min(seconds, timeout()))
        entry = (now + seconds, value)
        where.set(k, entry, seconds)
    if shared:
        _PROCESS_COPIES.set(k, entry, max(1, int(entry[0] - now) + 1))
    return entry[1]  # type: ignore[no-any-return]


def _on_write(**kwargs: Any) -> None:
    action = kwargs.get("action")
    if action is None or action.startswith("post_"):  # m2m_changed also sends pre_* actions
        bump_discovery_generation()


# Meetings by name: they live above this app, and a group's schedule line comes from them;
# a meeting's page (cached for anonymous visitors) shows its talk and the talk's topics.
for _model in (Group, Membership, Topic, "meetings.Meeting", "meetings.MeetingSeries", "meetings.Talk"):
    _name = _model if isinstance(_model, str) else _model.__name__
    post_save.connect(_on_write, sender=_model, dispatch_uid=f"groups.discovery.save.{_name}")
    post_delete.connect(_on_write, sender=_model, dispatch_uid=f"groups.discovery.delete.{_name}")
m2m_changed.connect(_on_write, sender=Group.topics.through, dispatch_uid="groups.discovery.topics")
m2m_changed.connect(_on_write, sender="meetings.Talk_topics", dispatch_uid="groups.discovery.talk_topics")


# Settings that change which groups a search finds, their order or their count (not those
# that change only how the same page is made, such as ROUNDTABLE_DISCOVERY_SHELL).
_RESULT_SETTINGS = frozenset({"ROUNDTABLE_DISCOVERY_COUNT_CAP", "ROUNDTABLE_DISCOVERY_SQL"})


def _on_setting(*, setting: str, **kwargs: Any) -> None:
    """A discovery setting changed (tests and `override_settings` do this; a running site
    reads its settings once): what was kept under the old one may be wrong now."""
    if setting.startswith("ROUNDTABLE_FTS_") or setting in _RESULT_SETTINGS:
        _incr()  # no transaction to wait for: nothing was written


setting_changed.connect(_on_setting, dispatch_uid="groups.discovery.settings")

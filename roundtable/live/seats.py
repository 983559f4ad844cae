"""How the live room identifies a person to its clients (issue 12, item 4).

A member who goes by a pseudonym in the room's group (Membership.pseudonym non-empty, in any
membership state: the rule rows.NAME_COLUMNS names people by) is identified in everything the
room sends or renders by a handle scoped to that group, never by their account's integer id:
someone who shares a second group with them would otherwise see the same number under their
real name in that group's room, and link the two. Everyone else keeps their integer id.

A handle is "p" and the first 16 hex digits of HMAC-SHA-256(SECRET_KEY, "live-seat:<group
id>:<user id>"): stable for the group (a reload, another socket, the server-rendered page all
agree), different in every group, and unguessable without the key. It is never turned back
into the person except among the group's own pseudonymous members (resolve).

Actions that name a person (consumers.py: skip_turn, order_move, order_set, presence_set,
bring_forward, admit) take either form; resolve turns it into the integer the services take.
An unknown handle, another group's handle, and the integer id of someone who goes by a
pseudonym here all come out as NOBODY, which no account has, so the service answers exactly
as it does for any id that is nobody in this room (no answer tells a pseudonymous member's
integer id apart from a stranger's).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from django.conf import settings

from roundtable.groups.models import Membership

NOBODY = 0  # no account has the id 0 (ids count from 1 on both engines)

RoomId = int | str  # a person as the room's clients know them


HANDLE_LENGTH = 17  # "p" and 16 hex digits


def handle(group_id: int, user_id: int) -> str:
    """The person's handle in this group's rooms."""
    message = f"live-seat:{group_id}:{user_id}".encode()
    return "p" + hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:16]


def room_id(user_id: int, masked_in: int | None) -> RoomId:
    """The id the room sends for this person: `masked_in` is the room's group's id when they go
    by a pseudonym there (rows.py reads it with the name), else None."""
    return user_id if masked_in is None else handle(masked_in, user_id)


def _masked(group_id: int) -> list[int]:
    """The group's members who go by a pseudonym (any state): few rows."""
    return list(Membership.objects.filter(group_id=group_id).exclude(pseudonym="").values_list("user_id", flat=True))


def own_id(user_id: int, group_id: int) -> RoomId:
    """This person's id as the rooms of the group send it (one query)."""
    masked = Membership.objects.filter(group_id=group_id, user_id=user_id).exclude(pseudonym="").exists()
    return room_id(user_id, group_id if masked else None)


def resolve_all(group_id: int, values: Iterable[object]) -> list[int]:
    """Each value (an integer id or a handle, as the room's clients send them) as the account id
    the services take, or NOBODY: an unknown handle, another group's, the integer id of someone
    who goes by a pseudonym in this group. Values of any other type are the caller's to refuse."""
    values = list(values)
    masked = _masked(group_id)
    handles = {handle(group_id, u): u for u in masked} if any(isinstance(v, str) for v in values) else {}
    hidden = set(masked)
    out = []
    for value in values:
        if isinstance(value, str):
            out.append(handles.get(value, NOBODY))
        else:
            out.append(NOBODY if value in hidden else int(value))  # type: ignore[call-overload]
    return out


def with_handles(group_id: int, user_ids: frozenset[int]) -> frozenset[RoomId]:
    """These people under both forms (for matching ids in a snapshot: accounts.blocks' kept-apart
    sets, consumers.RoomConsumer.apart). The handles stay on the server."""
    return frozenset(user_ids) | frozenset(handle(group_id, u) for u in user_ids)

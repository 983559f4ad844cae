"""Ready for the roundtable (issue 10, item 5) over the room's socket: the member whose turn
starts is offered their status since their last meeting of the group, on their own sockets
only; shared with status_share, it shows on every screen (a display: the numbers only)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.utils import timezone

from roundtable.journal.models import SharedStatus
from roundtable.live.models import Commitment, Roundtable, Turn
from roundtable.tracker.models import Activity, ActivityKind
from tests.factories import MeetingFactory, RsvpFactory

from .conftest import Room, make_room
from .test_consumers import WAIT, close_all, cookie_headers, enter, open_socket, quiet, until

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

# Ann's previous meeting of the group: two weeks before today (the room's own meeting is in
# 2031, but activities count only once they have happened, so her history is in the past).
BEFORE = timezone.now().replace(hour=17, minute=0, second=0, microsecond=0) - timedelta(days=14)
EXPECTED = {
    "since": BEFORE.astimezone(ZoneInfo("America/New_York")).date().isoformat(),
    "outreach": 6,
    "conversations": 2,
    "interviews": 1,
    "applications": 0,
    "commitments_done": 2,
    "commitments": 3,
    "text": "6 outreach, 2 conversations, 1 interview; 2 of 3 commitments done",
}


def _history(room: Room) -> None:
    """Ann went to the group's meeting two weeks ago (BEFORE, in New York), took her turn
    there with three commitments (two done), and logged since then six outreach, a
    conversation, an informational interview and an interview; one outreach the day before
    that meeting does not count."""
    ann = room.ann
    ann.profile.time_zone = "America/New_York"
    ann.profile.save(update_fields=["time_zone"])
    before = MeetingFactory(group=room.group, starts_at=BEFORE)
    RsvpFactory(meeting=before, user=ann)
    rt = Roundtable.objects.create(meeting=before, mode="turns", status="ended")
    turn = Turn.objects.create(roundtable=rt, user=ann, position=1, status="done")
    for i, status in enumerate(("done", "done", "not_done")):
        Commitment.objects.create(turn=turn, user=ann, text=f"Step {i}", status=status)
    day = date.fromisoformat(EXPECTED["since"])
    kinds = [ActivityKind.OUTREACH] * 6 + [ActivityKind.CONVERSATION, ActivityKind.INFORMATIONAL]
    for i, kind in enumerate([*kinds, ActivityKind.INTERVIEW]):
        Activity.objects.create(owner=ann, kind=kind, occurred_on=day + timedelta(days=i % 10))
    Activity.objects.create(owner=ann, kind=ActivityKind.OUTREACH, occurred_on=day - timedelta(days=1))


@pytest.fixture
def ready(transactional_db: None) -> tuple[Room, dict[str, list[tuple[bytes, bytes]]]]:
    async_to_sync(get_channel_layer().flush)()  # type: ignore[union-attr]
    room = make_room()
    _history(room)
    return room, {name: cookie_headers(getattr(room, name)) for name in ("fac", "ann", "ben", "cat")}


async def test_the_offer_reaches_only_the_seated_member_and_sharing_shows_it_everywhere(ready) -> None:  # type: ignore[no-untyped-def]
    live, heads = ready
    fac, _ = await enter(live.rt.pk, heads["fac"])
    ann, _ = await enter(live.rt.pk, heads["ann"])
    ben, _ = await enter(live.rt.pk, heads["ben"])
    screen = await open_socket(live.rt.pk, heads["cat"], query="view=display")
    await screen.receive_json_from(timeout=WAIT)
    await quiet(fac, ann, ben, screen)

    await fac.send_json_to({"action": "start"})
    frames = {}
    for name, comm in (("fac", fac), ("ann", ann), ("ben", ben), ("screen", screen)):
        frames[name] = await until(comm, lambda f: f["type"] == "snapshot" and f["room"]["turn"] is not None)
    assert frames["ann"]["you"]["in_seat"] is True
    assert frames["ann"]["you"]["status_offer"] == EXPECTED
    for name in ("fac", "ben", "screen"):
        assert frames[name]["you"]["status_offer"] is None, name
    for name in frames:
        assert frames[name]["room"]["turn"]["shared_status"] is None, name

    # Only Ann may share it: not another member, not a facilitator for her.
    for comm in (ben, fac):
        await comm.send_json_to({"action": "status_share", "share": True, "request_id": 7})
        reply = await comm.receive_json_from(timeout=WAIT)
        assert reply == {"type": "error", "message": "Only the member in the seat can share their status.",
                         "status": 403, "request_id": 7}  # fmt: skip
    await ann.send_json_to({"action": "status_share", "share": "yes", "request_id": 8})
    assert (await ann.receive_json_from(timeout=WAIT))["status"] == 400
    assert await database_sync_to_async(SharedStatus.objects.count)() == 0

    await ann.send_json_to({"action": "status_share", "share": True})
    for comm in (fac, ann, ben):
        frame = await until(comm, lambda f: f["room"]["turn"]["shared_status"] is not None)
        assert frame["room"]["turn"]["shared_status"] == EXPECTED
    frame = await until(screen, lambda f: f["room"]["turn"]["shared_status"] is not None)
    numbers = {k: v for k, v in EXPECTED.items() if k not in ("since", "text")}
    assert frame["room"]["turn"]["shared_status"] == numbers

    # Taken back: gone from every screen.
    await ann.send_json_to({"action": "status_share", "share": False})
    for comm in (fac, ann, ben, screen):
        await until(comm, lambda f: f["room"]["turn"]["shared_status"] is None)
    # The next turn: Ben is offered his own (nothing logged, no earlier meeting), Ann nothing.
    await fac.send_json_to({"action": "next_turn"})
    frame = await until(ben, lambda f: f["you"]["in_seat"])
    assert frame["you"]["status_offer"]["text"] == "0 outreach, 0 conversations, 0 interviews"
    assert frame["you"]["status_offer"]["since"] is None
    frame = await until(ann, lambda f: not f["you"]["in_seat"])
    assert frame["you"]["status_offer"] is None
    # Ann's turn has moved on: sharing now is refused.
    await ann.send_json_to({"action": "status_share", "share": True})
    reply = await until(ann, lambda f: f["type"] == "error")
    assert reply["status"] == 403
    await close_all(fac, ann, ben, screen)

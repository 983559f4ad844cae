"""Text in live-room frames follows core.text's rule: a refused character comes back as an
error frame with its reason, and the room is unchanged."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from roundtable.live.models import Challenge

from .conftest import Room
from .test_consumers import Headers, close_all, enter, quiet, until

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@database_sync_to_async
def _challenges(room: Room) -> list[str]:
    return list(Challenge.objects.filter(turn__roundtable=room.rt).values_list("text", flat=True))


async def test_a_control_character_or_a_line_break_in_a_one_line_field_is_refused_with_its_reason(
    live: Room, heads: dict[str, Headers]
) -> None:
    fac, _ = await enter(live.rt.pk, heads["fac"])
    ann, _ = await enter(live.rt.pk, heads["ann"])
    await fac.send_json_to({"action": "start"})
    await until(ann, lambda f: f["type"] == "snapshot" and f["room"]["status"] == "running")
    await quiet(fac, ann)

    await ann.send_json_to({"action": "challenge_set", "text": "No replies\x12", "request_id": 7})
    assert await until(ann, lambda f: f["type"] == "error") == {
        "type": "error",
        "message": "The challenge: Remove the invisible control character U+0012 at character 11: text cannot hold it.",
        "status": 400,
        "request_id": 7,
    }
    await ann.send_json_to({"action": "commitment_add", "text": "Call Dana\nand Lee", "request_id": 8})
    frame = await until(ann, lambda f: f["type"] == "error")
    assert frame["message"] == "The commitment: Keep this to one line: remove the line break at character 10."
    assert await _challenges(live) == []

    # A multi-line challenge keeps its line breaks, CR LF stored as LF.
    await ann.send_json_to({"action": "challenge_set", "text": "No replies\r\nfrom recruiters"})
    frame = await until(ann, lambda f: f["type"] == "snapshot" and f["room"]["turn"]["challenge"] is not None)
    assert frame["room"]["turn"]["challenge"] == "No replies\nfrom recruiters"
    assert await _challenges(live) == ["No replies\nfrom recruiters"]
    await close_all(fac, ann)

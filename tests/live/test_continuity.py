"""Commitments carried to the member's next roundtable; history over meetings and who sees it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from roundtable.groups.models import Admission, Membership
from roundtable.live import clock, permissions, rows, selectors, services
from roundtable.live.models import Commitment, Roundtable, Turn
from roundtable.live.services import LiveError
from tests.factories import (
    ChallengeFactory,
    CommitmentFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    RoundtableFactory,
    RsvpFactory,
    TurnFactory,
    UserFactory,
)

from .conftest import T0, Room, at

NEXT = T0 + timedelta(days=14)


def _ann_takes_a_turn(room: Room) -> Turn:
    for u in (room.ann, room.ben):
        services.participant_join(roundtable=room.rt, user=u, now=at(0))
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    turn = Turn.objects.get(roundtable=room.rt, user=room.ann)
    services.challenge_set(turn=turn, by=room.ann, text="Interviews stall at the final round.", now=at(10))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(300))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(600))
    s1 = services.suggestion_add(turn=turn, by=room.ben, text="Ask for feedback each time", now=at(610))
    services.suggestion_add(turn=turn, by=room.fac, text="Mock final with Dee", now=at(620))
    services.suggestion_star(suggestion=s1, by=room.ann, starred=True)
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(1200))
    services.commitment_add(
        turn=turn, by=room.ann, text="Contact two hiring managers at Acme", due_on=date(2031, 3, 11), now=at(1210)
    )
    services.commitment_add(turn=turn, by=room.ann, text="Ask for interview feedback", now=at(1220))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(1320))
    services.roundtable_end(roundtable=room.rt, by=room.fac, now=at(1400))
    return turn


def _next_roundtable(room: Room):  # type: ignore[no-untyped-def]
    meeting = MeetingFactory(group=room.group, starts_at=NEXT)
    for u in (room.ann, room.ben):
        RsvpFactory(meeting=meeting, user=u)
    return services.roundtable_open(meeting=meeting, by=room.fac, now=NEXT)


def test_commitments_come_up_at_the_next_meeting_and_are_reviewed(room: Room) -> None:
    _ann_takes_a_turn(room)
    later = _next_roundtable(room)
    last_turn = selectors.previous_turns(room.ann.pk, room.group.pk, later).first()
    assert last_turn is not None
    earlier = list(last_turn.commitments.order_by("created_at", "id"))
    assert [(c.text, c.due_on, c.status) for c in earlier] == [
        ("Contact two hiring managers at Acme", date(2031, 3, 11), "open"),
        ("Ask for interview feedback", None, "open"),
    ]
    # Ben had no turn last time (the room ended first): nothing to review.
    ben_last = selectors.previous_turns(room.ben.pk, room.group.pk, later)[:1]
    assert list(Commitment.objects.filter(turn__in=ben_last)) == []

    # When Ann's turn starts, the room shows what she said last time.
    services.participant_join(roundtable=later, user=room.ann, now=NEXT)
    later = services.roundtable_start(roundtable=later, by=room.fac, now=NEXT)
    shown = clock.snapshot(later, NEXT)["turn"]
    assert shown["previous_challenge"] == "Interviews stall at the final round."
    assert [(c["text"], c["status"]) for c in shown["previous_commitments"]] == [
        ("Contact two hiring managers at Acme", "open"),
        ("Ask for interview feedback", "open"),
    ]

    first, second = earlier
    with pytest.raises(LiveError) as not_hers:
        services.commitment_review(commitment=first, by=room.ben, status="done", roundtable=later)
    assert not_hers.value.status == 403
    with pytest.raises(LiveError) as bad:
        services.commitment_review(commitment=first, by=room.ann, status="maybe", roundtable=later)
    assert bad.value.message == "Say whether it is done, partly done or not done."
    with pytest.raises(LiveError) as same_room:
        services.commitment_review(commitment=first, by=room.ann, status="done", roundtable=room.rt)
    assert same_room.value.status == 409

    services.commitment_review(
        commitment=first, by=room.ann, status="done", roundtable=later, now=NEXT + timedelta(minutes=2)
    )
    services.commitment_review(commitment=second, by=room.ann, status="partly", roundtable=later, now=NEXT)
    assert list(Commitment.objects.order_by("id").values_list("status", "reviewed_in_id", "reviewed_at")) == [
        ("done", later.pk, NEXT + timedelta(minutes=2)),
        ("partly", later.pk, NEXT),
    ]


def test_member_history_over_meetings(room: Room) -> None:
    turn = _ann_takes_a_turn(room)
    later = _next_roundtable(room)
    services.commitment_review(
        commitment=Commitment.objects.filter(turn=turn).first(), by=room.ann, status="not_done", roundtable=later
    )
    history = selectors.member_history(room.ann, room.group)
    assert len(history) == 1
    h = history[0]
    assert h.challenge.text == "Interviews stall at the final round."
    assert [(s.text, s.author.display_name) for s in h.starred_suggestions] == [("Ask for feedback each time", "Ben")]  # type: ignore[attr-defined]
    assert [(c.text, c.status) for c in h.commitment_list] == [  # type: ignore[attr-defined]
        ("Contact two hiring managers at Acme", "not_done"),
        ("Ask for interview feedback", "open"),
    ]


def test_history_visible_to_the_owner_and_to_facilitators_only_by_choice(room: Room) -> None:
    other = MembershipFactory(group=room.group).user
    outsider = UserFactory()
    assert permissions.history_visible(room.ann, room.ann, room.group) is True
    assert permissions.history_visible(room.fac, room.ann, room.group) is False
    assert permissions.history_visible(other, room.ann, room.group) is False
    services.history_sharing_set(user=room.ann, share_with_facilitators=True)
    assert permissions.history_visible(room.fac, room.ann, room.group) is True
    assert permissions.history_visible(other, room.ann, room.group) is False
    assert permissions.history_visible(outsider, room.ann, room.group) is False
    services.history_sharing_set(user=room.ann, share_with_facilitators=False)
    assert permissions.history_visible(room.fac, room.ann, room.group) is False


def test_turn_summary_shows_people_only_as_their_profiles_allow(room: Room) -> None:
    ben = room.ben.profile
    ben.headline, ben.pitch, ben.target_roles = "Product designer", "I design calm tools.", "Design lead"
    ben.visibility = {"pitch": "only_me", "target_roles": "members"}
    ben.save()
    # "People in my groups" counts memberships a facilitator let in (approved or invited),
    # never one-click joins of an open group: these members were approved.
    Membership.objects.filter(group=room.group).update(admission=Admission.APPROVED)
    turn = _ann_takes_a_turn(room)
    summary = selectors.turn_summary(room.fresh(), room.ann)
    assert summary.turn == turn
    assert summary.challenge == "Interviews stall at the final round."
    assert [(s.text, s.author.display_name) for s in summary.starred] == [("Ask for feedback each time", "Ben")]
    assert [c.text for c in summary.commitments] == [
        "Contact two hiring managers at Acme",
        "Ask for interview feedback",
    ]
    people = {p.user_id: p.fields for p in summary.people}
    assert set(people) == {room.fac.pk, room.ben.pk}
    assert people[room.ben.pk]["headline"] == "Product designer"
    assert people[room.ben.pk]["target_roles"] == "Design lead"  # both were let in by a facilitator
    assert "pitch" not in people[room.ben.pk]


def test_the_snapshots_previous_turn_is_the_selectors(room: Room) -> None:
    """rows.previous_turn, the snapshot's SQL, answers as selectors.previous_turns (the pages'
    definition) whatever the history: the latest done turn at an earlier meeting of the group."""
    meetings = {d: MeetingFactory(group=room.group, starts_at=T0 + timedelta(days=d)) for d in (7, 14, 21)}
    rooms = {d: RoundtableFactory(meeting=m) for d, m in meetings.items()}
    other_group = RoundtableFactory(meeting=MeetingFactory(group=GroupFactory(), starts_at=T0 + timedelta(days=10)))
    done = {"status": "done"}
    Turn.objects.filter(roundtable=room.rt, user__in=[room.ann, room.ben]).update(**done)  # opened with turns
    ann_first = Turn.objects.get(roundtable=room.rt, user=room.ann)
    ChallengeFactory(turn=ann_first, text="First time")
    ann_week = TurnFactory(roundtable=rooms[7], user=room.ann, **done)  # no challenge written
    TurnFactory(roundtable=other_group, user=room.ann, **done)  # another group's meeting
    TurnFactory(roundtable=rooms[7], user=room.ben, status="skipped")
    ben_first = Turn.objects.get(roundtable=room.rt, user=room.ben)
    ChallengeFactory(turn=ben_first, text="Ben's")
    TurnFactory(roundtable=rooms[21], user=room.ann, **done)  # later than the room asked about
    for current in (room.rt, rooms[7], rooms[14], rooms[21], other_group):
        for user in (room.ann, room.ben, room.cat):
            wanted = (
                selectors.previous_turns(user.pk, current.meeting.group_id, current)
                .values_list("id", "challenge__text")
                .first()
            )
            expected = (wanted[0], wanted[1] or "") if wanted is not None else None
            assert _previous(user.pk, current) == expected
    assert _previous(room.ann.pk, rooms[14]) == (ann_week.pk, "")
    assert _previous(room.ann.pk, rooms[7]) == (ann_first.pk, "First time")
    assert _previous(room.ben.pk, rooms[14]) == (ben_first.pk, "Ben's")
    assert _previous(room.cat.pk, rooms[14]) is None
    # With the turn's commitments, oldest first, with their review status.
    first = CommitmentFactory(turn=ann_week, user=room.ann, text="Two calls", created_at=at(20))
    second = CommitmentFactory(turn=ann_week, user=room.ann, text="One lunch", created_at=at(10), status="done")
    previous = rows.read_all([rows.previous_turn(room.ann.pk, rooms[14].pk, rooms[14].meeting_id)])[0]
    assert previous == rows.Previous(
        turn_id=ann_week.pk,
        challenge="",
        commitments=[
            {"id": second.pk, "text": "One lunch", "due_on": None, "status": "done"},
            {"id": first.pk, "text": "Two calls", "due_on": None, "status": "open"},
        ],
    )


def _previous(user_id: int, current: Roundtable) -> tuple[int, str] | None:
    found = rows.read_all([rows.previous_turn(user_id, current.pk, current.meeting_id)])[0]
    return (found.turn_id, found.challenge) if found is not None else None

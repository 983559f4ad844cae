"""The pool, a run, the pair, check-ins and replies, ending: through services and pages, with
the emails the real task worker sends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from roundtable.buddies import services
from roundtable.buddies.models import BuddyPair, CheckIn, CheckInReply, MatchRun, PairMember, PoolEntry
from roundtable.notifications.selectors import inbox_for
from tests.factories import ActivityFactory, GroupFactory, MembershipFactory, UserFactory

from .world import WEDNESDAY, as_client, join, paired, person, run_tasks, text

pytestmark = pytest.mark.django_db


def test_join_change_and_leave_through_the_page() -> None:
    group = GroupFactory(name="Harbor Roundtable")
    ann = person("Ann Alder", group)
    client = as_client(ann)
    assert client.get("/me/buddy/").status_code == 200
    form = {"pool": group.slug, "checkin_day": "1", "max_offset_hours": "4", "field": "data", "field_wish": "same",
            "stage": "2", "languages": ["en", "es"]}  # fmt: skip
    response = client.post("/me/buddy/pool/", form)
    assert response.status_code == 302
    entry = PoolEntry.objects.get(user=ann)
    assert (entry.group, entry.checkin_day, entry.max_offset_hours, entry.field, entry.field_wish, entry.stage,
            entry.languages) == (group, 1, 4, "data", "same", 2, ["en", "es"])  # fmt: skip
    page = text(client.get("/me/buddy/"))
    assert "You'll be paired at the next matching run (Mondays)." in page
    response = client.post("/me/buddy/pool/", {**form, "pool": "everyone", "checkin_day": "3"})
    entry.refresh_from_db()
    assert (entry.group, entry.checkin_day) == (None, 3)
    assert PoolEntry.objects.filter(user=ann).count() == 1
    client.post("/me/buddy/leave/")
    entry.refresh_from_db()
    assert entry.left_at is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pool": "secret-elsewhere"}, "Select a valid choice."),
        ({"max_offset_hours": "99"}, "Select a valid choice."),
        ({"languages": []}, "Pick at least one language."),
        ({"field": "astronaut"}, "Select a valid choice."),
    ],
)
def test_bad_pool_input_is_a_form_error(change: dict[str, object], message: str) -> None:
    group = GroupFactory(slug="secret-elsewhere", visibility="secret")
    MembershipFactory(group=group)
    ann = person("Ann Alder")
    form = {"pool": "everyone", "checkin_day": "1", "max_offset_hours": "3", "field": "data", "field_wish": "any",
            "stage": "1", "languages": ["en"], **change}  # fmt: skip
    response = as_client(ann).post("/me/buddy/pool/", form)
    assert response.status_code == 400
    assert message in text(response)
    assert not PoolEntry.objects.filter(user=ann).exists()


@pytest.mark.django_db(transaction=True)
def test_a_run_pairs_and_explains_and_emails_both(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = paired()
    ann_member = PairMember.objects.get(pair=w.pair, user=w.ann)
    assert ann_member.reasons == [
        "You both target product management; 12 h of overlap in your days on Mondays; you're both at the same "
        "stage: applying and networking; you're both in product; you're both in Harbor Roundtable."
    ]
    run = MatchRun.objects.get()
    assert (run.method, run.pool_size, run.pairs_made, run.waiting, run.total) == ("exact", 2, 1, 0, w.pair.score)
    run_tasks()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([w.ann.email, w.bo.email])
    to_ann = next(m for m in mailoutbox if m.to == [w.ann.email])
    assert to_ann.subject.endswith("Meet your work search buddy: Bo Birch")
    assert "You both target product management" in to_ann.body
    page = text(as_client(w.ann).get("/me/buddy/"))
    assert "Bo Birch" in page
    assert "Why we paired you" in page
    assert "Week of" not in page  # one week together so far: "This week" only


def test_hidden_profile_fields_are_not_used_or_shown() -> None:
    group = GroupFactory(name="Open Circle")
    ann = person("Ann Alder", group, target_roles="fintech")
    bo = person("Bo Birch", group, expertise="fintech", target_roles="secret plans")
    from roundtable.accounts.models import Profile

    Profile.objects.filter(user=bo).update(visibility={"expertise": "only_me", "target_roles": "only_me"})
    join(ann, group)
    join(bo, group)
    services.matching_run(group=group, now=WEDNESDAY)
    reasons = " ".join(PairMember.objects.get(user=ann).reasons)
    assert "fintech" not in reasons
    page = text(as_client(ann).get("/me/buddy/"))
    assert "secret plans" not in page
    assert "fintech" not in page.replace("fintech</", "")  # Ann's own target shows nowhere as Bo's


def test_odd_pool_trio_and_waiting_reason() -> None:
    group = GroupFactory()
    people = [person(f"P{i}", group) for i in range(3)]
    far = person("Far Away", group, zone="Asia/Tokyo")
    for p in people:
        join(p, group)
    join(far, group, max_offset_hours=2)
    services.matching_run(group=group, now=WEDNESDAY)
    pair = BuddyPair.objects.get()
    assert pair.members.count() == 3
    assert pair.members.filter(joined_as_third=True).count() == 1
    assert PoolEntry.objects.get(user=far).waiting_reason == "window"
    page = text(as_client(far).get("/me/buddy/"))
    assert "Nobody in the pool is within your time-zone window yet." in page


def test_recent_buddies_are_not_paired_again_and_runs_claim_the_week() -> None:
    w = paired()
    services.pair_end(user=w.ann, pair=w.pair, now=WEDNESDAY + timedelta(days=1))
    again = services.matching_run(group=w.group, now=WEDNESDAY + timedelta(days=7))
    assert again is not None
    assert again.pairs_made == 0
    assert set(PoolEntry.objects.values_list("waiting_reason", flat=True)) == {"recent"}
    assert services.matching_run(group=w.group, week="2027-W12", now=WEDNESDAY) is not None
    assert services.matching_run(group=w.group, week="2027-W12", now=WEDNESDAY) is None


@pytest.mark.django_db(transaction=True)
def test_checkins_are_seen_by_both_and_replied_to(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = paired()
    run_tasks()
    mailoutbox.clear()
    act = ActivityFactory(owner=w.ann, kind="outreach", note="Wrote to Dana")
    ann = as_client(w.ann)
    response = ann.post(f"/me/buddy/pairs/{w.pair.public_id}/checkin/",
                        {"commitments": "3 coffee chats\r\n2 applications", "last_week": "",
                         "activities": [act.public_id]})  # fmt: skip
    assert response.status_code == 302
    checkin = CheckIn.objects.get()
    assert (checkin.author, checkin.commitment_lines(), [a.pk for a in checkin.activities.all()]) == (
        w.ann, ["3 coffee chats", "2 applications"], [act.pk])  # fmt: skip
    bo = as_client(w.bo)
    page = text(bo.get("/me/buddy/"))
    assert "3 coffee chats" in page
    response = bo.post(f"/me/buddy/checkins/{checkin.public_id}/reply/", {"reaction": "cheer", "text": "You got this"})
    assert response.status_code == 302
    assert list(CheckInReply.objects.values_list("author", "reaction", "text")) == [(w.bo.pk, "cheer", "You got this")]
    assert "You got this" in text(ann.get("/me/buddy/"))
    run_tasks()
    # Check-in news waits for the daily digest (the kinds' default): in the inbox, not emailed now.
    assert [(i.title, i.url) for i in inbox_for(w.bo)] == [
        ("Ann Alder checked in for the week", "/me/buddy/"),
        ("Meet your work search buddy: Ann Alder", "/me/buddy/"),
    ]
    assert [i.title for i in inbox_for(w.ann)] == [
        "Bo Birch replied to your check-in",
        "Meet your work search buddy: Bo Birch",
    ]
    assert mailoutbox == []
    # Writing again the same week edits it and tells nobody again.
    ann.post(f"/me/buddy/pairs/{w.pair.public_id}/checkin/", {"commitments": "4 coffee chats"})
    run_tasks()
    assert CheckIn.objects.get().commitments == "4 coffee chats"
    assert len(inbox_for(w.bo)) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"commitments": ""}, "Write at least one thing you'll do this week."),
        ({"commitments": "ok\x07"}, "control character"),
        ({"commitments": "x" * 2001}, "2000"),
        ({"commitments": "fine", "activities": ["zzzzzzzzzzzz"]}, "Select a valid choice"),
        ({"commitments": "fine", "last_week": "maybe"}, "Select a valid choice"),
    ],
)
def test_bad_checkins_are_form_errors(data: dict[str, object], message: str) -> None:
    w = paired()
    response = as_client(w.ann).post(f"/me/buddy/pairs/{w.pair.public_id}/checkin/", data)
    assert response.status_code == 400
    assert message in text(response)
    assert CheckIn.objects.count() == 0


def test_another_persons_activity_cannot_be_linked() -> None:
    w = paired()
    theirs = ActivityFactory(owner=w.bo)
    with pytest.raises(services.BuddyError, match="only activities from your own tracker"):
        services.checkin_save(author=w.ann, pair=w.pair, commitments="x", activities=[theirs.public_id])


def test_check_ins_are_for_the_pair_alone() -> None:
    w = paired()
    checkin = services.checkin_save(author=w.ann, pair=w.pair, commitments="Ann's private plan")
    intruder = UserFactory()
    MembershipFactory(group=w.group, user=intruder, role="facilitator")
    staff = UserFactory(is_staff=True, is_superuser=True)
    for who in (intruder, staff):
        client = as_client(who)
        assert "Ann's private plan" not in text(client.get("/me/buddy/"))
        assert client.post(f"/me/buddy/pairs/{w.pair.public_id}/checkin/", {"commitments": "x"}).status_code == 404
        assert client.post(f"/me/buddy/checkins/{checkin.public_id}/reply/", {"text": "hi"}).status_code == 404
        assert client.post(f"/me/buddy/pairs/{w.pair.public_id}/end/").status_code == 404
    assert client.post("/me/buddy/pairs/zzzzzzzzzzzz/end/").status_code == 404
    assert CheckIn.objects.count() == 1
    assert CheckInReply.objects.count() == 0
    assert BuddyPair.objects.get().ended_at is None


@pytest.mark.django_db(transaction=True)
def test_ending_kindly_tells_the_other_and_both_stay_in_the_pool(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = paired()
    run_tasks()
    mailoutbox.clear()
    response = as_client(w.bo).post(f"/me/buddy/pairs/{w.pair.public_id}/end/")
    assert response.status_code == 302
    w.pair.refresh_from_db()
    assert (w.pair.ended_by, w.pair.ended_at is not None) == (w.bo, True)
    run_tasks()
    assert [(m.to, m.subject.split("] ")[-1]) for m in mailoutbox] == [([w.ann.email], "Your buddy pairing has ended")]
    assert next(i.title for i in inbox_for(w.ann)) == "Your buddy pairing has ended"
    assert [i.title for i in inbox_for(w.bo)] == ["Meet your work search buddy: Ann Alder"]  # none for ending it
    assert "Bo" not in mailoutbox[0].subject
    assert set(PoolEntry.objects.filter(left_at__isnull=True).values_list("user", flat=True)) == {w.ann.pk, w.bo.pk}
    assert (
        as_client(w.ann).post(f"/me/buddy/pairs/{w.pair.public_id}/checkin/", {"commitments": "x"}).status_code == 400
    )
    page = text(as_client(w.ann).get("/me/buddy/"))
    assert "Past buddies" in page


def test_leaving_the_pool_ends_the_pair() -> None:
    w = paired()
    assert services.pool_leave(user=w.ann) is True
    w.pair.refresh_from_db()
    assert w.pair.ended_by == w.ann
    assert services.pool_leave(user=w.ann) is False


def test_a_member_who_left_the_group_is_not_matched() -> None:
    group = GroupFactory()
    ann, bo = person("Ann", group), person("Bo", group)
    join(ann, group)
    join(bo, group)
    from roundtable.groups.models import Membership

    Membership.objects.filter(user=bo).update(state="left")
    run = services.matching_run(group=group, week="2027-W11", now=WEDNESDAY)
    assert run is not None
    assert (run.pool_size, run.pairs_made) == (1, 0)


@pytest.mark.django_db(transaction=True)
def test_facilitator_runs_the_groups_pool_on_demand(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    group = GroupFactory(name="Harbor Roundtable")
    fac = UserFactory()
    MembershipFactory(group=group, user=fac, role="facilitator")
    for name in ("Ann", "Bo"):
        join(person(name, group), group)
    member_client = as_client(PoolEntry.objects.first().user)  # type: ignore[union-attr]
    assert member_client.get(f"/groups/{group.slug}/buddies/").status_code == 404
    client = as_client(fac)
    page = text(client.get(f"/groups/{group.slug}/buddies/"))
    assert "waiting for a buddy" in page
    assert client.post(f"/groups/{group.slug}/buddies/").status_code == 302
    run_tasks()
    run = MatchRun.objects.get()
    assert (run.requested_by, run.pairs_made, run.group) == (fac, 1, group)
    assert len(mailoutbox) == 2

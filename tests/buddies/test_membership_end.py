"""Losing a group (leaving, removal, a ban) closes that group's pool entry and pairing at
once: the buddy is told gently and waits for a new match, the facilitator's count drops, and
no nudge or new-buddy offer follows (finding 2 of the issue 11 review). Closing the account
does the same for every pool."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from roundtable.accounts.services import api_token_create
from roundtable.buddies import services, tasks
from roundtable.buddies.models import BuddyPair, MatchRun, Nudge, PoolEntry
from roundtable.groups import services as group_services
from roundtable.groups.models import Membership, MembershipRole
from roundtable.notifications.selectors import inbox_for
from tests.factories import GroupFactory, MembershipFactory

from .test_nudges import NEXT_TUESDAY
from .world import WEDNESDAY, World, as_client, join, paired, person, run_tasks, text

pytestmark = pytest.mark.django_db(transaction=True)


def _subjects(mailoutbox) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(m.to[0], m.subject.split("] ")[-1]) for m in mailoutbox]


def _nudge_twice() -> None:
    for at in (NEXT_TUESDAY, NEXT_TUESDAY + timedelta(days=7)):
        tasks.send_nudges.enqueue(at=at.isoformat())
        run_tasks()


def _assert_closed(w: World, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w.pair.refresh_from_db()
    assert w.pair.ended_at is not None
    assert w.pair.ended_by_id == w.ann.pk
    assert PoolEntry.objects.get(user=w.ann).left_at is not None
    bo_entry = PoolEntry.objects.get(user=w.bo)
    assert (bo_entry.left_at, bo_entry.waiting_reason) == (None, "pending")
    assert services.pool_entries(w.group) == [bo_entry]
    run_tasks()
    assert _subjects(mailoutbox) == [(w.bo.email, "Your buddy pairing has ended")]
    mailoutbox.clear()
    _nudge_twice()
    assert mailoutbox == []
    assert Nudge.objects.count() == 0
    assert [i.title for i in inbox_for(w.ann)][:1] != ["A gentle reminder: this week's check-in"]


def test_leaving_the_group_through_the_api_closes_the_entry_and_the_pair(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = paired()
    facilitator = person("Fay Fern")
    MembershipFactory(group=w.group, user=facilitator, role=MembershipRole.FACILITATOR)
    run_tasks()
    mailoutbox.clear()
    _t, secret = api_token_create(user=w.ann)
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.post(f"/api/v1/groups/{w.group.slug}/leave", content_type="application/json").status_code == 200
    _assert_closed(w, mailoutbox)
    assert api.get("/api/v1/me/buddy").json()["pool"] is None
    assert api.get("/api/v1/me/buddy").json()["pair"] is None
    page = text(as_client(facilitator).get(f"/groups/{w.group.slug}/buddies/"))
    assert "<strong>1</strong> in the pool" in page
    assert "<strong>1</strong> waiting for a buddy" in page


@pytest.mark.parametrize("ban", [False, True])
def test_removal_or_a_ban_closes_the_entry_and_the_pair(mailoutbox, ban: bool) -> None:  # type: ignore[no-untyped-def]
    w = paired()
    facilitator = person("Fay Fern")
    MembershipFactory(group=w.group, user=facilitator, role=MembershipRole.FACILITATOR)
    run_tasks()
    mailoutbox.clear()
    group_services.membership_remove(membership=Membership.objects.get(group=w.group, user=w.ann), by=facilitator,
                                     ban=ban)  # fmt: skip
    _assert_closed(w, mailoutbox)


def test_leaving_another_group_keeps_the_platform_pool_and_its_pair(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = paired()
    # Ann moves to the platform's pool and is paired there with Cy; she then leaves the group.
    services.pool_leave(user=w.ann, now=WEDNESDAY)
    cy = person("Cy Cedar", target_roles="product management")
    join(w.ann)
    join(cy)
    run = services.matching_run(group=None, now=WEDNESDAY + timedelta(hours=1))
    assert run is not None
    assert run.pairs_made == 1
    platform_pair = BuddyPair.objects.get(run=run)
    group_services.membership_leave(group=w.group, user=w.ann)
    platform_pair.refresh_from_db()
    assert platform_pair.ended_at is None
    assert PoolEntry.objects.get(user=w.ann, left_at__isnull=True).group is None


def test_a_closed_account_leaves_its_pool_and_pair(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = paired()
    run_tasks()
    mailoutbox.clear()
    w.ann.is_active = False
    w.ann.save(update_fields=["is_active"])
    _assert_closed(w, mailoutbox)


def test_the_pair_page_and_api_after_leaving(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = paired()
    group_services.membership_leave(group=w.group, user=w.ann)
    body = text(as_client(w.bo).get("/me/buddy/"))
    assert "Ann Alder" in body  # a past pair stays in the history
    _t, secret = api_token_create(user=w.bo)
    me = Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/me/buddy").json()
    assert me["pair"] is None
    assert (me["pool"]["group"], me["pool"]["waiting"]) == (
        w.group.slug,
        "You'll be paired at the next matching run (Mondays).",
    )


# "Match now" with nobody to pair (finding 9 of the issue 11 review) ---------------------------


def test_match_now_is_offered_only_when_two_are_waiting(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    group = GroupFactory(name="Harbor Roundtable")
    fac = person("Fay Fern")
    MembershipFactory(group=group, user=fac, role=MembershipRole.FACILITATOR)
    client = as_client(fac)
    url = f"/groups/{group.slug}/buddies/"
    page = text(client.get(url))
    assert "Match now</button>" not in page
    assert "Nobody is waiting, so a run now would pair nobody." in page
    join(person("Ann Alder", group), group)
    page = text(client.get(url))
    assert "Match now</button>" not in page
    assert "One member is waiting, so a run now would pair nobody." in page
    # A POST anyway (an old tab): told why, nothing queued, no empty row in "Last runs".
    answer = client.post(url, follow=True)
    assert answer.redirect_chain == [(url, 302)]
    assert services.NOBODY_TO_PAIR in text(answer)
    run_tasks()
    assert MatchRun.objects.count() == 0
    join(person("Bo Birch", group), group)
    page = text(client.get(url))
    assert "Pair the 2 members waiting now." in page
    assert "Match now</button>" in page
    client.post(url)
    client.post(url)  # a second click before the worker ran: the second run finds nobody
    run_tasks()
    assert list(MatchRun.objects.values_list("pool_size", "pairs_made", "waiting")) == [(2, 1, 0)]
    page = text(client.get(url))
    assert "Match now</button>" not in page
    assert "Nobody is waiting, so a run now would pair nobody." in page


def test_a_run_with_nobody_to_pair_records_nothing() -> None:
    group = GroupFactory()
    join(person("Ann Alder", group), group)
    assert services.matching_run(group=group, now=WEDNESDAY) is None
    assert MatchRun.objects.count() == 0
    # A scheduled run still records a lone person, who then reads why they wait.
    run = services.matching_run(group=group, week="2027-W11", now=WEDNESDAY)
    assert run is not None
    assert (run.pool_size, run.pairs_made, run.waiting) == (1, 0, 1)
    assert PoolEntry.objects.get().waiting_reason == "alone"

"""What happens to an introduction over time (tester's findings 4, 5, 6, 7 and 14 on issue 11):
an ask whose people left the group reads "not possible" and stops counting toward the weekly
limit; the asker withdraws an ask (page and API); two people already connected are not
introduced again; a refused ask shows nobody but the asker and answers at a person's pace;
the answer page's form; an answered ask's notification is no longer "New"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from roundtable.accounts.services import api_token_create
from roundtable.groups.models import MembershipState
from roundtable.network import services, tasks
from roundtable.network.models import ClosedBy, Introduction, IntroStatus
from roundtable.notifications.models import EmailState, Notification
from roundtable.notifications.selectors import badge_count
from tests.factories import UserFactory

from .world import as_client, member, world

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "I'd love to hear how Acme hires analysts."


def _api(user) -> Client:  # type: ignore[no-untyped-def]
    _, secret = api_token_create(user=user)
    return Client(headers={"authorization": f"Bearer {secret}"})


def _ask(w, **kw) -> Introduction:  # type: ignore[no-untyped-def]
    return services.introduction_ask(
        asker=kw.get("asker", w.ann), group=w.group, introducer=kw.get("introducer", w.facilitator),
        target=kw.get("target", w.people["bea"]), note=kw.get("note", NOTE),
    )  # fmt: skip


def _status(user, intro: Introduction) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    r = _api(user).get(f"/api/v1/network/introductions/{intro.public_id}")
    return r.status_code, r.json().get("status", r.json().get("detail"))


def _leave(w, user, how: str) -> None:  # type: ignore[no-untyped-def]
    if how == "deactivated":
        type(user).objects.filter(pk=user.pk).update(is_active=False)
        return
    state = {"left": MembershipState.LEFT, "removed": MembershipState.REMOVED, "banned": MembershipState.BANNED}[how]
    w.group.memberships.filter(user=user).update(state=state, role="member")


# Finding 4: an ask whose introducer (or target) can no longer answer.


@pytest.mark.parametrize("how", ["left", "removed", "banned", "deactivated"])
def test_an_ask_whose_introducer_is_gone_reads_not_possible_and_stops_counting(how: str) -> None:
    w = world()
    intro = _ask(w)
    assert _status(w.ann, intro) == (200, "Waiting for Fay Facilitator")
    _leave(w, w.facilitator, how)
    assert _status(w.ann, intro) == (200, "Not possible at the moment")
    page = as_client(w.ann).get(f"/network/introductions/{intro.public_id}/").content.decode()
    assert '<p class="lead">Not possible at the moment</p>' in page
    assert "Fay" not in re.sub(r"You asked Fay Facilitator to introduce you\.", "", page)  # no reason given
    assert "Withdraw my ask" in page
    # The same person may be asked for again through someone else...
    helper = member(w.group, "Ivy Introducer")
    again = _ask(w, introducer=helper)
    assert again.status == IntroStatus.OPEN
    # ... and the stuck ask no longer counts: five asks this week besides it.
    for i in range(4):
        _ask(w, introducer=helper, target=member(w.group, f"Target {i}"))
    with pytest.raises(services.NetworkError) as err:
        _ask(w, introducer=helper, target=member(w.group, "Target 5"))
    assert err.value.status == 429


def test_an_ask_whose_target_left_after_it_was_passed_on_reads_not_possible_for_everyone() -> None:
    w = world()
    intro = _ask(w)
    services.introduction_accept(user=w.facilitator, introduction=intro, note="Worth a chat.")
    _leave(w, w.people["bea"], "left")
    assert _status(w.ann, intro) == (200, "Not possible at the moment")
    assert _status(w.facilitator, intro) == (200, "Not possible at the moment")
    assert _status(w.people["bea"], intro) == (404, "Not found.")
    # Nobody is asked to answer it any more.
    listed = _api(w.facilitator).get("/api/v1/network/introductions").json()
    assert [i["waiting_for_me"] for i in listed["asked_of_me"]] == [False]


def test_the_introducer_who_left_cannot_answer_and_coming_back_does_not_revive_it_silently() -> None:
    w = world()
    intro = _ask(w)
    _leave(w, w.facilitator, "left")
    with pytest.raises(services.NetworkError) as err:
        services.introduction_accept(user=w.facilitator, introduction=intro, note="Yes")
    assert err.value.status == 404


# Finding 4: withdrawing.


def test_the_asker_withdraws_an_open_ask_through_the_page() -> None:
    w = world()
    intro = _ask(w)
    c = as_client(w.ann)
    r = c.post(f"/network/introductions/{intro.public_id}/withdraw/")
    assert (r.status_code, r["Location"]) == (302, f"/network/introductions/{intro.public_id}/")
    intro.refresh_from_db()
    assert intro.status == IntroStatus.WITHDRAWN
    page = c.get(f"/network/introductions/{intro.public_id}/").content.decode()
    assert '<p class="lead">Withdrawn</p>' in page
    assert "Withdraw my ask" not in page
    assert _status(w.facilitator, intro) == (200, "Withdrawn")
    assert Notification.objects.get(recipient=w.facilitator).read_at is not None


@pytest.mark.parametrize(
    "who", ["asker", "asker-stalled", "introducer", "target", "member", "non-member", "ex-member", "anonymous", "again"]
)
def test_the_withdraw_api_for_each_viewer(who: str) -> None:
    w = world()
    intro = _ask(w)
    services.introduction_accept(user=w.facilitator, introduction=intro, note="Worth a chat.")
    url = f"/api/v1/network/introductions/{intro.public_id}/withdraw"
    if who == "anonymous":
        assert Client().post(url).status_code == 401
        return
    user = {
        "asker": w.ann, "asker-stalled": w.ann, "again": w.ann, "introducer": w.facilitator,
        "target": w.people["bea"], "member": w.people["cal"], "non-member": UserFactory(), "ex-member": w.ann,
    }[who]  # fmt: skip
    if who == "ex-member":
        _leave(w, w.ann, "left")
    if who == "asker-stalled":
        _leave(w, w.people["bea"], "banned")
    if who == "again":
        _api(user).post(url)
    r = _api(user).post(url)
    expected = {
        "asker": (200, "Withdrawn"),
        "asker-stalled": (200, "Withdrawn"),
        "again": (409, "This introduction isn't waiting for answers any more: there is nothing to withdraw."),
        "introducer": (409, "Only the person who asked for it can withdraw an introduction."),
        "target": (409, "Only the person who asked for it can withdraw an introduction."),
        "member": (404, "Not found."),
        "non-member": (404, "Not found."),
        "ex-member": (404, "Not found."),
    }[who]
    assert (r.status_code, r.json().get("status", r.json().get("detail"))) == expected
    intro.refresh_from_db()
    assert intro.status == (IntroStatus.WITHDRAWN if expected[0] == 200 or who == "again" else IntroStatus.OPEN)


def test_a_bad_public_id_in_the_withdraw_path_is_a_clear_404() -> None:
    w = world()
    r = _api(w.ann).post("/api/v1/network/introductions/abcdefghijkm/withdraw")
    assert (r.status_code, r.json()) == (404, {"detail": "Not found."})


def test_a_withdrawn_ask_still_counts_toward_the_week() -> None:
    w = world()
    for i in range(5):
        services.introduction_withdraw(user=w.ann, introduction=_ask(w, target=member(w.group, f"T {i}")))
    with pytest.raises(services.NetworkError) as err:
        _ask(w, target=member(w.group, "T 5"))
    assert err.value.status == 429


def test_a_facilitator_withdraws_their_proposal_and_the_asker_of_it_cannot() -> None:
    w = world()
    intro = services.introduction_propose(
        facilitator=w.facilitator, group=w.group, asker=w.ann, target=w.people["bea"], note="You two should talk."
    )
    with pytest.raises(services.NetworkError) as err:
        services.introduction_withdraw(user=w.ann, introduction=intro)
    assert (err.value.status, err.value.message) == (
        409, "Only the facilitator who proposed it can withdraw an introduction."
    )  # fmt: skip
    services.introduction_withdraw(user=w.facilitator, introduction=intro)
    assert _status(w.ann, intro) == (200, "Withdrawn")
    assert Notification.objects.filter(recipient__in=(w.ann, w.people["bea"]), read_at__isnull=True).count() == 0


# Finding 5: already connected.


def _connect(w) -> Introduction:  # type: ignore[no-untyped-def]
    intro = services.introduction_propose(
        facilitator=w.facilitator, group=w.group, asker=w.ann, target=w.people["bea"], note="You two should talk."
    )
    services.introduction_accept(user=w.ann, introduction=intro)
    services.introduction_accept(user=w.people["bea"], introduction=intro)
    return intro


def test_two_people_already_connected_are_not_introduced_again() -> None:
    w = world()
    _connect(w)
    body = {"group": w.group.slug, "asker": w.people["bea"].public_id, "target": w.ann.public_id, "note": "Again"}
    r = _api(w.facilitator).post("/api/v1/network/proposals", body, content_type="application/json")
    assert (r.status_code, r.json()) == (
        409, {"detail": "Bea Baker and Ann Alvarez are already connected: an introduction between them was accepted."}
    )  # fmt: skip
    helper = member(w.group, "Ivy Introducer")
    ask = {"group": w.group.slug, "introducer": helper.public_id, "target": w.ann.public_id, "note": "Hi"}
    r = _api(w.people["bea"]).post("/api/v1/network/introductions", ask, content_type="application/json")
    expected = (
        "You're already connected with Ann Alvarez: an introduction between you was accepted, "
        "and they are in your tracker's contacts."
    )
    assert (r.status_code, r.json()) == (409, {"detail": expected})
    page = as_client(w.people["bea"]).post("/network/introductions/ask/", {**ask, "note": "Hi again"})
    assert page.status_code == 400
    assert expected.replace("'", "&#x27;") in page.content.decode()
    assert Introduction.objects.count() == 1


# Finding 6: a refused ask.


def test_a_refused_repeat_shows_no_introducer_anything_and_answers_later(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = world()
    bea = w.people["bea"]
    first = _ask(w)
    services.introduction_accept(user=w.facilitator, introduction=first, note="Worth a chat.")
    services.introduction_decline(user=bea, introduction=first)  # "not now", no block
    Notification.objects.all().delete()
    maya = member(w.group, "Maya Introducer")
    start = timezone.now()
    again = _ask(w, introducer=maya)
    assert again.closed_by == ClosedBy.BLOCKED
    assert start + services.REFUSAL_DELAY[0] <= again.closed_at <= timezone.now() + services.REFUSAL_DELAY[1]
    # The introducer sees nothing: no page, no row, no notification.
    assert _status(maya, again) == (404, "Not found.")
    assert _api(maya).get("/api/v1/network/introductions").json() == {
        "to_decide": [], "asked_by_me": [], "asked_of_me": []
    }  # fmt: skip
    # The asker reads what any ask waiting for its introducer reads, and may withdraw it.
    assert _status(w.ann, again) == (200, "Waiting for Maya Introducer")
    assert "Withdraw my ask" in as_client(w.ann).get(f"/network/introductions/{again.public_id}/").content.decode()
    # Asking once more answers as a genuine open ask would.
    with pytest.raises(services.NetworkError) as err:
        _ask(w, introducer=member(w.group, "Dan Third"))
    assert (err.value.status, err.value.message) == (
        409, "You've already asked for this introduction: it is waiting for an answer."
    )  # fmt: skip
    # Nothing is told before it is due.
    assert tasks.send_due_refusals(timezone.now()) == 0
    assert Notification.objects.count() == 0
    # Time passes: it is due.
    Introduction.objects.filter(pk=again.pk).update(closed_at=timezone.now() - timedelta(minutes=1))
    assert tasks.send_due_refusals() == 1
    assert tasks.send_due_refusals() == 0  # once
    assert list(Notification.objects.values_list("recipient_id", "kind")) == [
        (w.ann.pk, "network.introduction_declined")
    ]
    assert _status(w.ann, again) == (200, "Not possible at the moment")
    assert _status(maya, again) == (404, "Not found.")


# Finding 7: the answer page's form.


def test_passing_on_with_an_empty_note_names_the_field_as_the_page_does() -> None:
    w = world()
    intro = _ask(w)
    c = as_client(w.facilitator)
    page = c.get(f"/network/introductions/{intro.public_id}/").content.decode()
    assert 'Your note to Bea Baker: why should they meet? <span class="required">(required)</span>' in page
    assert page.index("Pass it on") < page.index("Not the right time?") < page.index("ask me again")
    r = c.post(f"/network/introductions/{intro.public_id}/accept/", {"note": "  "})
    body = r.content.decode()
    assert r.status_code == 400
    assert "Introduction " + intro.public_id not in body
    assert '<p class="error-summary-title">Your answer isn\'t saved yet: fix what is marked below.</p>' in body
    assert (
        '<a href="#id_note">Your note to Bea Baker: why should they meet: '
        "Add a line for them: why these two should meet.</a>"
    ) in body


# Finding 14: answered notifications are no longer "New".


@pytest.mark.parametrize("answer", ["pass on", "not now"])
def test_answering_marks_the_ask_read_for_the_one_who_answered(answer: str) -> None:
    w = world()
    intro = _ask(w)
    asked = Notification.objects.get(recipient=w.facilitator, kind="network.introduction_requested")
    assert (asked.read_at, badge_count(w.facilitator)) == (None, 1)
    if answer == "pass on":
        services.introduction_accept(user=w.facilitator, introduction=intro, note="Worth a chat.")
    else:
        services.introduction_decline(user=w.facilitator, introduction=intro)
    asked.refresh_from_db()
    assert asked.read_at is not None
    assert asked.email_state in (EmailState.SENT, EmailState.SKIPPED)
    assert badge_count(w.facilitator) == 0
    if answer == "pass on":  # the target's own ask to answer is still new
        passed = Notification.objects.get(recipient=w.people["bea"])
        assert (passed.kind, passed.read_at) == ("network.introduction_passed_on", None)


def test_a_proposal_answered_by_one_stays_new_for_the_other_until_closed() -> None:
    w = world()
    intro = services.introduction_propose(
        facilitator=w.facilitator, group=w.group, asker=w.ann, target=w.people["bea"], note="You two should talk."
    )
    services.introduction_accept(user=w.ann, introduction=intro)
    unread = Notification.objects.filter(kind="network.introduction_proposed", read_at__isnull=True)
    assert list(unread.values_list("recipient_id", flat=True)) == [w.people["bea"].pk]
    services.introduction_decline(user=w.people["bea"], introduction=intro)
    assert unread.count() == 0

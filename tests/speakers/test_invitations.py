"""Invitations to speak, for each kind of viewer: only facilitators of a speakers group invite,
only the invited person answers, anyone else gets the same 404 as a missing invitation and
changes nothing; an accepted invitation becomes the meeting's talk, linked to the expert;
the notifications (inbox and email, through the real task worker) are re-checked when
recorded and when sent; rate limits and odd
input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from roundtable.groups.models import Membership, MembershipRole
from roundtable.meetings.models import Meeting, Talk
from roundtable.notifications.selectors import inbox_for
from roundtable.speakers import services
from roundtable.speakers.models import Invitation, InvitationStatus
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, TalkFactory, UserFactory

from .world import api, as_client, run_tasks, world

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _state() -> tuple[object, ...]:
    return (
        list(Invitation.objects.values_list("pk", "status", "title", "answer_note")),
        list(Talk.objects.values_list("pk", "meeting", "speaker", "title")),
    )


def _invite(w, **extra: object) -> Invitation:  # type: ignore[no-untyped-def]
    fields: dict[str, object] = {"meeting": w.open_meeting, **extra}
    return services.invitation_create(
        by=w.fay, expert=w.expert, group=w.speakers, note="Our members ask about resumes.", **fields
    )  # type: ignore[arg-type]


@pytest.mark.django_db(transaction=True)
def test_a_facilitator_invites_on_the_page_and_the_expert_is_emailed(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = world()
    c = as_client(w.fay)
    page = c.get(f"/speakers/{w.expert.public_id}/")
    assert f'href="/speakers/{w.expert.public_id}/invite/"' in page.content.decode()
    form = c.get(f"/speakers/{w.expert.public_id}/invite/")
    assert form.status_code == 200
    assert "Harbor March night" in form.content.decode()
    with_talk = MeetingFactory(group=w.speakers, title="Taken night")
    TalkFactory(meeting=with_talk)
    assert "Taken night" not in c.get(f"/speakers/{w.expert.public_id}/invite/").content.decode()
    r = c.post(
        f"/speakers/{w.expert.public_id}/invite/",
        {
            "group": w.speakers.slug,
            "meeting": w.open_meeting.public_id,
            "topic": "resumes",
            "note": "Thirty people,\nmostly career changers.",
        },
    )
    inv = Invitation.objects.get()
    assert (r.status_code, r["Location"]) == (302, f"/speakers/invitations/{inv.public_id}/")
    assert (inv.group, inv.meeting, inv.topic.name, inv.invited_by, inv.status) == (  # type: ignore[union-attr]
        w.speakers,
        w.open_meeting,
        "Resumes",
        w.fay,
        "pending",
    )
    [item] = inbox_for(w.eve)
    title = "Fay Fac invites you to speak to Harbor Speakers on Resumes"
    assert (item.kind, item.title, item.url, item.actor_name) == (
        "speakers.invitation_received",
        title,
        f"/speakers/invitations/{inv.public_id}/",
        "Fay Fac",
    )
    assert item.text.startswith("Harbor March night, ")
    assert item.text.endswith(
        ". Their note: Thirty people, mostly career changers. Accept or decline on the invitation's page."
    )
    assert inbox_for(w.fay) == []
    run_tasks()
    [mail] = mailoutbox
    assert mail.to == [w.eve.email]
    assert mail.subject.endswith(title)
    assert f"/speakers/invitations/{inv.public_id}/" in mail.body


def test_only_facilitators_of_speakers_groups_may_invite() -> None:
    w = world()
    strategic = GroupFactory(name="Plan Group")  # a strategic group's facilitator
    planner = MembershipFactory(group=strategic, role=MembershipRole.FACILITATOR).user
    before = _state()
    body = {"group": w.speakers.slug, "meeting": w.open_meeting.public_id}
    for viewer in (w.member, w.stranger, w.banned, w.ex_member, w.secret_member, planner, w.eve):
        c = as_client(viewer)
        assert (
            f"/speakers/{w.expert.public_id}/invite/" not in c.get(f"/speakers/{w.expert.public_id}/").content.decode()
        )
        assert c.get(f"/speakers/{w.expert.public_id}/invite/").status_code == 404
        assert c.post(f"/speakers/{w.expert.public_id}/invite/", body).status_code == 404
        r = api(viewer).post(f"/api/v1/speakers/{w.expert.public_id}/invite", body, content_type=JSON)
        assert (r.status_code, r.json()) == (404, {"detail": "Not found."}), viewer
    assert as_client(None).get(f"/speakers/{w.expert.public_id}/invite/").status_code == 302  # log in first
    assert (
        as_client(None).post(f"/api/v1/speakers/{w.expert.public_id}/invite", body, content_type=JSON).status_code
        == 401
    )
    assert _state() == before


def test_another_groups_ids_are_refused_as_missing() -> None:
    w = world()
    other = GroupFactory(name="Other Speakers", kind="speakers")
    MembershipFactory(group=other, role=MembershipRole.FACILITATOR)
    their_meeting = MeetingFactory(group=other)
    client = api(w.fay)
    url = f"/api/v1/speakers/{w.expert.public_id}/invite"
    for body in (
        {"group": other.slug, "meeting": their_meeting.public_id},
        {"group": w.speakers.slug, "meeting": their_meeting.public_id},
        {"group": w.secret.slug, "proposed_on": "2027-01-05"},
        {"group": w.speakers.slug, "meeting": "aaaaaaaaaaaa"},
    ):
        r = client.post(url, body, content_type=JSON)
        assert (r.status_code, r.json()) == (404, {"detail": "Not found."}), body
    # On the page, another group's meeting is simply not a choice.
    r = as_client(w.fay).post(
        f"/speakers/{w.expert.public_id}/invite/", {"group": w.speakers.slug, "meeting": their_meeting.public_id}
    )
    assert r.status_code == 400
    assert list(r.context["form"].errors) == ["meeting"]
    assert Invitation.objects.count() == 0


def test_odd_input_gets_a_reason() -> None:
    w = world()
    c = as_client(w.fay)
    url = f"/speakers/{w.expert.public_id}/invite/"
    for data, field in (
        ({"proposed_on": "9999-12-31"}, "proposed_on"),
        ({"proposed_on": "99999-01-01"}, "proposed_on"),
        ({"proposed_on": (timezone.now().date() - timedelta(days=1)).isoformat()}, "proposed_on"),
        ({"meeting": w.open_meeting.public_id, "proposed_on": "2027-05-01"}, "proposed_on"),
        ({}, "meeting"),
        ({"proposed_on": "2027-05-01", "note": "Hello\x00"}, "note"),
        ({"proposed_on": "2027-05-01", "topic": "not-theirs"}, "topic"),
        ({"proposed_on": "2027-05-01", "group": "someone-elses"}, "group"),
    ):
        r = c.post(url, {"group": w.speakers.slug, **data})
        assert r.status_code == 400, data
        assert list(r.context["form"].errors) == [field], (data, r.context["form"].errors)
    client = api(w.fay)
    api_url = f"/api/v1/speakers/{w.expert.public_id}/invite"
    for body, status in (
        ({"group": w.speakers.slug, "proposed_on": "9999-12-31"}, 400),
        ({"group": w.speakers.slug, "proposed_on": "31/12/2027"}, 422),
        ({"group": w.speakers.slug, "proposed_on": "2027-05-01", "note": "a\x1bb"}, 422),
        ({"group": "a\nb", "proposed_on": "2027-05-01"}, 422),
        ({"group": w.speakers.slug}, 400),
        ({"group": w.speakers.slug, "proposed_on": "2027-05-01", "topic": "plumbing"}, 400),
    ):
        r = client.post(api_url, body, content_type=JSON)
        assert r.status_code == status, (body, r.json())
        assert isinstance(r.json()["detail"], str)
    assert Invitation.objects.count() == 0


def test_a_meeting_with_a_talk_and_a_second_pending_invitation_are_refused() -> None:
    w = world()
    TalkFactory(meeting=w.open_meeting)
    r = api(w.fay).post(
        f"/api/v1/speakers/{w.expert.public_id}/invite",
        {"group": w.speakers.slug, "meeting": w.open_meeting.public_id},
        content_type=JSON,
    )
    assert (r.status_code, r.json()) == (400, {"detail": services.HAS_TALK})
    Talk.objects.filter(meeting=w.open_meeting).delete()
    _invite(w)
    co = MembershipFactory(group=w.speakers, role=MembershipRole.FACILITATOR).user
    r = api(co).post(
        f"/api/v1/speakers/{w.expert.public_id}/invite",
        {"group": w.speakers.slug, "proposed_on": "2027-06-01"},
        content_type=JSON,
    )
    assert r.status_code == 409
    assert Invitation.objects.count() == 1


def test_invitations_are_limited_per_facilitator_per_day() -> None:
    w = world()
    client = api(w.fay)
    from tests.speakers.world import make_expert

    experts = [make_expert(UserFactory()) for _ in range(services.INVITATIONS_PER_DAY + 1)]
    for e in experts[: services.INVITATIONS_PER_DAY]:
        r = client.post(
            f"/api/v1/speakers/{e.public_id}/invite",
            {"group": w.speakers.slug, "proposed_on": "2027-06-01"},
            content_type=JSON,
        )
        assert r.status_code == 201
    r = client.post(
        f"/api/v1/speakers/{experts[-1].public_id}/invite",
        {"group": w.speakers.slug, "proposed_on": "2027-06-01"},
        content_type=JSON,
    )
    assert (r.status_code, r.json()) == (429, {"detail": services.RATE_TEXT})
    page = as_client(w.fay).post(
        f"/speakers/{experts[-1].public_id}/invite/", {"group": w.speakers.slug, "proposed_on": "2027-06-01"}
    )
    assert page.status_code == 400
    assert services.RATE_TEXT in page.content.decode()
    # A day later the count starts again.
    Invitation.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    r = client.post(
        f"/api/v1/speakers/{experts[-1].public_id}/invite",
        {"group": w.speakers.slug, "proposed_on": "2027-06-01"},
        content_type=JSON,
    )
    assert r.status_code == 201


def test_who_sees_an_invitation_and_who_answers_it() -> None:
    w = world()
    inv = _invite(w)
    co = MembershipFactory(group=w.speakers, role=MembershipRole.FACILITATOR, user=UserFactory(name="Cy Co")).user
    url = f"/speakers/invitations/{inv.public_id}/"
    for viewer in (w.eve, w.fay, co):
        assert as_client(viewer).get(url).status_code == 200
        assert api(viewer).get(f"/api/v1/speakers/invitations/{inv.public_id}").json()["status"] == "pending"
    assert "Accept and send" in as_client(w.eve).get(url).content.decode()
    assert "Accept and send" not in as_client(w.fay).get(url).content.decode()
    before = _state()
    # The facilitators see it but may not answer it; nobody else sees it at all.
    for viewer in (w.member, w.stranger, w.banned, w.secret_member, w.fay, co):
        c = as_client(viewer)
        if viewer not in (w.fay, co):
            assert c.get(url).status_code == 404
            r = api(viewer).get(f"/api/v1/speakers/invitations/{inv.public_id}")
            assert (r.status_code, r.json()) == (404, {"detail": "No such invitation."})
        assert c.post(url + "accept/", {"title": "Mine now"}).status_code == 404
        assert c.post(url + "decline/", {}).status_code == 404
        for action, body in (("accept", {"title": "Mine now"}), ("decline", {})):
            r = api(viewer).post(f"/api/v1/speakers/invitations/{inv.public_id}/{action}", body, content_type=JSON)
            assert (r.status_code, r.json()) == (404, {"detail": "No such invitation."})
    assert as_client(None).get(url).status_code == 302
    # A facilitator who steps down stops seeing it.
    Membership.objects.filter(user=co, group=w.speakers).update(role=MembershipRole.MEMBER)
    assert as_client(co).get(url).status_code == 404
    assert _state() == before


@pytest.mark.django_db(transaction=True)
def test_accepting_fills_the_meetings_talk_linked_to_the_expert(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = world()
    inv = _invite(w, topic=w.expert.topics.get(slug="resumes"))
    run_tasks()
    mailoutbox.clear()
    c = as_client(w.eve)
    r = c.post(f"/speakers/invitations/{inv.public_id}/accept/", {"title": "", "abstract": "x"})
    assert r.status_code == 400
    assert list(r.context["accept_form"].errors) == ["title"]
    r = c.post(
        f"/speakers/invitations/{inv.public_id}/accept/",
        {
            "title": "Resumes that get read",
            "abstract": "Six seconds,\nthen what.",
            "note": "Happy to!",
        },
    )
    assert r.status_code == 302
    talk = Talk.objects.get(meeting=w.open_meeting)
    assert (
        talk.speaker,
        talk.speaker_name,
        talk.title,
        talk.abstract,
        talk.bio,
        [t.name for t in talk.topics.all()],
    ) == (
        w.eve,
        "Eve Expert",
        "Resumes that get read",
        "Six seconds,\nthen what.",
        "Recruiter for ten years.",
        ["Resumes"],
    )
    inv.refresh_from_db()
    assert (inv.status, inv.title, inv.answer_note) == ("accepted", "Resumes that get read", "Happy to!")
    # On her page as coming up, and on the meeting's page.
    assert "Resumes that get read" in as_client(None).get(f"/speakers/{w.expert.public_id}/").content.decode()
    assert "Resumes that get read" in as_client(None).get(f"/meetings/{w.open_meeting.public_id}/").content.decode()
    detail = api(w.eve).get(f"/api/v1/speakers/{w.expert.public_id}").json()
    assert [t["title"] for t in detail["upcoming_talks"]] == ["Resumes that get read"]
    [item] = inbox_for(w.fay)
    assert (item.kind, item.title, item.text, item.actor_name) == (
        "speakers.invitation_answered",
        "Eve Expert accepted your invitation to speak to Harbor Speakers",
        "Talk: Resumes that get read. It is now the talk of Harbor March night. Their note: Happy to!",
        "Eve Expert",
    )
    run_tasks()
    [mail] = mailoutbox
    assert mail.to == [w.fay.email]
    assert mail.subject.endswith("Eve Expert accepted your invitation to speak to Harbor Speakers")
    assert "Talk: Resumes that get read" in mail.body
    # Answered once only.
    r = api(w.eve).post(f"/api/v1/speakers/invitations/{inv.public_id}/decline", {}, content_type=JSON)
    assert (r.status_code, r.json()) == (409, {"detail": "You have answered this invitation already."})


def test_a_meeting_that_got_a_talk_meanwhile_keeps_the_invitation_pending() -> None:
    w = world()
    inv = _invite(w)
    TalkFactory(meeting=w.open_meeting, title="Someone else's")
    r = api(w.eve).post(f"/api/v1/speakers/invitations/{inv.public_id}/accept", {"title": "Mine"}, content_type=JSON)
    assert r.status_code == 409
    inv.refresh_from_db()
    assert inv.status == InvitationStatus.PENDING
    assert Talk.objects.get(meeting=w.open_meeting).title == "Someone else's"
    Meeting.objects.filter(pk=w.open_meeting.pk).update(status="cancelled")
    Talk.objects.filter(meeting=w.open_meeting).delete()
    r = api(w.eve).post(f"/api/v1/speakers/invitations/{inv.public_id}/accept", {"title": "Mine"}, content_type=JSON)
    assert r.status_code == 409
    assert not Talk.objects.filter(meeting=w.open_meeting).exists()


def test_accepting_a_proposed_date_leaves_the_scheduling_to_the_facilitator() -> None:
    w = world()
    inv = _invite(w, meeting=None, proposed_on=timezone.now().date() + timedelta(days=40))
    r = api(w.eve).post(
        f"/api/v1/speakers/invitations/{inv.public_id}/accept",
        {"title": "Salary talks", "abstract": ""},
        content_type=JSON,
    )
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["meeting"], r.json()["title"]) == ("accepted", None, "Salary talks")
    assert Talk.objects.filter(speaker=w.eve).count() == 3  # her three past talks only: no meeting yet
    body = as_client(w.fay).get(f"/speakers/invitations/{inv.public_id}/").content.decode()
    assert "pick Eve Expert as its speaker" in body


@pytest.mark.django_db(transaction=True)
def test_declining_tells_the_inviter_unless_they_stopped_facilitating(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = world()
    inv = _invite(w)
    run_tasks()
    mailoutbox.clear()
    r = as_client(w.eve).post(f"/speakers/invitations/{inv.public_id}/decline/", {"note": "Travelling in March."})
    assert r.status_code == 302
    inv.refresh_from_db()
    assert (inv.status, inv.answer_note) == ("declined", "Travelling in March.")
    assert not Talk.objects.filter(meeting=w.open_meeting).exists()
    run_tasks()
    [mail] = mailoutbox
    assert mail.to == [w.fay.email]
    assert mail.subject.endswith("Eve Expert declined your invitation to speak to Harbor Speakers")
    assert "Travelling in March." in mail.body
    # A second invitation, answered after the inviter stepped down: nothing recorded at all.
    inv2 = _invite(w)
    run_tasks()
    mailoutbox.clear()
    Membership.objects.filter(user=w.fay, group=w.speakers).update(role=MembershipRole.MEMBER)
    services.invitation_decline(by=w.eve, invitation=inv2)
    run_tasks()
    assert mailoutbox == []
    # And what she was told before no longer shows in her inbox either (re-checked when shown).
    assert inbox_for(w.fay) == []


@pytest.mark.django_db(transaction=True)
def test_a_facilitator_who_steps_down_before_the_worker_runs_gets_no_email(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = world()
    inv = _invite(w)
    run_tasks()
    mailoutbox.clear()
    services.invitation_accept(by=w.eve, invitation=inv, title="Resumes that get read")
    Membership.objects.filter(user=w.fay, group=w.speakers).update(role=MembershipRole.MEMBER)
    run_tasks()
    assert mailoutbox == []
    assert inbox_for(w.fay) == []
    assert [i.kind for i in inbox_for(w.eve)] == ["speakers.invitation_received"]


def test_the_invitations_page_lists_both_sides() -> None:
    w = world()
    inv = _invite(w, topic=w.expert.topics.get(slug="resumes"))
    eve_page = as_client(w.eve).get("/speakers/invitations/").content.decode()
    assert f'href="/speakers/invitations/{inv.public_id}/"' in eve_page
    assert "Harbor Speakers: Resumes" in eve_page
    fay_page = as_client(w.fay).get("/speakers/invitations/").content.decode()
    assert "Eve Expert: Resumes" in fay_page
    other = as_client(w.member).get("/speakers/invitations/").content.decode()
    assert inv.public_id not in other
    assert "No invitations yet" in other


def test_each_invitation_in_the_lists_has_its_next_step_as_a_button() -> None:
    speaker_services = services
    w = world()
    inv = speaker_services.invitation_create(
        by=w.fay, expert=w.expert, group=w.speakers, proposed_on=timezone.now().date() + timedelta(days=30)
    )
    url = f"/speakers/invitations/{inv.public_id}/"
    answer = (
        f'<a class="button button-small" href="{url}">Answer'
        '<span class="visually-hidden"> the invitation from Harbor Speakers</span></a>'
    )
    see_sent = (
        f'<a class="button button-small button-secondary" href="{url}">See the invitation'
        '<span class="visually-hidden"> to Eve Expert</span></a>'
    )
    eve = as_client(w.eve).get("/speakers/invitations/").content.decode()
    assert answer in eve
    assert see_sent not in eve
    fay = as_client(w.fay).get("/speakers/invitations/").content.decode()
    assert see_sent in fay
    assert "Answer<span" not in fay
    speaker_services.invitation_decline(by=w.eve, invitation=inv)
    eve = as_client(w.eve).get("/speakers/invitations/").content.decode()
    assert "Answer<span" not in eve
    assert (
        f'<a class="button button-small button-secondary" href="{url}">See the invitation'
        '<span class="visually-hidden"> from Harbor Speakers</span></a>'
    ) in eve

"""Which group, which meeting (tester's faults 2 and 12): an opportunity names the group it
came through and a contact the meeting or group where the owner met them, on the pages and
in the API; only groups the owner is or was in and may still see; meeting days where the
owner lives."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roundtable.groups.models import GroupVisibility, MembershipState
from roundtable.journal import landing
from roundtable.journal.insights import insights_for
from roundtable.tracker.models import Activity, Company, Contact, Opportunity
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory
from tests.tracker.helpers import bearer, logged_in, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    owner = UserFactory(name="Nina Novak")
    owner.profile.time_zone = "America/New_York"
    owner.profile.save(update_fields=["time_zone"])
    groups = {
        "harbor": GroupFactory(name="Harbor Roundtable", slug="harbor"),  # active member
        "quiet": GroupFactory(name="Quiet Circle", slug="quiet", visibility=GroupVisibility.SECRET),  # active
        "lantern": GroupFactory(name="Lantern Talks", slug="lantern", visibility=GroupVisibility.UNLISTED),  # left
        "hidden": GroupFactory(name="Hidden Hollow", slug="hidden", visibility=GroupVisibility.SECRET),  # left
        "stranger": GroupFactory(name="Stranger Speakers", slug="stranger"),  # never a member
        "removed": GroupFactory(name="Removed Roundtable", slug="removed"),  # removed
    }
    for slug, state in (("harbor", "active"), ("quiet", "active"), ("lantern", "left"), ("hidden", "left"),
                        ("removed", MembershipState.REMOVED)):  # fmt: skip
        MembershipFactory(group=groups[slug], user=owner, state=state)
    return owner, groups


def _options(html: str, name: str) -> list[str]:
    start = html.index(f'name="{name}"')
    block = html[start : html.index("</select>", start)]
    return [part.split(">", 1)[1].split("<", 1)[0] for part in block.split("<option")[1:]]


def test_the_opportunity_form_offers_only_the_groups_the_owner_is_or_was_in_and_may_see(world) -> None:
    owner, groups = world
    client = logged_in(owner)
    page = client.get("/tracker/opportunities/new/").content.decode()
    assert _options(page, "source_group") == ["None", "Harbor Roundtable", "Lantern Talks", "Quiet Circle"]

    made = client.post("/tracker/opportunities/new/", {"company": "Acme", "role": "PM", "stage": "applied",
                                                       "source": "group", "source_group": "quiet"})  # fmt: skip
    assert made.status_code == 302
    opp = Opportunity.objects.get(owner=owner)
    assert (opp.source, opp.source_group_id) == ("group", groups["quiet"].pk)
    shown = client.get(f"/tracker/opportunities/{opp.public_id}/").content.decode()
    assert ' · via the group <a href="/groups/quiet/">Quiet Circle</a></p>' in shown
    edit = client.get(f"/tracker/opportunities/{opp.public_id}/edit/").content.decode()
    assert '<option value="quiet" selected>Quiet Circle</option>' in edit

    before = snapshot(owner)
    for slug in ("hidden", "stranger", "removed", "nowhere"):
        refused = client.post("/tracker/opportunities/new/", {"company": "Acme", "role": "QA", "stage": "applied",
                                                              "source": "group", "source_group": slug})  # fmt: skip
        assert refused.status_code == 400
        assert "Choose one from the list." in refused.content.decode()
    assert snapshot(owner) == before

    # A group named with another source is refused with the reason.
    other = client.post("/tracker/opportunities/new/", {"company": "Acme", "role": "QA", "stage": "applied",
                                                        "source": "referral", "source_group": "harbor"})  # fmt: skip
    assert other.status_code == 400
    assert "Pick a group only when the source is “A group”." in other.content.decode()


def test_the_insights_name_the_group_interviews_came_from(world) -> None:
    owner, _groups = world
    client = Client()
    headers = bearer(owner)
    body = {"company": "Acme", "role": "PM", "source_group": "harbor"}
    made = client.post("/api/v1/me/opportunities", json.dumps(body), content_type="application/json", **headers)
    assert made.status_code == 201
    assert {k: made.json()[k] for k in ("source", "source_group", "source_group_name")} == {
        "source": "group",
        "source_group": "harbor",
        "source_group_name": "Harbor Roundtable",
    }
    Activity.objects.create(owner=owner, kind="interview", occurred_on=timezone.now().date() - timedelta(days=2),
                            opportunity=Opportunity.objects.get(owner=owner))  # fmt: skip
    assert insights_for(owner)["interview_sources"] == [{"label": "A group: Harbor Roundtable", "n": 1}]


def test_the_api_answers_a_hidden_or_someone_elses_group_as_a_missing_one(world) -> None:
    owner, groups = world
    stranger = UserFactory()
    MembershipFactory(group=groups["stranger"], user=stranger)
    client, headers = Client(), bearer(owner)
    before = snapshot(owner)
    answers = []
    for slug in ("hidden", "stranger", "removed", "nowhere"):
        body = {"company": "Acme", "role": "PM", "source": "group", "source_group": slug}
        r = client.post("/api/v1/me/opportunities", json.dumps(body), content_type="application/json", **headers)
        answers.append((r.status_code, r.json()))
        r = client.post("/api/v1/me/contacts", json.dumps({"name": "Dana", "group": slug}),
                        content_type="application/json", **headers)  # fmt: skip
        answers.append((r.status_code, r.json()))
    assert answers == [(404, {"detail": "No such group."})] * 8
    assert snapshot(owner) == before


def test_a_contact_names_the_meeting_the_owner_went_to_and_its_group(world) -> None:
    owner, groups = world
    went = MeetingFactory(
        group=groups["harbor"], title="Harbor turns", starts_at=datetime(2026, 11, 7, 0, 30, tzinfo=UTC)
    )  # Fri Nov 6, 7:30 PM in New York
    RsvpFactory(meeting=went, user=owner)
    skipped = MeetingFactory(group=groups["harbor"], starts_at=went.starts_at - timedelta(days=7))
    RsvpFactory(meeting=skipped, user=owner, status="declined")
    others = MeetingFactory(group=groups["harbor"], starts_at=went.starts_at - timedelta(days=14))
    RsvpFactory(meeting=others, user=UserFactory())
    client = logged_in(owner)
    page = client.get("/tracker/contacts/new/").content.decode()
    assert _options(page, "meeting") == ["None", "Harbor turns (Nov 6), Harbor Roundtable"]
    assert _options(page, "group") == ["None", "Harbor Roundtable", "Lantern Talks", "Quiet Circle"]

    made = client.post("/tracker/contacts/new/", {"name": "Dana Ortiz", "meeting": went.public_id})
    assert made.status_code == 302
    contact = Contact.objects.get(owner=owner)
    assert (contact.meeting_id, contact.group_id) == (went.pk, groups["harbor"].pk)
    shown = client.get(f"/tracker/contacts/{contact.public_id}/").content.decode()
    assert f'<dd><a href="/meetings/{went.public_id}/">Harbor turns</a>, Nov 6, 2026</dd>' in shown
    assert '<dd><a href="/groups/harbor/">Harbor Roundtable</a></dd>' in shown

    headers = bearer(owner)
    got = Client().get(f"/api/v1/me/contacts/{contact.public_id}", **headers).json()
    assert (got["meeting"], got["group"], got["group_name"]) == (went.public_id, "harbor", "Harbor Roundtable")
    # A PUT without the links keeps them; null clears them.
    put = Client().put(f"/api/v1/me/contacts/{contact.public_id}", json.dumps({"name": "Dana O."}),
                       content_type="application/json", **headers)  # fmt: skip
    assert (put.json()["meeting"], put.json()["group"]) == (went.public_id, "harbor")
    cleared = Client().put(f"/api/v1/me/contacts/{contact.public_id}",
                           json.dumps({"name": "Dana O.", "meeting": None, "group": None}),
                           content_type="application/json", **headers)  # fmt: skip
    assert (cleared.json()["meeting"], cleared.json()["group"]) == (None, None)

    before = snapshot(owner)
    for meeting in (skipped, others):
        r = Client().post("/api/v1/me/contacts", json.dumps({"name": "Lee", "meeting": meeting.public_id}),
                          content_type="application/json", **headers)  # fmt: skip
        assert (r.status_code, r.json()) == (404, {"detail": "No such meeting."})
    assert snapshot(owner) == before


def test_a_link_to_a_group_the_owner_can_no_longer_see_is_kept_but_not_shown(world) -> None:
    owner, groups = world
    contact = Contact.objects.create(owner=owner, name="Dana Ortiz", group=groups["hidden"])
    client = logged_in(owner)
    assert "Hidden Hollow" not in client.get(f"/tracker/contacts/{contact.public_id}/").content.decode()
    assert "Hidden Hollow" not in client.get(f"/tracker/contacts/{contact.public_id}/edit/").content.decode()
    assert client.post(f"/tracker/contacts/{contact.public_id}/edit/", {"name": "Dana"}).status_code == 302
    assert Contact.objects.get(pk=contact.pk).group_id == groups["hidden"].pk
    got = Client().get("/api/v1/me/contacts", **bearer(owner)).json()["results"][0]
    assert (got["group"], got["group_name"]) == (None, None)


def test_meeting_pickers_write_the_day_where_the_owner_lives(world) -> None:
    owner, groups = world
    # A Saturday-evening meeting in New York is already Sunday in UTC.
    day = timezone.now().astimezone(UTC).date() + timedelta(days=3)
    start = datetime(day.year, day.month, day.day, 0, 30, tzinfo=UTC)
    meeting = MeetingFactory(group=groups["harbor"], title="Speaker night", starts_at=start)
    RsvpFactory(meeting=meeting, user=owner)
    local = start - timedelta(hours=5)
    label = f"Speaker night ({local:%b} {local.day})"
    client = logged_in(owner)
    assert label in client.get("/tracker/quick-add/").content.decode()
    assert (
        f'<option value="{meeting.public_id}">{label}</option>'
        in client.get("/tracker/activities/new/").content.decode()
    )


def test_the_api_lists_take_a_fixed_number_of_queries_at_two_sizes() -> None:
    counts = []
    for size in (2, 20):
        owner = UserFactory()
        group = GroupFactory()
        MembershipFactory(group=group, user=owner)
        meeting = MeetingFactory(group=group, starts_at=timezone.now() - timedelta(days=3))
        RsvpFactory(meeting=meeting, user=owner)
        for i in range(size):
            Contact.objects.create(owner=owner, name=f"C{i}", meeting=meeting, group=GroupFactory())
            opp = Opportunity.objects.create(owner=owner, company=_company(owner), role=f"R{i}", source="group",
                                             source_group=GroupFactory())  # fmt: skip
            opp.stage_changes.create(to_stage="researching")
        headers = bearer(owner)
        row = []
        for url in ("/api/v1/me/contacts", "/api/v1/me/opportunities"):
            with CaptureQueriesContext(connection) as ctx:
                r = Client().get(url, **headers)
            assert (r.status_code, r.json()["count"]) == (200, size)
            row.append(len(ctx.captured_queries))
        counts.append(row)
    assert counts[0] == counts[1]


def _company(owner):  # type: ignore[no-untyped-def]
    return Company.objects.get_or_create(owner=owner, name="Acme")[0]


def test_the_landing_credits_the_same_groups_as_the_tracker_s_pickers(world) -> None:
    owner, _groups = world
    assert [g.slug for g in landing.creditable_groups(owner)] == ["harbor", "lantern", "quiet"]

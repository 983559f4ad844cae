"""Imports skip what is already there, exports carry everything (tester's faults 14, 15 and
the import items of 17)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from roundtable.journal.models import Goal, GoalPerson, Reflection, ReflectionPerson
from roundtable.tracker import exports, imports, services
from roundtable.tracker.models import Contact, Landing, Opportunity
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory
from tests.tracker.helpers import bearer, build, logged_in, snapshot

pytestmark = pytest.mark.django_db


def _linked_tracker():  # type: ignore[no-untyped-def]
    t = build(UserFactory(name="Nina Novak"))
    owner = t.owner
    group = GroupFactory(name="Harbor Roundtable", slug="harbor")
    MembershipFactory(group=group, user=owner)
    start = datetime(2026, 11, 7, 0, 30, tzinfo=UTC)
    meeting = MeetingFactory(group=group, title="Harbor turns", starts_at=start)
    RsvpFactory(meeting=meeting, user=owner)
    services.contact_create(owner=owner, data=services.ContactData(
        name="Lee Park", email="Lee@Example.com", phone="+1-617-555-0100", meeting=meeting))  # fmt: skip
    services.opportunity_create(owner=owner, data=services.OpportunityData(
        company_name="Acme", role="PM", source_group=group))  # fmt: skip
    return t, group, meeting


def test_an_export_imports_again_into_the_same_tracker_without_any_change() -> None:
    t, _group, _meeting = _linked_tracker()
    archive = zipfile.ZipFile(io.BytesIO(exports.as_zip(t.owner)))
    before = snapshot(t.owner)
    contacts = imports.import_file(t.owner, archive.read("contacts.csv"), "contacts")
    opportunities = imports.import_file(t.owner, archive.read("opportunities.csv"), "opportunities")
    assert snapshot(t.owner) == before
    assert (contacts.imported, [e.reason for e in contacts.parsed.skipped]) == (
        0, ["Dana Ortiz is already in your tracker.", "Lee Park is already in your tracker."],
    )  # fmt: skip
    assert imports.summary(contacts) == "Nothing new to import; 2 already in your tracker, skipped."
    assert imports.summary(opportunities) == "Nothing new to import; 2 already in your tracker, skipped."
    # The JSON export is the same before and after.
    assert exports.collect(t.owner) == exports.collect(t.owner)


def test_the_links_travel_with_the_export_and_import_into_another_account_where_they_may() -> None:
    t, group, meeting = _linked_tracker()
    files = exports.csv_files(t.owner)
    assert files["contacts.csv"].splitlines()[2] == (
        f"Lee Park,,,Lee@Example.com,'+1-617-555-0100,,,,,,{meeting.public_id},harbor"
    )
    assert files["opportunities.csv"].splitlines()[1] == "Acme,PM,researching,group,,,harbor"
    # Someone else, never at that meeting nor in that group: the rows say why.
    other = UserFactory()
    parsed = imports.parse(other, files["contacts.csv"].encode(), "contacts")
    assert [(e.line, e.reason) for e in parsed.errors] == [
        (3, f"meeting: {meeting.public_id!r} is not a meeting you went to. Leave the cell empty to import without it.")
    ]
    # A fellow member who went too: the links import.
    fellow = UserFactory()
    MembershipFactory(group=group, user=fellow)
    RsvpFactory(meeting=meeting, user=fellow)
    assert imports.import_file(fellow, files["contacts.csv"].encode(), "contacts").imported == 2
    assert imports.import_file(fellow, files["opportunities.csv"].encode(), "opportunities").imported == 2
    lee = Contact.objects.get(owner=fellow, name="Lee Park")
    assert (lee.meeting_id, lee.group_id, lee.phone) == (meeting.pk, group.pk, "+1-617-555-0100")
    assert Opportunity.objects.get(owner=fellow, role="PM").source_group_id == group.pk


def test_repeats_are_found_by_email_or_name_and_company_and_within_the_file() -> None:
    owner = UserFactory()
    services.contact_create(owner=owner, data=services.ContactData(name="Dana Ortiz", company_name="Acme",
                                                                   email="dana@example.com"))  # fmt: skip
    services.contact_create(owner=owner, data=services.ContactData(name="Sam Lee", company_name="Contoso"))
    services.opportunity_create(owner=owner, data=services.OpportunityData(company_name="Acme", role="PM"))
    data = (
        "name,company,email\r\n"
        "D. Ortiz,Other,DANA@example.com\r\n"  # same email, any case: there
        "sam lee,CONTOSO,sam@example.com\r\n"  # same name and company, one without email: there
        "Dana Ortiz,Acme,other@example.com\r\n"  # same name and company, two emails: another person
        "Kim Ray,,\r\n"
        "Kim Ray,,\r\n"  # twice in the file
    )
    outcome = imports.import_file(owner, data.encode(), "contacts")
    assert outcome.imported == 2
    assert [(e.line, e.reason) for e in outcome.parsed.skipped] == [
        (2, "D. Ortiz is already in your tracker."),
        (3, "sam lee is already in your tracker."),
        (6, "Kim Ray is already in your tracker."),
    ]
    assert imports.summary(outcome) == "Imported 2 rows; 3 already in your tracker, skipped."
    opps = imports.import_file(owner, b"company,role\r\nACME,pm\r\nAcme,QA\r\n", "opportunities")
    assert (opps.imported, [e.reason for e in opps.parsed.skipped]) == (1, ["pm at ACME is already in your tracker."])
    assert Opportunity.objects.filter(owner=owner).count() == 2


def test_a_double_submit_of_the_import_page_adds_nothing_the_second_time() -> None:
    owner = UserFactory()
    client = logged_in(owner)
    data = b"name,email\r\nDana,dana@example.com\r\nLee,lee@example.com\r\n"
    answers = []
    for _ in range(2):
        r = client.post("/tracker/import/", {"kind": "contacts", "file": SimpleUploadedFile("c.csv", data)},
                        follow=True)  # fmt: skip
        answers.append((r.redirect_chain, [str(m) for m in r.context["messages"]]))
    assert answers == [
        ([("/tracker/contacts/", 302)], ["Imported 2 rows."]),
        ([("/tracker/contacts/", 302)], ["Nothing new to import; 2 already in your tracker, skipped."]),
    ]
    assert Contact.objects.filter(owner=owner).count() == 2
    api = Client().post("/api/v1/me/import/contacts", {"file": SimpleUploadedFile("c.csv", data)}, **bearer(owner))
    assert (api.status_code, api.json()["imported"], api.json()["detail"]) == (
        200, 0, "Nothing new to import; 2 already in your tracker, skipped.",
    )  # fmt: skip


def test_after_a_report_the_good_rows_import_in_one_click_for_their_owner_only() -> None:
    owner, other = UserFactory(), UserFactory()
    client = logged_in(owner)
    data = b"name,email\r\nDana,dana@example.com\r\nLee,not-an-email\r\nKim,\r\n"
    report = client.post("/tracker/import/", {"kind": "contacts", "file": SimpleUploadedFile("c.csv", data)})
    assert report.status_code == 400
    html = report.content.decode()
    assert "Line 3: email: &#x27;not-an-email&#x27; is not an email address." in html
    assert '<button class="button" type="submit">Import the 2 good rows</button>' in html
    token = html.split('name="pending" value="', 1)[1].split('"', 1)[0]
    assert Contact.objects.count() == 0
    # Someone else's session cannot use the token: nothing is imported anywhere.
    theirs = logged_in(other).post("/tracker/import/", {"pending": token})
    assert [str(m) for m in get_messages(theirs.wsgi_request)] == [
        "That file is no longer waiting (it is kept for 30 minutes): choose it again."
    ]
    assert Contact.objects.count() == 0
    done = client.post("/tracker/import/", {"pending": token})
    assert (done.status_code, [str(m) for m in get_messages(done.wsgi_request)]) == (
        302, ["Imported 2 rows; 1 row with problems left out."],
    )  # fmt: skip
    assert sorted(Contact.objects.filter(owner=owner).values_list("name", flat=True)) == ["Dana", "Kim"]
    again = client.post("/tracker/import/", {"pending": token})
    assert again.status_code == 302
    assert Contact.objects.count() == 2


def test_the_export_carries_goals_reflections_the_landing_and_links() -> None:
    t, group, meeting = _linked_tracker()
    owner = t.owner
    owner.profile.time_zone = "America/New_York"
    owner.profile.save(update_fields=["time_zone"])
    met = UserFactory(name="Ravi Shah")
    goal = Goal.objects.create(owner=owner, meeting=meeting, reasons=["meet_attendees"], note="Meet a recruiter")
    GoalPerson.objects.create(goal=goal, person=met, why="Hiring analysts")
    reflection = Reflection.objects.create(owner=owner, meeting=meeting, value=4, takeaways="Ask for intros",
                                           goal_met="yes")  # fmt: skip
    ravi = services.contact_from_member(owner=owner, person=met, meeting=meeting)
    ReflectionPerson.objects.create(reflection=reflection, person=met, contact=ravi)
    Landing.objects.create(owner=owner, company_name="Acme", role="PM", source="group", group=group,
                           contact=ravi, landed_on=date(2026, 11, 20))  # fmt: skip
    data = json.loads(exports.as_json(owner))
    visit = {"meeting": meeting.public_id, "meeting_title": "Harbor turns", "meeting_day": "2026-11-06",
             "group": "Harbor Roundtable"}  # fmt: skip
    assert data["goals"] == [{**visit, "reasons": ["Meet particular attendees"], "note": "Meet a recruiter",
                              "people": [{"name": "Ravi Shah", "why": "Hiring analysts"}]}]  # fmt: skip
    assert data["reflections"] == [{**visit, "value": 4, "takeaways": "Ask for intros", "goal_met": "yes",
                                    "people_met": ["Ravi Shah"], "dismissed": False}]  # fmt: skip
    assert data["landing"] == [{"company": "Acme", "role": "PM", "source": "group", "group": "Harbor Roundtable",
                                "contact": "Ravi Shah", "landed_on": "2026-11-20", "search_started_on": None,
                                "will_help_others": False}]  # fmt: skip
    lee = next(c for c in data["contacts"] if c["name"] == "Lee Park")
    assert (lee["meeting"], lee["group"], lee["phone"]) == (meeting.public_id, "harbor", "+1-617-555-0100")
    files = exports.csv_files(owner)
    assert files["goals.csv"].splitlines() == [
        "meeting,meeting_title,meeting_day,group,reasons,note,people",
        f"{meeting.public_id},Harbor turns,2026-11-06,Harbor Roundtable,Meet particular attendees,Meet a recruiter,"
        "Ravi Shah (Hiring analysts)",
    ]
    assert files["reflections.csv"].splitlines()[1] == (
        f"{meeting.public_id},Harbor turns,2026-11-06,Harbor Roundtable,4,Ask for intros,yes,Ravi Shah,False"
    )
    assert files["landing.csv"].splitlines()[1] == "Acme,PM,group,Harbor Roundtable,Ravi Shah,2026-11-20,,False"
    api = Client().get("/api/v1/me/export", **bearer(owner)).json()
    assert (api["goals"], api["reflections"], api["landing"]) == (data["goals"], data["reflections"], data["landing"])
    # Someone else's export holds none of it.
    stranger = json.loads(exports.as_json(UserFactory()))
    assert {k: v for k, v in stranger.items() if v} == {}
    assert meeting.starts_at - timedelta(hours=5) == datetime(2026, 11, 6, 19, 30, tzinfo=UTC)

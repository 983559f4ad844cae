"""Import and export: row-by-row errors with the file's line numbers, nothing imported while a
row is bad (unless the good rows only are asked for), LinkedIn's notes lines, encodings and
limits, 10,000 rows in one transaction, and a good file round-tripping unchanged."""

from __future__ import annotations

import codecs
import io
import json
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.tracker import exports, imports, services
from roundtable.tracker.models import Company, Contact, Opportunity, StageChange
from tests.factories import UserFactory
from tests.tracker.helpers import bearer, logged_in

pytestmark = pytest.mark.django_db

MALFORMED = (
    "name,company,email,next_touch_on\r\n"
    "Dana Ortiz,Northwind,dana@example.com,2026-12-01\r\n"
    ",Contoso,,\r\n"
    "Li Wei,Contoso,not-an-address,\r\n"
    '"Sam ""The Closer"" Stone","Acme, Inc.",,2026-02-30\r\n'
    "Ann,A,a@example.com,2026-01-01,extra\r\n"
    "\r\n"
    '"Multi\nline",B,,\r\n'
    "Ok Person,,,9999-01-01\r\n"
)


def test_a_malformed_file_reports_each_bad_row_with_its_line_and_reason_and_imports_nothing() -> None:
    owner = UserFactory()
    outcome = imports.import_file(owner, MALFORMED.encode(), "contacts")
    assert outcome.imported == 0
    assert [(e.line, e.reason) for e in outcome.parsed.errors] == [
        (3, "name: This cannot be blank."),
        (4, "email: 'not-an-address' is not an email address."),
        (5, "next_touch_on: '2026-02-30' is not a date: write it as YYYY-MM-DD."),
        (6, "5 cells, but the header names 4 columns."),
        (8, "name: Keep this to one line: remove the line break at character 6."),
        (10, "next_touch_on: Pick a date between 1900-01-01 and 2999-12-31."),
    ]
    assert len(outcome.parsed.rows) == 1
    assert Contact.objects.filter(owner=owner).count() == Company.objects.filter(owner=owner).count() == 0


def test_the_good_rows_only_when_the_person_asks() -> None:
    owner = UserFactory()
    outcome = imports.import_file(owner, MALFORMED.encode(), "contacts", good_rows_only=True)
    assert outcome.imported == 1
    dana = Contact.objects.get(owner=owner)
    assert (dana.name, dana.company.name, dana.next_touch_on) == ("Dana Ortiz", "Northwind", date(2026, 12, 1))


def test_the_page_shows_the_report_and_the_api_answers_the_same_rows() -> None:
    owner = UserFactory()
    upload = SimpleUploadedFile("contacts.csv", MALFORMED.encode(), content_type="text/csv")
    page = logged_in(owner).post(reverse("tracker:import"), {"kind": "contacts", "file": upload})
    assert page.status_code == 400
    assert "Nothing imported yet: 6 rows to fix" in page.text
    assert "Line 4: email: &#x27;not-an-address&#x27; is not an email address." in page.text
    api = logged_in(owner).post(
        "/api/v1/me/import/contacts", {"file": SimpleUploadedFile("c.csv", MALFORMED.encode())}, **bearer(owner)
    )
    assert api.status_code == 200
    body = api.json()
    assert (body["imported"], body["rows"], len(body["errors"])) == (0, 7, 6)
    assert body["errors"][0] == {"line": 3, "reason": "name: This cannot be blank."}
    assert Contact.objects.filter(owner=owner).count() == 0


LINKEDIN = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing. '
    "You will only see email addresses for connections who have allowed their connections to see or download "
    "their email address using this setting https://www.linkedin.com/psettings/privacy/email. "
    'You can learn more here https://www.linkedin.com/help/linkedin/answer/261"\r\n'
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Dana,Ortiz,https://www.linkedin.com/in/danaortiz,dana@example.com,Northwind Health,Director of Product,"
    "15 Mar 2024\r\n"
    "Li,Wei,https://www.linkedin.com/in/liwei,,Contoso,Recruiter,02 Jan 2023\r\n"
    "Bad,Date,https://www.linkedin.com/in/bad,,,,yesterday\r\n"
)


def test_linkedins_connections_file_with_its_notes_lines_imports() -> None:
    owner = UserFactory()
    outcome = imports.import_file(owner, codecs.BOM_UTF8 + LINKEDIN.encode(), "linkedin", good_rows_only=True)
    assert [(e.line, e.reason) for e in outcome.parsed.errors] == [
        (7, "Connected On: 'yesterday' is not a date like 15 Mar 2024.")
    ]
    assert outcome.imported == 2
    dana = Contact.objects.get(owner=owner, name="Dana Ortiz")
    assert (dana.company.name, dana.role, dana.email, dana.linkedin_url, dana.last_touch_on, dana.how_met) == (
        "Northwind Health", "Director of Product", "dana@example.com", "https://www.linkedin.com/in/danaortiz",
        date(2024, 3, 15), "LinkedIn connection",
    )  # fmt: skip
    # The same file again: everyone is already there.
    again = imports.import_file(owner, LINKEDIN.encode(), "linkedin", good_rows_only=True)
    assert (again.imported, [s.line for s in again.parsed.skipped]) == (0, [5, 6])
    assert Contact.objects.filter(owner=owner).count() == 2


def test_a_file_that_is_not_linkedins_is_refused_with_a_reason() -> None:
    with pytest.raises(imports.ImportRefusedError, match="no row starts First Name, Last Name"):
        imports.parse(UserFactory(), b"name\r\nDana\r\n", "linkedin")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("name\r\nJos\u00e9\r\n".encode("cp1252"), "The file is not UTF-8 text."),
        (b"", "The file is empty."),
        (b"nam,company\r\nDana,X\r\n", "Line 1: unknown column 'nam'. The columns are: name, company,"),
        (b"company\r\nX\r\n", "Line 1: the header has no name column."),
        (b"name,name\r\nA,B\r\n", "Line 1: a column is named twice."),
        (b'name\r\n"Dana\r\n', 'Line 2: a quote (") opens a cell that is never closed, so the rest of the file'),
        (b'name\r\n"Da"na,x\r\n', 'Line 2: a quote (") in the middle of a cell.'),
        (b"name;company;role\r\nDana;Acme;PM\r\n", "Line 1: this file uses semicolons between its columns: save"),
        (b"name\x00\r\n", "The file holds NUL characters"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(imports.ImportRefusedError) as refused:
        imports.parse(UserFactory(), data, "contacts")
    assert str(refused.value).startswith(reason)


def test_utf16_and_a_byte_order_mark_are_read() -> None:
    owner = UserFactory()
    for data in ("name,role\r\nJos\u00e9,Lead\r\n".encode("utf-16"), codecs.BOM_UTF8 + "name\r\nZo\u00eb\r\n".encode()):
        assert imports.import_file(owner, data, "contacts").imported == 1
    assert sorted(Contact.objects.filter(owner=owner).values_list("name", flat=True)) == ["Jos\u00e9", "Zo\u00eb"]


def test_limits_on_size_and_rows_are_stated() -> None:
    owner = UserFactory()
    with pytest.raises(imports.ImportRefusedError, match="the limit is 5 MB"):
        imports.parse(owner, b"name\r\n" + b"x" * imports.MAX_BYTES, "contacts")
    rows = "name\r\n" + "".join(f"P{i}\r\n" for i in range(imports.MAX_ROWS + 1))
    with pytest.raises(imports.ImportRefusedError, match="more than 10,000 rows"):
        imports.parse(owner, rows.encode(), "contacts")
    big = SimpleUploadedFile("big.csv", b"name\r\n" + b"x" * imports.MAX_BYTES)
    page = logged_in(owner).post(reverse("tracker:import"), {"kind": "contacts", "file": big})
    assert page.status_code == 400
    assert "the limit is 5 MB" in page.text


def test_ten_thousand_rows_import_in_one_transaction_with_bulk_inserts() -> None:
    owner = UserFactory()
    rows = "name,company,role,next_touch_on\r\n" + "".join(
        f"Person {i},Company {i % 300},Engineer,2027-01-{1 + i % 28:02d}\r\n" for i in range(10_000)
    )
    with CaptureQueriesContext(connection) as ctx:
        outcome = imports.import_file(owner, rows.encode(), "contacts")
    assert outcome.imported == 10_000
    assert Contact.objects.filter(owner=owner).count() == 10_000
    assert Company.objects.filter(owner=owner).count() == 300
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
    assert len(writes) == 1 + 10  # the companies, then the contacts 1,000 at a time
    # One transaction: a failure in the last batch leaves nothing behind.
    bad = rows.replace("Person 9999,", "Person 9999\u0007,")
    other = UserFactory()
    assert imports.import_file(other, bad.encode(), "contacts").imported == 0
    assert Contact.objects.filter(owner=other).count() == 0


GOOD_CONTACTS = (
    "name,company,role,email,phone,linkedin_url,how_met,notes,last_touch_on,next_touch_on,meeting,group\r\n"
    'Ana Souza,Acme,CTO,ana@example.com,\'+1-617-555-0100,https://www.linkedin.com/in/ana,Conference,"Two\nlines",'
    "2026-10-01,2026-12-01,,\r\n"
    "Ben Okafor,,,,,,,'=not a formula,,,,\r\n"
    "Zo\u00eb Li,Contoso,Recruiter,,,,,,,2026-11-20,,\r\n"
)
GOOD_OPPORTUNITIES = (
    "company,role,stage,source,link,notes,source_group\r\n"
    "Acme,Data analyst,applied,referral,https://jobs.example.com/1,,\r\n"
    "Acme,Product manager,researching,,,Ask Ana first,\r\n"
    "Contoso,Researcher,interviewing,direct_outreach,,,\r\n"
)


def test_a_good_file_round_trips_through_import_and_export_unchanged() -> None:
    owner = UserFactory()
    assert imports.import_file(owner, GOOD_CONTACTS.encode(), "contacts").imported == 3
    assert imports.import_file(owner, GOOD_OPPORTUNITIES.encode(), "opportunities").imported == 3
    files = exports.csv_files(owner)
    assert files["contacts.csv"] == GOOD_CONTACTS
    assert files["opportunities.csv"] == GOOD_OPPORTUNITIES
    # ...and the zip's copies (with the byte-order mark spreadsheets want) import again.
    archive = zipfile.ZipFile(io.BytesIO(exports.as_zip(owner)))
    other = UserFactory()
    for name, kind in (("contacts.csv", "contacts"), ("opportunities.csv", "opportunities")):
        assert imports.import_file(other, archive.read(name), kind).imported == 3
    assert exports.csv_files(other)["contacts.csv"] == GOOD_CONTACTS
    assert exports.csv_files(other)["opportunities.csv"] == GOOD_OPPORTUNITIES
    assert Contact.objects.get(owner=other, name="Ben Okafor").notes == "=not a formula"
    # Every imported opportunity starts its history where it stands.
    assert sorted(StageChange.objects.filter(opportunity__owner=other).values_list("from_stage", "to_stage")) == [
        ("", "applied"), ("", "interviewing"), ("", "researching"),
    ]  # fmt: skip


def test_export_has_everything_with_stage_history() -> None:
    owner = UserFactory()
    opp = services.opportunity_create(owner=owner, data=services.OpportunityData(company_name="Acme", role="PM"))
    services.opportunity_move(opportunity=opp, stage="applied")
    services.activity_create(owner=owner, data=services.ActivityData(kind="application", occurred_on=date(2026, 11, 2),
                                                                     opportunity=opp))  # fmt: skip
    services.task_create(owner=owner, title="Follow up", due_on=date(2026, 11, 9))
    services.targets_set(owner=owner, per_week={"application": 2})
    data = json.loads(exports.as_json(owner))
    assert sorted(data) == [
        "activities", "companies", "contacts", "goals", "landing", "opportunities", "reflections", "targets", "tasks",
    ]  # fmt: skip
    assert [(h["from_stage"], h["to_stage"]) for h in data["opportunities"][0]["stage_history"]] == [
        ("", "researching"), ("researching", "applied"),
    ]  # fmt: skip
    assert data["activities"][0] == {
        "day": "2026-11-02", "kind": "application", "starts_at": None, "duration_minutes": None, "contact": "",
        "company": "Acme", "opportunity": "PM", "meeting": "", "note": "",
    }  # fmt: skip
    assert data["targets"] == [{"kind": "application", "per_week": 2}]
    files = exports.csv_files(owner)
    assert sorted(files) == sorted(
        ["contacts.csv", "companies.csv", "opportunities.csv", "stage_changes.csv", "activities.csv", "tasks.csv",
         "targets.csv", "goals.csv", "reflections.csv", "landing.csv"]
    )  # fmt: skip
    assert files["stage_changes.csv"].splitlines()[1:][1].startswith("Acme,PM,researching,applied,")
    assert Opportunity.objects.filter(owner=owner).count() == 1


def test_a_refused_value_is_quoted_up_to_80_characters_with_an_ellipsis_when_cut() -> None:
    owner = UserFactory()
    slug55 = "greater-boston-senior-product-and-analytics-leaders-2026"
    slug90 = "x" * 90
    data = f"name,group\r\nDana,{slug55}\r\nLee,{slug90}\r\nKim,{'y' * 80}\r\n"
    outcome = imports.import_file(owner, data.encode(), "contacts")
    tail = "is not a group you are or were in. Leave the cell empty to import without it."
    assert [(e.line, e.reason) for e in outcome.parsed.errors] == [
        (2, f"group: '{slug55}' {tail}"),
        (3, f"group: '{'x' * 80}\u2026' {tail}"),
        (4, f"group: '{'y' * 80}' {tail}"),
    ]

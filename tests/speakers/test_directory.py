"""The experts directory and an expert's page, for each kind of viewer: who is listed, which
past talks each viewer sees (never a secret or unlisted group's talk to an outsider, on the
page or in the API), searching and filtering, odd input, and volunteering."""

from __future__ import annotations

import pytest

from roundtable.speakers.models import Expert
from tests.factories import UserFactory

from .world import api, as_client, make_expert, world

pytestmark = pytest.mark.django_db

SECRET_TALK = "Layoffs nobody talks about"
UNLISTED_TALK = "Side door networking"
LISTED_TALK = "Resumes in six seconds"


def _talk_titles(body: str) -> set[str]:
    return {t for t in (LISTED_TALK, SECRET_TALK, UNLISTED_TALK) if t in body}


def test_each_viewer_sees_only_the_talks_of_groups_they_could_find() -> None:
    w = world()
    url = f"/speakers/{w.expert.public_id}/"
    expected = {
        None: {LISTED_TALK},
        w.stranger: {LISTED_TALK},
        w.member: {LISTED_TALK},
        w.fay: {LISTED_TALK},
        w.banned: {LISTED_TALK},
        w.ex_member: {LISTED_TALK},
        w.secret_member: {LISTED_TALK, SECRET_TALK},
        w.eve: {LISTED_TALK},  # her own page follows the same rule: she is in none of the hidden groups
    }
    for viewer, titles in expected.items():
        r = as_client(viewer).get(url)
        assert r.status_code == 200
        body = r.content.decode()
        assert _talk_titles(body) == titles, viewer
        assert ("Quiet Circle" in body) == (SECRET_TALK in titles), viewer
        assert "Side Door Speakers" not in body
    # The API says the same.
    for viewer, titles in expected.items():
        client = api(viewer) if viewer is not None else as_client(None)
        data = client.get(f"/api/v1/speakers/{w.expert.public_id}").json()
        assert {t["title"] for t in data["past_talks"]} == titles, viewer
        assert data["talk_count"] == len(titles)
        listed = client.get("/api/v1/speakers").json()
        assert [(e["id"], e["talk_count"]) for e in listed["results"]] == [(w.expert.public_id, len(titles))]


def test_past_talks_carry_their_materials() -> None:
    w = world()
    body = as_client(None).get(f"/speakers/{w.expert.public_id}/").content.decode()
    assert 'href="https://slides.example.org/six"' in body
    data = as_client(None).get(f"/api/v1/speakers/{w.expert.public_id}").json()
    [talk] = data["past_talks"]
    assert (talk["title"], talk["slides_url"], talk["recording_url"], talk["group"]) == (
        LISTED_TALK,
        "https://slides.example.org/six",
        "",
        "Harbor Speakers",
    )


def test_an_unlisted_or_closed_expert_answers_404_to_everyone_but_its_owner() -> None:
    w = world()
    Expert.objects.filter(pk=w.expert.pk).update(listed=False)
    url = f"/speakers/{w.expert.public_id}/"
    # Anonymous: byte for byte the page of a missing expert (signed-in pages differ by their CSRF token).
    assert as_client(None).get(url).content == as_client(None).get("/speakers/aaaaaaaaaaaa/").content
    for viewer in (None, w.stranger, w.fay, w.secret_member):
        r = as_client(viewer).get(url)
        assert r.status_code == 404
        assert "Eve Expert" not in r.content.decode()
    own = as_client(w.eve).get(url)
    assert own.status_code == 200
    assert "You are not listed." in own.content.decode()
    assert api(w.stranger).get(f"/api/v1/speakers/{w.expert.public_id}").json() == {"detail": "No such expert."}
    assert as_client(w.stranger).get("/api/v1/speakers").json()["count"] == 0
    assert "Eve Expert" not in as_client(w.stranger).get("/speakers/").content.decode()
    # A deactivated account's listed profile is gone too.
    Expert.objects.filter(pk=w.expert.pk).update(listed=True)
    w.eve.is_active = False
    w.eve.save()
    assert as_client(w.stranger).get(url).status_code == 404
    assert as_client(None).get("/api/v1/speakers").json()["count"] == 0


def test_search_and_filters() -> None:
    world()
    ola = UserFactory(name="Ola Online")
    make_expert(
        ola,
        bio="Nurse turned analyst.",
        speaks_about="Career change into health tech.",
        topics=("Career change",),
        online=True,
    )
    c = as_client(None)

    def names(query: str) -> list[str]:
        r = c.get("/speakers/" + query)
        assert r.status_code == 200, query
        body = r.content.decode()
        return [n for n in ("Eve Expert", "Ola Online") if n in body]

    assert names("") == ["Eve Expert", "Ola Online"]  # Eve has spoken: first
    assert names("?q=health+tech") == ["Ola Online"]
    assert names("?q=RESUMES") == ["Eve Expert"]
    assert names("?topic=career-change") == ["Ola Online"]
    assert names("?format=in_person") == ["Eve Expert"]
    assert names("?region=boston") == ["Eve Expert"]
    assert names("?q=plumbing") == []
    empty = c.get("/speakers/?q=plumbing").content.decode()
    assert "No expert matches yet" in empty
    assert 'href="/speakers/volunteer/"' in empty
    api_names = [e["name"] for e in c.get("/api/v1/speakers?q=health").json()["results"]]
    assert api_names == ["Ola Online"]


def test_an_empty_directory_says_what_to_do_next() -> None:
    body = as_client(None).get("/speakers/").content.decode()
    assert "No experts listed yet" in body
    assert 'href="/speakers/volunteer/"' in body


def test_odd_input_gets_a_reason_never_a_500() -> None:
    world()
    c = as_client(None)
    r = c.get("/speakers/", {"q": "resume\x00s"})
    assert r.status_code == 400
    assert "No experts are shown until the fields marked below are fixed." in r.content.decode()
    assert c.get("/speakers/", {"q": "a\nb"}).status_code == 400
    assert c.get("/speakers/", {"format": "by pigeon"}).status_code == 400
    assert c.get("/speakers/", {"q": "x" * 101}).status_code == 400
    assert c.get("/speakers/?page=99999999999999999999").status_code == 200
    assert c.get("/api/v1/speakers", {"q": "a\nb"}).status_code == 422
    assert c.get("/api/v1/speakers", {"format": "pigeon"}).status_code == 422
    assert c.get("/api/v1/speakers/not-an-id").json() == {"detail": "No such expert."}
    assert c.get("/speakers/aaaaaaaaaaaa/").status_code == 404


def test_volunteering_editing_and_unlisting() -> None:
    ann = UserFactory(name="Ann Alvarez")
    c = as_client(ann)
    assert as_client(None).get("/speakers/volunteer/").status_code == 302  # to the login page
    form = {
        "bio": "Hiring manager in fintech.",
        "speaks_about": "What hiring managers skim for.",
        "topics": "Interviewing, Fintech",
        "online": "on",
        "listed": "on",
    }
    # Odd input: each refused beside its field, nothing saved.
    for bad, field in (
        ({"bio": "Hi\x07there"}, "bio"),
        ({"topics": "One\u2028Two"}, "topics"),
        ({"in_person": "on", "region": ""}, "region"),
        ({"online": "", "in_person": ""}, "online"),
        ({"topics": ",".join(f"t{i}" for i in range(9))}, "topics"),
    ):
        r = c.post("/speakers/volunteer/", {**form, **bad})
        assert r.status_code == 400, bad
        assert r.context["form"].errors.keys() == {field}, bad
    assert Expert.objects.count() == 0
    r = c.post("/speakers/volunteer/", form)
    expert = Expert.objects.get(user=ann)
    assert (r.status_code, r["Location"]) == (302, f"/speakers/{expert.public_id}/")
    assert (expert.bio, sorted(t.name for t in expert.topics.all()), expert.where, expert.listed) == (
        "Hiring manager in fintech.",
        ["Fintech", "Interviewing"],
        "Online, from anywhere",
        True,
    )
    # Edit: in person too.
    r = c.post("/speakers/volunteer/", {**form, "in_person": "on", "region": "Austin, TX"})
    expert.refresh_from_db()
    assert expert.where == "In person around Austin, TX, or online, from anywhere"
    assert Expert.objects.count() == 1
    # Unlist, then list again, in one press each.
    c.post("/speakers/listing/", {"listed": "0"})
    expert.refresh_from_db()
    assert expert.listed is False
    assert "Ann Alvarez" not in as_client(None).get("/speakers/").content.decode()
    c.post("/speakers/listing/", {"listed": "1"})
    expert.refresh_from_db()
    assert expert.listed is True
    # Someone without a profile cannot flip anything.
    assert as_client(UserFactory()).post("/speakers/listing/", {"listed": "0"}).status_code == 404

"""A person who has not chosen the name others see (an account made without one shows as
"New member") cannot volunteer as an expert: the page asks for the name first, with a link to
their profile, and a POST changes nothing. An expert whose name is gone is out of the
directory, its page and its invitations until they add one; they alone see why."""

from __future__ import annotations

import pytest

from roundtable.accounts.models import Profile, User
from roundtable.accounts.services import UNNAMED
from roundtable.speakers import selectors, services
from roundtable.speakers.models import Expert
from tests.factories import UserFactory

from .world import api, as_client, make_expert, world

pytestmark = pytest.mark.django_db

NEEDS_NAME = (
    "Add your name to your profile first: the directory lists experts by name, and facilitators "
    "need to know whom they are inviting."
)
FORM = {"bio": "Hiring manager in fintech.", "speaks_about": "What hiring managers skim for.", "online": "on",
        "listed": "on", "topics": "Interviewing"}  # fmt: skip


def _unname(user: User, name: str = UNNAMED) -> None:
    Profile.objects.filter(user=user).update(display_name=name)
    user.refresh_from_db()
    if hasattr(user, "profile"):
        user.profile.refresh_from_db()


@pytest.mark.parametrize("blank", [UNNAMED, ""])
def test_without_a_name_the_volunteer_page_asks_for_it_and_a_post_saves_nothing(blank: str) -> None:
    nameless = UserFactory()
    _unname(nameless, blank)
    c = as_client(nameless)
    page = c.get("/speakers/volunteer/")
    body = page.content.decode()
    assert page.status_code == 200
    assert '<div class="card notice" role="status">' in body
    assert f"<p>{NEEDS_NAME}</p>" in body
    assert '<a class="button" href="/me/profile/#id_display_name">Add your name</a>' in body
    assert 'name="bio"' not in body  # no form to fill in for nothing
    r = c.post("/speakers/volunteer/", FORM)
    assert r.status_code == 400
    assert '<div class="card notice" role="alert">' in r.content.decode()
    assert Expert.objects.count() == 0
    with pytest.raises(services.SpeakerError) as refused:
        make_expert(nameless)
    assert (refused.value.message, refused.value.status) == (NEEDS_NAME, 400)
    # With a name, the same form volunteers them.
    _unname(nameless, "Nia Named")
    r = c.post("/speakers/volunteer/", FORM)
    expert = Expert.objects.get(user=nameless)
    assert (r.status_code, r["Location"]) == (302, f"/speakers/{expert.public_id}/")
    assert "Nia Named" in as_client(None).get("/speakers/").content.decode()


def test_an_expert_whose_name_is_gone_is_seen_by_nobody_but_themself() -> None:
    w = world()
    kim = UserFactory(name="Kim Keynote")
    expert = make_expert(kim, topics=("Negotiation",))
    _unname(kim)
    url = f"/speakers/{expert.public_id}/"
    for viewer in (None, w.stranger, w.member, w.fay):
        c = as_client(viewer)
        directory = c.get("/speakers/").content.decode()
        assert UNNAMED not in directory
        assert "Negotiation" not in directory  # not even its topic in the filter
        assert c.get(url).status_code == 404
        client = api(viewer) if viewer is not None else c
        assert [e["name"] for e in client.get("/api/v1/speakers").json()["results"]] == ["Eve Expert"]
        assert client.get(f"/api/v1/speakers/{expert.public_id}").json() == {"detail": "No such expert."}
    assert [t.name for t in selectors.directory_topics()] == ["LinkedIn", "Resumes"]
    # Facilitators cannot invite them, by page or API.
    assert as_client(w.fay).get(f"{url}invite/").status_code == 404
    r = api(w.fay).post(f"/api/v1/speakers/{expert.public_id}/invite", {"group": w.speakers.slug,
                        "proposed_on": "2030-01-10"}, content_type="application/json")  # fmt: skip
    assert (r.status_code, r.json()) == (404, {"detail": "No such expert."})
    # Kim sees her page, and why nobody else does.
    own = as_client(kim).get(url).content.decode()
    assert f"<strong>Nobody else sees this page yet.</strong> {NEEDS_NAME}" in own
    # Her name back, she is back.
    _unname(kim, "Kim Keynote")
    assert as_client(None).get(url).status_code == 200
    assert "Nobody else sees this page yet." not in as_client(kim).get(url).content.decode()

"""An anonymous discovery page built from its shell (views._from_shell: the frame and the form
rendered once per state of the choices, the typed values put in their marks) is the page
rendered in full, byte for byte, for every kind of input; a typed value never lands anywhere
but its own field."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from roundtable.groups import views
from tests.factories import GroupFactory, TopicFactory

QUERIES = [
    "q=interview",
    "q=interview&kind=strategic&radius=12.5",
    "q=%3Cb%3E%26%22'&near=Boston%2C+MA&radius=25&unit=mi",
    "near=02139&sort=distance&radius=30",
    "audience=veterans&format=virtual&topic=linkedin",
    "online=on&q=remote&sort=newest",
    "kind=support&page=2",
    "q=rtshellmarknearrtshellmark&near=Boston",  # a mark typed in: rendered in full instead
    "q=rtshellmarkresultsrtshellmark",
    "topic=rtshellmarkqrtshellmark&q=x",
    "q=a&q=b&kind=speakers",  # the form reads the last
    "radius=40&unit=km",
    "q=%C3%A9cole+caf%C3%A9&audience=%3Cscript%3E",
]


def _page(url: str, *, from_shell: bool, settings) -> str:  # type: ignore[no-untyped-def]
    settings.ROUNDTABLE_DISCOVERY_SHELL = from_shell
    cache.clear()  # a new generation: the whole-page cache must not answer
    r = Client().get(url)
    assert r.status_code == 200
    return r.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("query", QUERIES)
def test_the_page_from_its_shell_is_the_page_rendered_in_full(settings, query: str) -> None:  # type: ignore[no-untyped-def]
    GroupFactory(name="Harbor Networkers", description="interview practice", audience="veterans")
    TopicFactory(name="LinkedIn", slug="linkedin")
    url = f"/groups/?{query}"
    full = _page(url, from_shell=False, settings=settings)
    assert _page(url, from_shell=True, settings=settings) == full
    # Again, from the shell kept in the process.
    assert _page(url, from_shell=True, settings=settings) == full


@pytest.mark.django_db
def test_a_shell_serves_other_typed_values_of_the_same_state(settings) -> None:  # type: ignore[no-untyped-def]
    views._SHELLS.clear()
    first = _page("/groups/?q=interview&radius=10", from_shell=True, settings=settings)
    assert len(views._SHELLS) == 1
    settings.ROUNDTABLE_DISCOVERY_SHELL = True
    r = Client().get("/groups/?q=%3Cdiv%3E&radius=11")
    page = r.content.decode()
    assert len(views._SHELLS) == 1
    assert 'value="&lt;div&gt;"' in page
    assert 'value="11"' in page
    assert "rtshellmark" not in page
    assert page != first
    assert page == _page("/groups/?q=%3Cdiv%3E&radius=11", from_shell=False, settings=settings)


@pytest.mark.django_db
def test_a_shell_holding_a_mark_of_its_own_is_not_used(settings) -> None:  # type: ignore[no-untyped-def]
    # A topic's slug that reads as a mark: every shell lists it, so none can be cut at its marks.
    g = GroupFactory(name="Odd topic group")
    g.topics.add(TopicFactory(name="Odd", slug="rtshellmarkqrtshellmark"))
    views._SHELLS.clear()
    url = "/groups/?q=odd&topic=rtshellmarkqrtshellmark"
    page = _page(url, from_shell=True, settings=settings)
    assert list(views._SHELLS.values()) == [None]
    assert page == _page(url, from_shell=False, settings=settings)
    assert "Odd topic group" in page


def _state(field: object) -> dict[str, object]:
    widget = field.widget  # type: ignore[attr-defined]
    return {
        **{k: repr(v) for k, v in vars(field).items()},
        **{f"widget.{k}": repr(v) for k, v in vars(widget).items()},
    }


@pytest.mark.django_db
def test_discovery_forms_share_fields_that_no_request_changes(settings) -> None:  # type: ignore[no-untyped-def]
    from roundtable.groups.forms import DiscoveryForm

    assert DiscoveryForm().fields["q"] is DiscoveryForm().fields["q"]
    assert DiscoveryForm().fields is not DiscoveryForm().fields
    before = {name: _state(f) for name, f in DiscoveryForm.base_fields.items()}
    for query in [*QUERIES, "radius=abc&kind=nope&topic=%21&page=0", "near=Atlantis&q=" + "x" * 300]:
        for htmx in ({}, {"HX-Request": "true"}):
            cache.clear()
            assert Client().get(f"/groups/?{query}", headers=htmx).status_code in (200, 400)
    assert {name: _state(f) for name, f in DiscoveryForm.base_fields.items()} == before


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["topic added", "group hidden", "group edited"])
def test_a_shell_follows_the_writes_that_change_what_it_shows(settings, change: str) -> None:  # type: ignore[no-untyped-def]
    """The shell lists the topics of listed groups: a write that changes them bumps the
    discovery generation, and the next page comes from a shell made at the new one."""
    from roundtable.groups import services

    settings.ROUNDTABLE_DISCOVERY_SHELL = True
    views._SHELLS.clear()
    g = GroupFactory(name="Harbor Networkers")
    g.topics.add(TopicFactory(name="Salary talks", slug="salary-talks"))
    first = Client().get("/groups/?q=harbor&radius=10").content.decode()
    assert "Salary talks" in first
    assert "Harbor Networkers" in first
    if change == "topic added":
        g.topics.add(TopicFactory(name="Mock interviews", slug="mock-interviews"))
    elif change == "group hidden":
        g.visibility = "secret"
        g.join_policy = "invite"
        g.save()
    else:
        data = services.GroupData(
            name="Harbor Talkers", kind=g.kind, format=g.format, location_text="Boston, MA", topics=("Salary talks",)
        )
        services.group_update(group=g, data=data)
    page = Client().get("/groups/?q=harbor&radius=11").content.decode()
    assert len(views._SHELLS) == 2
    assert ("Mock interviews" in page) == (change == "topic added")
    assert ("Salary talks" in page) == (change != "group hidden")
    assert ("Harbor Networkers" in page) == (change == "topic added")
    assert ("Harbor Talkers" in page) == (change == "group edited")
    assert page == _page("/groups/?q=harbor&radius=11", from_shell=False, settings=settings)

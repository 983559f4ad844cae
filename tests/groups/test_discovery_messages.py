"""Discovery's bad input gets one plain message per field, never two and never Django's
defaults (tester's finding 11)."""

from __future__ import annotations

import pytest
from django.test import Client

from roundtable.groups.forms import DiscoveryForm

DJANGO_DEFAULTS = (
    "Ensure this value", "Select a valid choice", "Enter a number", "Enter a whole number", "Null characters",
    "Enter a valid", "This field is required",
)  # fmt: skip

CASES = [
    ({"q": "x" * 201}, "q", "Keep the search to 200 characters or fewer."),
    ({"q": "jobs\u0000"}, "q", None),
    ({"kind": "nope"}, "kind", "Choose one of the kinds in the list."),
    ({"kind": "support\u0000"}, "kind", "Choose one of the kinds in the list."),
    ({"format": "paper"}, "format", "Choose one of the formats in the list."),
    ({"near": "x" * 121}, "near", "Keep the place to 120 characters or fewer."),
    ({"near": "Boston\u0000"}, "near", None),
    ({"near": "Boston", "radius": "far"}, "radius", "Enter the distance as a number, from 1 to 500."),
    ({"near": "Boston", "radius": "0"}, "radius", "Search at least 1 km or mile around the place."),
    ({"near": "Boston", "radius": "501"}, "radius", "Search at most 500 km or miles around the place."),
    ({"near": "Boston", "radius": "nan"}, "radius", "Enter the distance as a number, from 1 to 500."),
    ({"radius": "5\u0000"}, "radius", "Enter the distance as a number, from 1 to 500."),
    ({"unit": "parsecs"}, "unit", "Choose km or miles."),
    ({"audience": "x" * 121}, "audience", "Keep the audience to 120 characters or fewer."),
    ({"topic": "career\u0000change"}, "topic", "Choose one of the topics in the list."),
    ({"topic": "x" * 61}, "topic", "Choose one of the topics in the list."),
    ({"topic": "not a slug"}, "topic", "Choose one of the topics in the list."),
    ({"sort": "random"}, "sort", "Choose one of the ways to sort in the list."),
    ({"page": "0"}, "page", "That page of results doesn't exist: start again from the first page."),
    ({"page": "two"}, "page", "That page of results doesn't exist: start again from the first page."),
    ({"page": "1\u0000"}, "page", "That page of results doesn't exist: start again from the first page."),
]


@pytest.mark.parametrize(("data", "field", "message"), CASES)
def test_each_bad_field_says_one_plain_thing(data: dict[str, str], field: str, message: str | None) -> None:
    form = DiscoveryForm(data)
    assert form.is_valid() is False
    assert list(form.errors) == [field]
    [said] = form.errors[field]
    if message is not None:
        assert said == message
    assert [d for d in DJANGO_DEFAULTS if d in said] == []


@pytest.mark.django_db
def test_the_page_lists_one_message_for_a_null_character() -> None:
    r = Client().get("/groups/", {"topic": "career\u0000change", "radius": "5\u0000"})
    assert r.status_code == 400
    assert r.text.count("Choose one of the topics in the list.") == 2  # in the summary and beside the field
    assert r.text.count("Enter the distance as a number, from 1 to 500.") == 2
    assert "Null characters" not in r.text

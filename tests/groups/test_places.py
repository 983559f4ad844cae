from __future__ import annotations

import pytest

from roundtable.groups.places import resolve


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("New York", "New York City, NY"),
        ("New York, NY", "New York City, NY"),
        ("new york ny", "New York City, NY"),
        ("New York, New York", "New York City, NY"),
        ("New York City", "New York City, NY"),
        ("NYC", "New York City, NY"),
        ("NYC, NY", "New York City, NY"),
        ("St. Paul, MN", "Saint Paul, MN"),
        ("St Paul", "Saint Paul, MN"),
        ("Saint Paul", "Saint Paul, MN"),
        ("Saint Paul, Minnesota", "Saint Paul, MN"),
        ("St. Louis", "St. Louis, MO"),
        ("Saint Louis, MO", "St. Louis, MO"),
        ("Washington, D.C.", "Washington, DC"),
        ("Washington DC", "Washington, DC"),
        ("Washington D.C.", "Washington, DC"),
        ("D.C.", "Washington, DC"),
        ("Ft. Worth", "Fort Worth, TX"),
        ("Austin TX", "Austin, TX"),
        ("  austin,   texas ", "Austin, TX"),
    ],
)
def test_everyday_spellings_resolve(text: str, label: str) -> None:
    place = resolve(text)
    assert place is not None
    assert place.label == label


def test_aliases_keep_other_places_apart() -> None:
    west = resolve("West New York")
    east = resolve("East New York, NY")
    assert west is not None
    assert east is not None
    assert (west.label, east.label) == ("West New York, NJ", "East New York, NY")


def test_zip_codes_still_resolve() -> None:
    place = resolve("10001")
    assert place is not None
    assert place.label == "New York, NY 10001"


@pytest.mark.parametrize("text", ["", "St.", "Newyork", "NYC Nowhere", "x" * 121, "."])
def test_unknown_places_are_none(text: str) -> None:
    assert resolve(text) is None

"""Issue 9, items 4 and 6: discovery never shows stale results, and distances keep the
unit the person chose."""

from __future__ import annotations

import pytest
from django.test import Client

from roundtable.groups.places import KM_PER_MILE, distance_words, resolve
from tests.factories import GroupFactory

BOSTON = resolve("Boston, MA")
SLOT = '<ul class="errorlist" id="id_near_error"><li>{}</li></ul></div>'
PLACE_ERROR = "We couldn&#x27;t find that place. Try a US ZIP code (e.g. 10001) or a city (e.g. Denver, CO)."


def _group_km_north_of_boston(km: float, **kwargs: object) -> object:
    assert BOSTON is not None
    return GroupFactory(latitude=BOSTON.latitude + km / 111.195, longitude=BOSTON.longitude, **kwargs)


@pytest.mark.django_db
def test_an_unknown_place_over_htmx_replaces_the_results_and_says_why() -> None:
    _group_km_north_of_boston(3, name="Harbor Networkers")
    r = Client().get("/groups/", {"near": "99999x"}, HTTP_HX_REQUEST="true")
    # htmx swaps nothing on a 4xx: the answer that must replace the results is a 200.
    assert r.status_code == 200
    region, slots = r.text.split("</section>", 1)
    assert "Please check the search" in region
    assert f'<a href="#id_near">Near (city or ZIP)</a>: {PLACE_ERROR}' in region
    assert "Harbor Networkers" not in region
    assert "within" not in region
    # The message goes beside its field, out of band; the other slots are emptied.
    assert '<div id="id_near_slot" data-hx-swap-oob="innerHTML">' + SLOT.format(PLACE_ERROR) in slots
    assert '<div id="id_q_slot" data-hx-swap-oob="innerHTML"></div>' in slots


@pytest.mark.django_db
def test_a_good_search_after_a_bad_one_empties_the_error_slot() -> None:
    _group_km_north_of_boston(3, name="Harbor Networkers")
    r = Client().get("/groups/", {"near": "Boston, MA", "radius": 10}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert "1 group within 10 km of Boston, MA" in r.text
    assert '<div id="id_near_slot" data-hx-swap-oob="innerHTML"></div>' in r.text


@pytest.mark.django_db
def test_an_unknown_place_without_javascript_is_a_400_with_the_message_beside_the_field_and_in_results() -> None:
    r = Client().get("/groups/", {"near": "99999x"})
    assert r.status_code == 400
    assert '<div class="field-errors-slot" id="id_near_slot">' + SLOT.format(PLACE_ERROR) in r.text
    assert f'<a href="#id_near">Near (city or ZIP)</a>: {PLACE_ERROR}' in r.text
    assert 'data-hx-sync="this:queue last"' in r.text


@pytest.mark.django_db
def test_distances_follow_the_chosen_unit() -> None:
    _group_km_north_of_boston(16.09344, name="Ten Miles Out")
    miles = Client().get("/groups/", {"near": "Boston, MA", "radius": 20, "unit": "mi"}).text
    assert "1 group within 20 miles of Boston, MA" in miles
    assert "10 miles away" in miles
    assert "km away" not in miles
    km = Client().get("/groups/", {"near": "Boston, MA", "radius": 20, "unit": "km"}).text
    assert "16 km away" in km


@pytest.mark.django_db
def test_a_group_in_the_same_place_is_less_than_one_unit_away_never_zero() -> None:
    _group_km_north_of_boston(0.2, name="Downtown Circle")
    text = Client().get("/groups/", {"near": "Boston, MA"}).text
    assert "less than 1 km away" in text
    assert "0 km away" not in text


@pytest.mark.parametrize(
    ("km", "unit", "words"),
    [
        (0.0, "km", "less than 1 km away"),
        (0.99, "km", "less than 1 km away"),
        (1.2, "km", "1 km away"),
        (12.6, "km", "13 km away"),
        (0.5 * KM_PER_MILE, "mi", "less than 1 mile away"),
        (1.0 * KM_PER_MILE, "mi", "1 mile away"),
        (8.0 * KM_PER_MILE, "mi", "8 miles away"),
    ],
)
def test_distance_words(km: float, unit: str, words: str) -> None:
    assert distance_words(km, unit) == words

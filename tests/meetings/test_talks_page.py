"""Talks speak human (issue 9, item 9): cards lead with the talk's title and speaker, and
the talks page comes in pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from roundtable.meetings.views import TALKS_PAGE_SIZE
from tests.factories import GroupFactory, MeetingFactory, TalkFactory


@pytest.mark.django_db
def test_talk_card_leads_with_title_and_speaker() -> None:
    TalkFactory(
        title="Resumes that get read", speaker_name="Ana Ruiz", organisation="Hire Co",
        meeting__title="March speaker night", meeting__group__kind="speakers",
    )  # fmt: skip
    text = Client().get(reverse("meetings:talks")).text
    [card] = re.findall(r'<li class="card result meeting-card">.*?</li>', text, re.S)
    heading = re.search(r"<h3>(.*?)</h3>", card, re.S)
    assert heading is not None
    assert re.sub(r"<[^>]+>", "", heading.group(1)) == "Resumes that get read"
    assert '<p class="talk-speaker">Ana Ruiz, Hire Co</p>' in card
    assert "March speaker night" in card
    assert card.index("Ana Ruiz") < card.index("March speaker night")


@pytest.mark.django_db
def test_talks_page_is_paginated() -> None:
    group = GroupFactory(kind="speakers")
    n = TALKS_PAGE_SIZE + 3
    for i in range(n):
        meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=2 + i))
        TalkFactory(meeting=meeting, title=f"Talk number {i:02d}")
    first = Client().get(reverse("meetings:talks")).text
    assert first.count('class="card result meeting-card"') == TALKS_PAGE_SIZE
    assert f"{n} talks" in first
    assert "Page 1 of 2" in first
    second = Client().get(reverse("meetings:talks"), {"page": "2"}).text
    assert second.count('class="card result meeting-card"') == 3
    assert "Talk number 22" in second
    assert "Talk number 00" not in second


def _talks(n: int) -> None:
    group = GroupFactory(kind="speakers")
    for i in range(n):
        meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=2 + i))
        TalkFactory(meeting=meeting, title=f"Talk number {i:02d}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "shown"),
    [("0", 1), ("-1", 1), ("-999999999999", 1), ("abc", 1), ("1.5", 1), ("", 1), ("２", 1), ("1e3", 1),
     ("2", 2), ("3", 3), ("4", 3), ("999999999", 3), ("9" * 5000, 3)],
)  # fmt: skip
def test_any_page_number_answers_page_one_or_the_last_page(page: str, shown: int) -> None:
    _talks(2 * TALKS_PAGE_SIZE + 1)
    r = Client().get(reverse("meetings:talks"), {"page": page})
    assert r.status_code == 200
    assert f"Page {shown} of 3" in r.text
    assert r.text.count('class="card result meeting-card"') == (1 if shown == 3 else TALKS_PAGE_SIZE)


@pytest.mark.django_db
def test_no_talks_and_any_page_is_the_empty_state() -> None:
    for page in ("0", "7", "x"):
        r = Client().get(reverse("meetings:talks"), {"page": page})
        assert r.status_code == 200
        assert "No talks match yet" in r.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "errors"),
    [({"near": "zzqx nowhere"},
      {"near": ["We couldn&#x27;t find that place. Try a US ZIP code or a city such as Denver, CO."]}),
     ({"from": "2031-05-02", "to": "2031-05-01"}, {"to": ["Pick an end date on or after the start date."]}),
     ({"from": "9999-12-31", "to": "2031-02-30"},
      {"from": ["Pick a date between 1900-01-01 and 2999-12-31."],
       "to": ["Enter a real date, for example 2027-03-02."]})],
)  # fmt: skip
def test_each_filter_message_sits_beside_its_field_in_plain_words(
    query: dict[str, str], errors: dict[str, list[str]]
) -> None:
    _talks(1)
    r = Client().get(reverse("meetings:talks"), query)
    assert r.status_code == 400
    text = r.text
    found = {
        name: re.findall(r"<li>(.*?)</li>", body)
        for name, body in re.findall(r'<ul class="errorlist" id="id_(\w+)_error">(.*?)</ul>', text, re.S)
    }
    assert found == errors
    for name in errors:
        # In the field's own box, after its input, and the input points at it.
        box = re.search(rf'<div class="field field-error"><label for="t-{name}">.*?</div>', text, re.S)
        assert box is not None
        assert f'aria-invalid="true" aria-describedby="id_{name}_error"' in box.group(0)
        assert f'id="id_{name}_error"' in box.group(0)
    assert "No talks are shown until the filters marked below are fixed." in text
    assert "Talk number 00" not in text
    assert "&#x27;from&#x27;" not in text
    assert "&#x27;to&#x27;" not in text
    # The folded filters open, so a phone shows the message.
    assert '<details class="filters-fold" open>' in text


@pytest.mark.django_db
def test_filters_fold_behind_a_button_that_counts_the_filters_on() -> None:
    _talks(1)
    plain = Client().get(reverse("meetings:talks")).text
    assert '<details class="filters-fold">' in plain
    assert '<summary class="button button-secondary filters-summary">Filters</summary>' in plain
    two = Client().get(reverse("meetings:talks"), {"from": "2031-01-01", "near": "", "topic": "x", "page": "2"}).text
    pill = '<span class="pill">2 on</span>'
    assert f'<summary class="button button-secondary filters-summary">Filters {pill}</summary>' in two

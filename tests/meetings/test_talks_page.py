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

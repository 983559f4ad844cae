"""Live roundtables in the admin (forms2, item 7): listed, searched and filtered by staff
with a fixed number of queries; no change that would bypass live.services."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from roundtable.live.models import Challenge, Commitment, Roundtable, Suggestion, Turn
from tests.factories import ChallengeFactory, CommitmentFactory, SuggestionFactory, TurnFactory, UserFactory
from tests.queries import page_queries

MODELS = ["roundtable", "turn", "challenge", "suggestion", "commitment"]


def _staff() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _grow(n: int) -> None:
    for _ in range(n):
        turn = TurnFactory()
        ChallengeFactory(turn=turn)
        SuggestionFactory(turn=turn, starred=True)
        CommitmentFactory(turn=turn)


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_each_changelist_answers_staff_with_a_fixed_number_of_queries(model: str) -> None:
    client = _staff()
    url = reverse(f"admin:live_{model}_changelist")
    _grow(2)
    small = page_queries(client, url)
    _grow(6)
    assert page_queries(client, url) == small
    assert client.get(url, {"q": "Commitment"}).status_code == 200


@pytest.mark.django_db
def test_search_and_filters_find_what_was_said() -> None:
    client = _staff()
    ChallengeFactory(text="Recruiters ghost me after the first call")
    SuggestionFactory(text="Ask for the hiring manager's name", starred=True)
    SuggestionFactory(text="Try a referral", starred=False)
    text = client.get(reverse("admin:live_challenge_changelist"), {"q": "ghost"}).text
    assert "Recruiters ghost me after the first call" in text
    text = client.get(reverse("admin:live_suggestion_changelist"), {"starred__exact": "1"}).text
    assert "Ask for the hiring manager&#x27;s name" in text
    assert "Try a referral" not in text


@pytest.mark.django_db
def test_no_change_form_allows_what_the_services_refuse() -> None:
    """Moving a turn, ending a room, rewriting a challenge or a commitment, or deleting a
    suggestion outside live.services would leave open rooms stale: all refused (403)."""
    client = _staff()
    commitment = CommitmentFactory(text="Send three applications")
    turn = commitment.turn
    room = turn.roundtable
    challenge = ChallengeFactory(turn=turn, text="No replies")
    suggestion = SuggestionFactory(turn=turn, text="Call them")
    version = room.version
    posts = {
        "roundtable": (room, {"status": "ended", "mode": "turns", "version": "99"}),
        "turn": (turn, {"status": "done", "position": "9"}),
        "challenge": (challenge, {"text": "Changed"}),
        "suggestion": (suggestion, {"text": "Changed", "starred": "on"}),
        "commitment": (commitment, {"text": "Changed", "status": "done"}),
    }
    for model, (obj, data) in posts.items():
        url = reverse(f"admin:live_{model}_change", args=[obj.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert '<input type="submit"' not in page.text
        assert client.post(url, data).status_code == 403
        assert client.post(reverse(f"admin:live_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
        assert client.get(reverse(f"admin:live_{model}_add")).status_code == 403
    client.post(reverse("admin:live_suggestion_changelist"),
                {"action": "delete_selected", "_selected_action": [suggestion.pk], "post": "yes"})  # fmt: skip
    room.refresh_from_db()
    assert (room.status, room.version) == ("open", version)
    assert Turn.objects.get(pk=turn.pk).status == turn.status
    assert Challenge.objects.get(pk=challenge.pk).text == "No replies"
    assert Suggestion.objects.get(pk=suggestion.pk).text == "Call them"
    assert Commitment.objects.get(pk=commitment.pk).text == "Send three applications"
    assert Roundtable.objects.count() == 1

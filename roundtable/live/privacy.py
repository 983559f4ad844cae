"""What the live room holds about a person (roundtable.privacy.registry explains the terms)."""

from __future__ import annotations

from roundtable.privacy.registry import Deletion, register

from .models import Challenge, Commitment, HistorySharing, Participant, Question, Roundtable, Suggestion, Turn

register(
    Roundtable, area="Roundtables", label="Roundtables you opened", mine=("opened_by",), deletion=Deletion.ANONYMISE,
    fields=("meeting", "mode", "status", "started_at", "ended_at"),
    note="Roundtables you opened stay in their meetings' records, naming nobody as their opener.",
)  # fmt: skip
register(
    Participant, area="Roundtables", label="Roundtables you joined", mine=("user",), deletion=Deletion.ERASE,
    fields=("roundtable", "joined_at", "left_at"), linked=("admitted_by", "checked_in_by"),
)  # fmt: skip
register(Turn, area="Roundtables", label="Your turns", mine=("user",), deletion=Deletion.ERASE)
register(
    Challenge, area="Roundtables", label="Your challenges", mine=("turn__user",), deletion=Deletion.ERASE,
    fields=("turn", "text", "updated_at"), linked=("written_by",),
    note="Your turns, with their challenges and the suggestions made to you, are erased.",
)  # fmt: skip
register(
    Suggestion, area="Roundtables", label="Suggestions by you and to you", mine=("author", "turn__user"),
    deletion=Deletion.ANONYMISE, fields=("turn", "author", "text", "contact", "link", "starred", "created_at"),
    linked=("starred_by",),
    note=(
        "Suggestions you made in other members' turns stay, without your name: they are part of those "
        "members' own turn records, and what they took away from them."
    ),
)  # fmt: skip
register(Commitment, area="Roundtables", label="Your commitments", mine=("user",), deletion=Deletion.ERASE)
register(Question, area="Roundtables", label="Your questions", mine=("user",), deletion=Deletion.ERASE)
register(
    HistorySharing, area="Roundtables", label="Sharing your turn history", mine=("user",), deletion=Deletion.ERASE,
)  # fmt: skip

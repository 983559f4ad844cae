"""What buddies holds about a person (roundtable.privacy.registry explains the terms)."""

from __future__ import annotations

from roundtable.privacy.registry import Deletion, register

from .models import BuddyPair, CheckIn, CheckInReply, MatchRun, Nudge, PairMember, PoolEntry

register(
    PoolEntry, area="Buddies", label="Your buddy preferences", mine=("user",), deletion=Deletion.ERASE,
    note="You leave every buddy pool; your preferences are erased and you are left out of every matching.",
)  # fmt: skip
register(
    BuddyPair, area="Buddies", label="Your buddy pairings", mine=("members__user",), deletion=Deletion.ANONYMISE,
    fields=("public_id", "group", "checkin_day", "started_at", "ended_at", "ended_by"),
    note="Your open pairing ends kindly: your buddy is told and waits for a new match.",
)  # fmt: skip
register(PairMember, area="Buddies", label="Why you were matched", mine=("user",), deletion=Deletion.ERASE)
register(
    CheckIn, area="Buddies", label="Your check-ins", mine=("author",), deletion=Deletion.ERASE, many=("activities",),
    note="Your check-ins and replies are erased.",
)  # fmt: skip
register(CheckInReply, area="Buddies", label="Your replies to check-ins", mine=("author",), deletion=Deletion.ERASE)
register(Nudge, area="Buddies", label="Reminders sent to you", mine=("user",), deletion=Deletion.ERASE)
register(
    MatchRun, area="Buddies", label="Matchings you started", mine=("requested_by",), deletion=Deletion.ANONYMISE,
    fields=("group", "week", "method", "pool_size", "pairs_made", "started_at", "finished_at"),
)  # fmt: skip

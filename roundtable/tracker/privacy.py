"""What the tracker holds about a person (roundtable.privacy.registry explains the terms).
Everything here is private to its owner and erased with the account."""

from __future__ import annotations

from roundtable.privacy.registry import Deletion, register

from .models import Activity, Company, Contact, Landing, Opportunity, StageChange, Task, WeeklyTarget

ERASED = "Your whole job-search tracker is erased."

register(Company, area="Tracker", label="Companies", mine=("owner",), deletion=Deletion.ERASE, note=ERASED)
register(
    Contact, area="Tracker", label="Contacts", mine=("owner",), deletion=Deletion.ERASE, linked=("person",),
    note=(
        "Other members' own tracker notes are theirs: a contact in someone else's tracker that was "
        "linked to your account is unlinked, and keeps what they wrote."
    ),
)  # fmt: skip
register(Opportunity, area="Tracker", label="Opportunities", mine=("owner",), deletion=Deletion.ERASE)
register(
    StageChange,
    area="Tracker",
    label="Opportunity stage changes",
    mine=("opportunity__owner",),
    deletion=Deletion.ERASE,
)
register(Activity, area="Tracker", label="Activities", mine=("owner",), deletion=Deletion.ERASE)
register(Task, area="Tracker", label="Tasks", mine=("owner",), deletion=Deletion.ERASE)
register(WeeklyTarget, area="Tracker", label="Weekly targets", mine=("owner",), deletion=Deletion.ERASE)
register(Landing, area="Tracker", label="Your landing", mine=("owner",), deletion=Deletion.ERASE)

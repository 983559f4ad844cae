"""Ground rules: when a change of their text counts, and who must accept them (issue 12).

- A group's rules have a version (Group.rules_version, from 1); a facilitator's edit bumps it
  only when the text really changes (text_changed: line endings, trailing spaces and blank
  lines at either end do not count).
- A membership records the version its member accepted (Membership.rules_version_accepted).
- Joining a group with rules needs them accepted (services.membership_join); a group with no
  rules asks nothing.
- An active member whose accepted version is older than the group's, while the group has
  rules, must accept again (must_accept): the group and meeting pages show the new rules with
  an Accept button, and the live room (page and socket) lets them in only after that.
"""

from __future__ import annotations

from roundtable.core.text import normalise_line_breaks

from .models import Group, Membership, MembershipState


def normalised(text: str) -> str:
    """The rules as compared (never as stored): "\\n" line breaks, no spaces at the end of a
    line, no blank space at either end."""
    return "\n".join(line.rstrip() for line in normalise_line_breaks(text).split("\n")).strip()


def text_changed(old: str, new: str) -> bool:
    """Whether `new` says something other than `old` (see normalised)."""
    return normalised(old) != normalised(new)


def has_rules(group: Group) -> bool:
    return bool(group.ground_rules.strip())


def must_accept(membership: Membership | None, group: Group) -> bool:
    """True for an active member of a group with rules who has not accepted their current
    version. Anyone else (no membership, not active, a group without rules) is False: what
    they may see or do is decided by the permissions, not here."""
    if membership is None or membership.state != MembershipState.ACTIVE or not has_rules(group):
        return False
    return membership.rules_version_accepted < group.rules_version

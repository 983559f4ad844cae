"""No template reads a private profile field straight off a Profile: each surface that shows
someone's headline, location, companies... gets them from accounts.permissions
(visible_profile_fields / visible_fields_of_many), which leaves out what the viewer may not
see. A template reading `profile.headline` showed a headline set to "Only me" to anonymous
visitors on the expert page (issue 11's tester, finding 1).

The only exceptions are pages that show a person their own profile, listed below with why."""

from __future__ import annotations

import re
from pathlib import Path

from roundtable.accounts.models import PRIVATE_FIELDS

ROOT = Path(__file__).resolve().parents[2] / "roundtable"

# Model attributes behind the private fields ("location" is two columns) and their labels.
_ATTRS = sorted({*PRIVATE_FIELDS, "location_text", "location_label"} - {"location"})
_NAMES = "|".join([*_ATTRS, *(f"get_{a}_display" for a in _ATTRS)])
# `profile.headline`, `user.profile.pitch`, `m.user.profile.get_search_status_display`...
PROFILE_READ = re.compile(rf"\bprofile\.({_NAMES})\b")

OWNER_ONLY = {
    # The signed-in person's own home page: their own search status picks the "I landed" link.
    "home/templates/home/personal.html": {"search_status"},
}


def test_no_template_reads_a_private_field_off_a_profile() -> None:
    found: dict[str, set[str]] = {}
    for path in sorted(ROOT.glob("*/templates/**/*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        reads = set(PROFILE_READ.findall(path.read_text(encoding="utf-8")))
        if reads:
            found[str(path.relative_to(ROOT))] = reads
    assert found == OWNER_ONLY


def test_the_pattern_finds_what_it_is_meant_to_find() -> None:
    # So that the test above cannot pass by matching nothing.
    assert PROFILE_READ.findall("{{ profile.headline }} {{ e.user.profile.past_companies }}") == [
        "headline",
        "past_companies",
    ]
    assert PROFILE_READ.findall("{{ m.user.profile.get_search_status_display }}") == ["get_search_status_display"]
    assert PROFILE_READ.findall("{{ profile.display_name }} {{ fields.headline }}") == []

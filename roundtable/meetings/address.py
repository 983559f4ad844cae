"""Addresses people can find: venue, street and city on one line, and a link that opens
it in a map app (issue 9, item 10).

No map is embedded: an embedded third-party map would tell its provider who looks at
which meeting. The link goes to OpenStreetMap's search, which works in every browser and
hands over to a map app where the phone offers one; nothing is sent until the person
follows it. The `.ics` LOCATION carries the same line (ical._location).
"""

from __future__ import annotations

from urllib.parse import urlencode

MAP_SEARCH = "https://www.openstreetmap.org/search"


def address_lines(venue: str, address: str, city: str) -> list[str]:
    """["Public Library, Room 2", "700 Boylston St", "Boston, MA"]: empty parts left out."""
    city = _city_for(address, city)
    return [p.strip() for p in (venue, address, city) if p and p.strip()]


def _city_for(address: str, city: str) -> str:
    """The group's city, when the street line does not already go on to a town: a street
    line with a comma ("12 Hidden Lane, Springfield") names its own, and may name another
    town than the group's."""
    street = (address or "").strip()
    if not street or "," in street or (city or "").lower() in street.lower():
        return ""
    return (city or "").strip()


def one_line(venue: str, address: str, city: str) -> str:
    """The address lines joined with ", ": what a calendar's LOCATION holds."""
    return ", ".join(address_lines(venue, address, city))


def map_url(venue: str, address: str, city: str) -> str:
    """A link that opens the place in a map; "" when there is no street address to find."""
    if not (address or "").strip():
        return ""
    query = ", ".join(p for p in ((address or "").strip(), _city_for(address, city)) if p)
    return f"{MAP_SEARCH}?{urlencode({'query': query})}"

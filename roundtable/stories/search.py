"""Full-text search over models.HelpEntry for "others with a challenge like yours": SQLite FTS5
or PostgreSQL full text, behind one interface, in the pattern of groups/search.py (the same
word rules: groups.search's words, fts5_query's quoting, tsquery_text's prefixes).

The index (migration 0002): on SQLite an FTS5 external-content table, `stories_helpentry_fts`,
kept by triggers (porter stemming, as discovery); on PostgreSQL a stored generated tsvector
column, `search_vector`, with a GIN index.

What differs from discovery: a challenge is a sentence, not a few search words, and asking
that every word match would find nothing. So the words are matched ANY of them (FTS5 `OR`,
tsquery `|`), common English words left out (STOP_WORDS), at most MAX_TERMS of the longest,
and the matches ranked best first (FTS5 bm25, ts_rank), so entries sharing more and rarer
words come first. Only the rows `candidates` keeps (the caller's access rules, selectors.
like_yours) are ranked: at most `limit` ids come back.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import QuerySet

from roundtable.groups.search import _WORD_RE, fts5_query

from .models import HelpEntry

MAX_TERMS = 12
_STOP_TEXT = (
    "a about after again all also am an and any are as at be been before being both but by can could did do "
    "does doing down during each few for from further get got had has have having he her here hers him his how i "
    "if in into is it its just me more most my no nor not now of off on once only or other our out over own same "
    "she should so some such than that the their them then there these they this those through to too under until "
    "up very was we were what when where which while who whom why will with would you your since last keep kept "
    "holding back time"
)
STOP_WORDS = frozenset(_STOP_TEXT.split())


def similar_words(text: str) -> list[str]:
    """The words of `text` worth matching: groups.search.terms without common English words,
    at most MAX_TERMS, longest first (longer words say more), each once."""
    words = [w for w in dict.fromkeys(terms_all(text)) if w not in STOP_WORDS and len(w) > 2]
    return sorted(words, key=lambda w: (-len(w), w))[:MAX_TERMS]


def terms_all(text: str) -> list[str]:
    """Every word of `text` by discovery's rule (groups.search.terms, which keeps only its first
    eight): lower case, letters and digits only, from the first 2,000 characters."""
    return _WORD_RE.findall(text[:2000].lower())


def _fts5_any(words: list[str]) -> str:
    return " OR ".join(fts5_query([w]) for w in words)


def _tsquery_any(words: list[str]) -> str:
    return " | ".join(f"{w}:*" for w in words)


def matching_ids(candidates: QuerySet[HelpEntry], text: str, *, limit: int) -> list[int]:
    """The ids of up to `limit` entries among `candidates` sharing words with `text`, best match
    first (ties: newest entry first). [] when `text` has no word worth matching. One query."""
    words = similar_words(text)
    if not words:
        return []
    vendor = connections[candidates.db].vendor
    if vendor == "postgresql":
        query = _tsquery_any(words)
        qs = candidates.extra(
            where=["stories_helpentry.search_vector @@ to_tsquery('english', %s)"],
            params=[query],
            select={"rank": "-ts_rank(stories_helpentry.search_vector, to_tsquery('english', %s))"},
            select_params=[query],
        )
    else:
        qs = candidates.extra(
            tables=["stories_helpentry_fts"],
            where=["stories_helpentry_fts.rowid = stories_helpentry.id", "stories_helpentry_fts MATCH %s"],
            params=[_fts5_any(words)],
            select={"rank": "stories_helpentry_fts.rank"},
        )
    return list(qs.order_by("rank", "-id").values_list("id", flat=True)[:limit])

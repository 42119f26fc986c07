"""Finding a participant by name without storing names in the clear.

Names are sealed (AES-GCM), so the database cannot search them. Each word of a person's
given and family names is indexed under keyed hashes of its prefixes (two characters and
longer): "Tõnu Tamm-Kask" under tokens for "to", "ton", "tonu", "ta", "tam", "tamm", "ka",
"kas", "kask". A query's words are hashed alike and a person matches when every word of the
query is the start of a word of their names. Words are compared case-folded and without
diacritics ("Tonu" finds "Tõnu"). The hashes are keyed, so the index says nothing about a
name without the key; the matches are confirmed on the opened names before anyone sees them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable

MIN_QUERY_WORD = 2
"""Characters a query word needs: one letter would match most of a municipality."""
MAX_QUERY_WORDS = 4
TOKEN_BYTES = 16
_SPLIT = re.compile(r"[^\w]+|_")


def fold(word: str) -> str:
    """A word as compared: case-folded, compatibility-decomposed, diacritics removed."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The folded words of a name or a query (hyphens, spaces and apostrophes separate)."""
    return [w for w in (fold(part) for part in _SPLIT.split(text)) if w]


def index_terms(*names: str) -> set[str]:
    """What a person is found under: every prefix of two characters or more of each word."""
    terms: set[str] = set()
    for word in (w for name in names for w in words(name)):
        if len(word) < MIN_QUERY_WORD:
            terms.add(word)
        terms.update(word[:n] for n in range(MIN_QUERY_WORD, len(word) + 1))
    return terms


class QueryTooShort(ValueError):
    """A query with no word of two characters, or a word shorter than that."""


def query_terms(query: str) -> list[str]:
    """The distinct words of a query, each at least two characters; at most four."""
    found = list(dict.fromkeys(words(query)))
    if not found or any(len(w) < MIN_QUERY_WORD for w in found):
        raise QueryTooShort(query)
    return found[:MAX_QUERY_WORDS]


def name_matches(query: str, *names: str) -> bool:
    """Every query word starts a word of the names (the check on opened names)."""
    have = [w for name in names for w in words(name)]
    return all(any(w.startswith(q) for w in have) for q in words(query))


def token(key: bytes, term: str) -> bytes:
    """The keyed hash a term is stored and looked up under."""
    return hmac.new(key, b"name\x00" + term.encode(), hashlib.sha256).digest()[:TOKEN_BYTES]


def tokens(key: bytes, terms: Iterable[str]) -> list[bytes]:
    """The tokens of terms, sorted (a stable order for the database)."""
    return sorted({token(key, t) for t in terms})

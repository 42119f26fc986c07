"""Name search's pure rules: what a name is indexed under and what a query asks for."""

from __future__ import annotations

import pytest

from services.intake.domain import name_search
from services.intake.domain.name_search import QueryTooShort, index_terms, query_terms


def test_every_prefix_of_every_word_from_two_characters_is_indexed() -> None:
    assert index_terms("Tõnu", "Tamm-Kask") == {
        "to", "ton", "tonu", "ta", "tam", "tamm", "ka", "kas", "kask",
    }  # fmt: skip
    assert index_terms("O", "Li") == {"o", "li"}  # a one-letter word is its own term


def test_words_are_case_folded_and_without_diacritics() -> None:
    assert name_search.words("ÄÄRELÄ Šmidt-Öunapuu") == ["aarela", "smidt", "ounapuu"]
    assert name_search.words("Ирина  Щукина") == ["ирина", "щукина"]  # Cyrillic kept, folded
    assert name_search.words("D'Angelo") == ["d", "angelo"]


def test_a_query_needs_words_of_two_letters() -> None:
    assert query_terms("  Tam  tonu tam ") == ["tam", "tonu"]
    for short in ["", "   ", "T", "Tamm K", "--"]:
        with pytest.raises(QueryTooShort):
            query_terms(short)
    assert len(query_terms("aa bb cc dd ee ff")) == name_search.MAX_QUERY_WORDS


def test_a_match_needs_every_query_word_to_start_a_name_word() -> None:
    assert name_search.name_matches("tam to", "Tõnu", "Tamm-Kask")
    assert name_search.name_matches("KASK", "Tõnu", "Tamm-Kask")
    assert not name_search.name_matches("amm", "Tõnu", "Tamm")  # inside a word is no start
    assert not name_search.name_matches("tamm mari", "Tõnu", "Tamm")


def test_tokens_are_keyed_and_never_the_word() -> None:
    one = name_search.tokens(b"k1", ["tamm"])
    assert one == name_search.tokens(b"k1", ["tamm"])
    assert one != name_search.tokens(b"k2", ["tamm"])  # another key, another token
    assert all(b"tamm" not in t and len(t) == name_search.TOKEN_BYTES for t in one)

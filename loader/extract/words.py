"""The common words of a language, read from simplemma's dictionaries: a word that a language
already has is not taken for a misspelt product name."""
from __future__ import annotations

from functools import lru_cache

import simplemma

#: The languages whose word lists are consulted when a document's language is unknown or unlisted.
LANGUAGES = ("en", "fr")


@lru_cache(maxsize=50_000)
def is_common_word(word: str, language: str | None = None) -> bool:
    """Whether ``word`` (as written, any case) is a word form of ``language`` (English or French
    when ``language`` is None or has no word list)."""
    if not word or not any(c.isalpha() for c in word):
        return False
    languages = (language,) if language in LANGUAGES else LANGUAGES
    try:
        return any(simplemma.is_known(form, languages) for form in {word, word.lower()})
    except ValueError:  # a language simplemma does not ship
        return False

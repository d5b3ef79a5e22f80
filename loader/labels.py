"""Label normalisation: the one place that says when two labels, or a label and a stretch of text,
are the same words.

``fold`` (lower case, no accents, plain apostrophes, one character for one) and ``WORD`` read the
words; ``word_key`` reduces one word to what matching compares (no inner dots, no plural or feminine
ending, nothing for a stop word). The extractor's tokenizer reads running text with them, and whole
labels are compared by ``label_key`` in one of its ``KEYS``, which differ on purpose:

  words     the word keys in order ("bases de données" = "base de donnée"): the vocabulary reader
  word-set  the same keys as a sorted set, so word order and repeats do not count: linking
  scoring   the evaluation's rule for names, fixed by the gold annotations' schema rather than by
            matching: punctuation read as spaces, a final "s" dropped from words over three letters,
            no stop words left out and no feminine "e" dropped

Writing a label as an IRI segment is naming's job (``rolegraph.core.naming.slug``): its folding is not
``fold``'s, it drops what has no ASCII form ("cœur" → "cur"), so that IRIs minted from labels stay as they are.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable

#: A word: an optional leading dot (".NET"), letters/digits with inner dots ("node.js", "asp.net"),
#: and trailing "+"/"#" ("C++", "C#").
WORD = re.compile(r"\.?[^\W_]+(?:\.[^\W_]+)*[+#]*")
#: Articles and prepositions ignored inside keys, so "bases de données" = "base de donnée".
STOPWORDS = frozenset("de du des la le les l d un une the of a an".split())


class _FoldTable(dict):
    """str.translate table, filled on demand: each character to its lower-case, accent-free form,
    when that form is one character (so folding keeps offsets); "œ" and the like stay as they are."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
        if char in "’‘":
            base = "'"
        folded = base if len(base) == 1 else char.lower() if len(char.lower()) == 1 else char
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower case, no accents, typographic apostrophes made plain; same length as ``text``."""
    if text.isascii():  # an ASCII character folds to its lower case, and str.lower is C over the whole text
        return text.lower()
    if len(text) > _LONG:
        return _fold_long(text)
    return text.translate(_FOLD)


#: Texts longer than this are folded once and remembered: the extractor's stages fold the same document
#: (and the same sentences) several times, and translate costs about 40 ns a character.
_LONG = 200


@lru_cache(maxsize=32)
def _fold_long(text: str) -> str:
    return text.translate(_FOLD)


def stem(word: str) -> str:
    """A crude French/English stem: enough to equate plural and feminine forms of the same word."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


@lru_cache(maxsize=200_000)
def id_slug(name: str) -> str:
    """The id segment of an entry the extractor names itself (a title, a listed product, a certification):
    ``name`` folded, each run of other characters than ASCII letters and digits made one hyphen."""
    return _NOT_SLUG.sub("-", fold(name)).strip("-")


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def word_key(word: str) -> str:
    """The key of one folded ``WORD``: stemmed, without inner dots, "" for a stop word."""
    if word in STOPWORDS:
        return ""
    return ("." if word.startswith(".") else "") + stem(word.replace(".", ""))


def word_keys(text: str) -> list[str]:
    """The keys of ``text``'s words, stop words left out."""
    return [key for key in map(word_key, WORD.findall(fold(text))) if key]


def _words(label: str) -> str:
    return " ".join(word_keys(label))


def _word_set(label: str) -> str:
    return " ".join(sorted(set(word_keys(label))))


def _scoring(label: str) -> str:
    words = re.sub(r"[^\w\s]", " ", fold(label)).split()
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words)


#: Mode → how a whole label is keyed (see the module's docstring for who uses which, and why).
KEYS: dict[str, Callable[[str], str]] = {"words": _words, "word-set": _word_set, "scoring": _scoring}


def label_key(label: str, mode: str) -> str:
    """``label`` as compared in ``mode``, one of ``KEYS``; two labels with the same key are the same."""
    return KEYS[mode](label)


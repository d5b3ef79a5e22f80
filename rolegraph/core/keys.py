"""The search key of a label: what a label and a searched text are compared by, computed once at build
time for every label (``rg:labelKey``) and on the fly for what a person types or a query parameter of
type ``key`` gives.

Lower case, accents and ligatures folded ("Œuvre" → "oeuvre"), typographic apostrophes made plain,
and any run of other characters than letters, digits, "+", "#" and "." made one space ("back-end" →
"back end", "C++" stays "c++"). It is not the extractor's matching key (``rolegraph.loader.labels``),
which also stems words: a key is for looking a label up, not for recognising it in running text.
"""
from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "'", "‘": "'"})
_SEPARATORS = re.compile(r"[^\w+#.']+|_+")


def label_key(text: str) -> str:
    """The search key of ``text`` (see the module): "Développeuse Back-End" → "developpeuse back end"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_SEPARATORS.sub(" ", plain).split())

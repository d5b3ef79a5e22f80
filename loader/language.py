"""Language detection for French and English job profiles, by counting function words."""
from __future__ import annotations

import re

_WORDS = re.compile(r"[a-zàâçéèêëîïôûùüÿœæ']+")

FRENCH = frozenset(
    "le la les des du de un une et est sont pour dans avec sur par au aux ce ces cette qui que quel quelle "
    "quels quelles il elle ils elles son sa ses leur leurs ou où mais pas plus être avoir fait très aussi "
    "comme entre selon vers chez nous vous on sont peut doit travail métier compétences formation".split()
)
ENGLISH = frozenset(
    "the a an and is are for in with on by to of this that these those which who what he she they his her "
    "their or but not more be have has do does very also as between according towards we you it its can "
    "must work job skills training".split()
)


def detect_language(text: str) -> str:
    """"fr" or "en", whichever language's function words are more frequent in ``text``."""
    fr = en = 0
    for word in _WORDS.findall(text.lower()[:200_000]):
        if word in FRENCH:
            fr += 1
        if word in ENGLISH:
            en += 1
    return "fr" if fr > en else "en"

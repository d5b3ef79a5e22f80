"""What a section of a job profile is about, read from its heading in French or English."""
from __future__ import annotations

import re
from functools import lru_cache

from ..labels import fold

#: Section kind → words of headings that announce it (folded: lower case, no accents). First match wins.
KINDS: tuple[tuple[str, str], ...] = (
    # a list of the page's sources cites them: nothing named there is a requirement of the job
    ("sources", r"^\W*(sources?|references?)\s*(:|$)|^\W*(bibliograph|further reading|en savoir plus|"
                r"pour aller plus loin|liens? utiles?|useful links)"),
    ("related", r"connexe|related|similar|voisin|proche|cross-cutting|transverse|interlocut|collabor|work with"),
    ("salary", r"salaire|remuneration|retribution|salary|salaries|pay\b|compensation|combien gagne|earn"),
    ("career", r"evolution|carriere|perspective|debouche|career|prospect|progression|developments?\b|grow"),
    ("training", r"formation|filiere|etude|diplome|devenir|cursus|ecole|acceder|training|education|academic|"
                 r"degree|become|certification|qualification|how do i"),
    ("skills", r"competence|qualite|profil|savoir|aptitude|skill|qualit|requirement|knowledge|expertise"),
    ("missions", r"mission|activite|role|taches|responsabilit|fonction|metier|job|what is|what does|duties|task"),
    ("context", r"contexte|employeur|secteur|environnement|context|employer|sector|where"),
)


@lru_cache(maxsize=4096)
def section_kind(heading: str | None) -> str | None:
    """The kind of section a heading opens ("skills", "training", "salary", …), or None."""
    if not heading:
        return None
    folded = fold(heading)
    for kind, pattern in KINDS:
        if re.search(pattern, folded):
            return kind
    return None

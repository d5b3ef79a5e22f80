"""Extra lexicon entries read from the imported taxonomies, so that documents about roles and
languages our curated lexicon lacks are still understood.

Precision first, since a generic label found in every document would flood the graph:
  roles  ESCO occupations of the ICT groups (ISCO 133, 251, 252, 351) and ROME appellations of the computing
         fiches (M18…), by labels of two words at least, in English and French (both gender forms)
  tools  ESCO knowledge named "X (computer programming)": the programming languages, as X
Our own entries win: a taxonomy label that our lexicon (or an earlier taxonomy entry) already knows
adds nothing. Each entry carries the concept it comes from, so the linking step records it.
"""
from __future__ import annotations

import os
import re
from dataclasses import replace

from rolegraph.core.naming import graph_iri, rome_iri, slug
from rolegraph.core.store import Readable, Store, open_store
from rolegraph.core.vocabulary import node

from .labels import label_key, word_keys
from .lexicon import Entry, Lexicon
from .link import gender_forms, union_query

VOCABULARIES = ("esco", "rome")
ICT_ISCO = re.compile(r"^(133|25[12]|351)")
ROME_COMPUTING = re.compile(r"^M18")
PROGRAMMING = re.compile(r"^(?P<name>.+?) \(computer programming\)$")

_ESCO_ROLES = """SELECT ?c ?code ?p ?l WHERE {
  ?c a esco:Occupation ; skos:notation ?code ; ?p ?l .
  VALUES ?p { skos:prefLabel skos:altLabel }
}"""
_ESCO_LANGUAGES = """SELECT ?c ?l WHERE {
  ?c a esco:Skill ; skos:prefLabel ?l .
  FILTER (LANG(?l) = "en" && STRENDS(?l, "(computer programming)"))
}"""
_ROME_ROLES = """SELECT ?c ?code ?l ?ficheCode ?scheme WHERE {
  ?c skos:inScheme ?scheme ; skos:notation ?code ; skos:prefLabel ?l ; skos:broader ?fiche .
  ?fiche skos:notation ?ficheCode .
}"""


def _role_forms(label: str) -> list[str]:
    return [form for form in gender_forms(label) if len(word_keys(form)) >= 2]


def vocabulary_entries(store: Readable, base: str, lexicon: Lexicon, vocabularies=VOCABULARIES) -> list[Entry]:
    """The entries the imported ``vocabularies`` add to ``lexicon`` (none for a taxonomy not imported)."""
    known = {label_key(text, "words") for entry in lexicon.entries for text, _ in entry.variants}
    curated = {concept for entry in lexicon.entries for concept in (*entry.esco, *entry.rome)}
    entries: list[Entry] = []

    def add(entry: Entry) -> None:
        if curated & {*entry.esco, *entry.rome} or label_key(entry.name, "words") in known:
            return  # our lexicon already names this concept
        en = tuple(text for text in entry.en if label_key(text, "words") not in known)
        fr = tuple(text for text in entry.fr if label_key(text, "words") not in known)
        known.update(label_key(text, "words") for text in (entry.name, *en, *fr))
        entries.append(replace(entry, en=en, fr=fr))

    if "esco" in vocabularies:
        occupations: dict[str, dict] = {}
        for concept, code, prop, label in union_query(store, _ESCO_ROLES):
            if not ICT_ISCO.match(code.value):
                continue
            record = occupations.setdefault(concept.value, {"en": [], "fr": [], "pref": None})
            forms = _role_forms(label.value)
            if label.language in ("en", "fr"):
                record[label.language] += forms
            if prop.value.endswith("prefLabel") and label.language == "en" and forms:
                record["pref"] = forms[0]
        for concept, record in sorted(occupations.items()):
            if record["pref"]:
                add(Entry("role", "esco-" + slug(record["pref"]), record["pref"][:1].upper() + record["pref"][1:],
                          tuple(dict.fromkeys(record["en"])), tuple(dict.fromkeys(record["fr"])), esco=(concept,)))
        for concept, label in union_query(store, _ESCO_LANGUAGES):
            name = PROGRAMMING.match(label.value).group("name")
            add(Entry("tool", "esco-" + slug(name), name, (name,), (), esco=(concept.value,), exact_case=True,
                      attrs={"category": "language"}))
    if "rome" in vocabularies:
        scheme = node(rome_iri(base, "scheme", "appellation"))
        for _, code, label, fiche, _ in union_query(store, _ROME_ROLES, scheme=scheme):
            forms = _role_forms(label.value)
            if ROME_COMPUTING.match(fiche.value) and forms:
                add(Entry("role", "rome-" + code.value, forms[0], (), tuple(forms), rome=(code.value,)))
    return entries


def extended_lexicon(store_path: Store | str | os.PathLike, base: str, lexicon: Lexicon,
                     vocabularies=VOCABULARIES) -> Lexicon:
    """``lexicon`` plus the entries of the taxonomies imported in the published store."""
    store = open_store(store_path).open()
    present = {g.value for g in store.named_graphs()}
    wanted = [v for v in vocabularies
              if any(name.startswith(str(graph_iri(base, v))) for name in present)]
    return Lexicon(lexicon.entries + vocabulary_entries(store, base, lexicon, wanted))

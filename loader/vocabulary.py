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
from .taxonomies.labels import LabelIndex, gender_forms, index_for, union_query

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


#: A skill label is read only with this many words at least (measured: three let in readings such as
#: "concevoir un site web" that cost precision on the seeds), so that generic labels
#: ("communication", "Python") do not flood the graph, and this many at most (longer ones never recur).
SKILL_WORDS = (4, 6)


def _holds(key: str, known: dict[str, str], ours: dict[str, Entry]) -> str | None:
    """The id of the entry whose label is the longest run of words of ``key`` (not all of it), if any:
    a competency's id, or "" when that run names a tool or a role (the label then adds nothing). A run
    that names a field of study or a diploma ("digital" in "concevoir une solution digitale") is no
    reading of a skill label and is passed over."""
    words = key.split()
    for size in range(len(words) - 1, 0, -1):
        for start in range(len(words) - size + 1):
            found = known.get(" ".join(words[start:start + size]))
            entry = ours.get(found) if found else None
            if not found or (entry is not None and entry.kind not in ("competency", "tool", "role")):
                continue
            return found if entry is not None and entry.kind == "competency" else ""
    return None


def skill_entries(index: LabelIndex, lexicon: Lexicon, known: dict[str, str]) -> tuple[list[Entry], dict[str, Entry]]:
    """The competencies the taxonomy skills of ``index`` add, read by their preferred labels only
    (alternative labels are too often loose paraphrases: "assemble machines" for machine learning).

    A concept our lexicon names (by its ESCO IRI, or one of its labels is one of our competencies' names)
    lends its labels to that entry (returned by entry id); a concept that one of its labels shows to be one
    of our tools or roles ("PHP", "SQL") adds nothing; any other one is an entry named by its preferred
    English label. ``known`` maps the keys of our labels to the id of their entry, and is updated.
    """
    ours = {entry.id: entry for entry in lexicon.entries}
    curated = {concept: entry.id for entry in reversed(lexicon.entries) for concept in entry.esco}
    entries: list[Entry] = []
    lent: dict[str, Entry] = {}
    for concept in index.concepts():
        labels = [(form, language) for text, language, _, preferred in index.labels[concept] if preferred
                  and language in ("en", "fr") for form in gender_forms(text)]
        keys = [label_key(form, "words") for form, _ in labels]
        named = curated.get(concept) or next((known[key] for key in keys if key in known), None)
        if named is None:
            # "Faire preuve d'autonomie" is our autonomy: a label that holds one of our competencies' names
            # is read as that competency, or its longer span would take the place of ours.
            named = next((found for key in keys if (found := _holds(key, known, ours)) is not None), None)
        if named is not None and (named not in ours or ours[named].kind != "competency"):
            continue  # a tool, a role, or an entry an earlier concept added
        forms: dict[str, list[str]] = {"en": [], "fr": []}
        for (form, language), key in zip(labels, keys):
            if key not in known and SKILL_WORDS[0] <= len(key.split()) <= SKILL_WORDS[1]:
                known[key] = named or ""
                forms[language].append(form)
        if not (forms["en"] or forms["fr"]):
            continue
        if named is not None:
            base = lent.get(named, ours[named])
            lent[named] = replace(base, en=base.en + tuple(forms["en"]), fr=base.fr + tuple(forms["fr"]))
            continue
        name = index.names.get(concept) or (forms["en"] + forms["fr"])[0]
        taxonomy = "esco" if concept.startswith("http://data.europa.eu/esco/") else "rome"
        entries.append(Entry("competency", f"{taxonomy}-{slug(name)}", name[:1].upper() + name[1:],
                             tuple(forms["en"]), tuple(forms["fr"]),
                             esco=(concept,) if taxonomy == "esco" else (),
                             attrs={"taxonomy": taxonomy, "concept": concept}))
    return entries, lent


def extended_lexicon(store_path: Store | str | os.PathLike, base: str, lexicon: Lexicon,
                     vocabularies=VOCABULARIES) -> Lexicon:
    """``lexicon`` plus the entries of the taxonomies imported in the published store."""
    store = open_store(store_path).open()
    present = {g.value for g in store.named_graphs()}
    wanted = [v for v in vocabularies
              if any(name.startswith(str(graph_iri(base, v))) for name in present)]
    added = vocabulary_entries(store, base, lexicon, wanted)
    if not wanted:
        return Lexicon(lexicon.entries + added)
    known = {label_key(text, "words"): entry.id for entry in lexicon.entries + added for text, _ in entry.variants}
    skills, lent = skill_entries(index_for(store_path, base), lexicon, known)
    ids = {entry.id for entry in lexicon.entries + added}
    skills = [entry for entry in skills if entry.id not in ids and not ids.add(entry.id)]
    return Lexicon([lent.get(entry.id, entry) if entry.kind == "competency" else entry
                    for entry in lexicon.entries] + added + skills)

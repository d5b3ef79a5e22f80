"""Role titles the lexicon does not list word for word: inclusive French forms, titles built from a
role head and an IT domain, and teams that name a job.

All three read the token stream of ``matcher.tokenize``:
  ``ungendered``      drops inclusive gender marks ("consultant(e)", "développeur·se", "technicien/ne"),
                      so "consultant(e) en cybersécurité" reads as the listed "consultant en cybersécurité";
  ``title_mentions``  "ingénieur en X", "chef de projet X", "X engineer", "head of X", "l'équipe produit":
                      a role only when the head is a role head and the complement a domain of IT, named in
                      English by rule ("Security consultant") or as the lexicon's role of that English name.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from ..labels import fold, label_key, word_key
from ..lexicon import Entry, Lexicon
from .matcher import Mention, Token, tokenize

#: An inclusive or gendered ending glued to a word: "(e)", "(ne)s", "·se", "·e·s", ".e", "/trice", "-euse".
_GENDER_MARK = re.compile(
    r"(?<=[a-z]{3})(?:\((?:e|ne|se|euse|trice|rice|le|fe|ere|ve)\)s?"
    r"|[·•∙⋅](?:e|ne|se|euse|trice|rice|le|fe|ere|ve)(?:[·•∙⋅]?s)?"
    r"|[./-](?:e|ne|se|euse|trice|rice|ere)(?:[.]?s)?)(?![a-z])"
)


def ungendered(text: str, tokens: Sequence[Token]) -> list[Token]:
    """``tokens`` without the tokens of inclusive gender marks; the word after a mark joins the title."""
    marks = [m.span() for m in _GENDER_MARK.finditer(fold(text))]
    if not marks:
        return list(tokens)
    kept: list[Token] = []
    m = 0
    mark_end = None  # the end of the mark just dropped, until the next kept token
    for token in tokens:
        while m < len(marks) and marks[m][1] <= token.start:
            m += 1
        if m < len(marks) and marks[m][0] < token.start < marks[m][1]:
            mark_end = marks[m][1]
            continue
        if mark_end is not None:
            # the gap was ") " or "·": read it as a space when only spaces follow the mark
            if not text[mark_end:token.start].strip():
                token = token._replace(gap_before=" ", soft=True)
            mark_end = None
        kept.append(token)
    return kept


def _keys(*words: str) -> frozenset[str]:
    return frozenset(word_key(fold(w)) for w in words)


#: French role heads (both genders) → the English head. The complement follows the head.
FR_HEADS: dict[str, str] = {
    **{k: "engineer" for k in _keys("ingénieur", "ingénieure")},
    **{k: "developer" for k in _keys("développeur", "développeuse")},
    **{k: "technician" for k in _keys("technicien", "technicienne")},
    **{k: "consultant" for k in _keys("consultant", "consultante")},
    **{k: "manager" for k in _keys("responsable", "manager")},
    **{k: "architect" for k in _keys("architecte")},
    **{k: "administrator" for k in _keys("administrateur", "administratrice")},
    **{k: "analyst" for k in _keys("analyste")},
    **{k: "auditor" for k in _keys("auditeur", "auditrice")},
    **{k: "tester" for k in _keys("testeur", "testeuse")},
    **{k: "director" for k in _keys("directeur", "directrice")},
}
#: "chef de projet X", "cheffe de projet X", "directeur de projet X": the head is two words.
FR_PROJECT_HEADS = _keys("chef", "cheffe", "directeur", "directrice", "responsable")
#: Words between a French head and its domain ("ingénieur en", "responsable de la", "chef de projet d'").
FR_LINKS = frozenset({"", "en", "au", "aux"})
#: Heads that are also adjectives ("il est responsable de la sécurité").
FR_ADJECTIVE_HEADS = _keys("responsable")
#: Words after which "responsable" is an adjective, not a title ("il est responsable de").
FR_COPULAS = _keys("est", "sont", "être", "etre", "es", "êtes", "sera", "seront", "serez", "reste", "restent")

#: English role heads → their singular form. The complement precedes the head.
EN_HEADS: dict[str, str] = {word_key(w[:-1] if w.endswith("s") else w): w.rstrip("s") for w in (
    "engineer", "developer", "manager", "analyst", "architect", "administrator", "consultant", "lead",
    "officer", "specialist", "technician", "tester", "designer", "scientist", "auditor", "director",
    "expert", "programmer", "researcher")}
EN_HEADS[word_key("analyst")] = "analyst"

#: IT domains: folded phrase (French or English) → its English name in a title. Longest phrase first wins.
DOMAINS: dict[str, str] = {
    "cybersecurite": "cybersecurity", "cybersecurity": "cybersecurity", "cyber securite": "cybersecurity",
    "securite": "security", "security": "security", "securite informatique": "IT security",
    "securite des systemes d'information": "information security", "information security": "information security",
    "securite reseau": "network security", "network security": "network security",
    "application security": "application security", "securite applicative": "application security",
    "cloud security": "cloud security", "securite cloud": "cloud security",
    "reseau": "network", "reseaux": "network", "network": "network", "networks": "network",
    "telecom": "telecom", "telecoms": "telecom", "telecommunications": "telecommunications",
    "reseaux et telecoms": "network and telecom", "systemes et reseaux": "systems and network",
    "systeme": "systems", "systemes": "systems", "systems": "systems", "system": "systems",
    "systemes d'information": "information systems", "information systems": "information systems",
    "donnees": "data", "data": "data", "big data": "big data", "base de donnees": "database",
    "bases de donnees": "database", "database": "database", "databases": "database",
    "cloud": "cloud", "devops": "DevOps", "devsecops": "DevSecOps", "mlops": "MLOps", "sre": "SRE",
    "site reliability": "site reliability", "reliability": "reliability", "platform": "platform",
    "plateforme": "platform", "infrastructure": "infrastructure", "infrastructures": "infrastructure",
    "informatique": "IT", "it": "IT", "logiciel": "software", "logiciels": "software", "software": "software",
    "test": "test", "tests": "test", "testing": "test", "recette": "test", "qa": "QA",
    "quality assurance": "QA", "assurance qualite": "QA", "qualite logicielle": "QA",
    "support": "support", "support informatique": "IT support", "assistance": "support", "helpdesk": "helpdesk",
    "service desk": "service desk", "maintenance": "maintenance", "maintenance informatique": "IT maintenance",
    "exploitation": "operations", "production": "production", "operations": "operations",
    "web": "web", "mobile": "mobile", "applications": "application", "application": "application",
    "applicatif": "application", "embarque": "embedded", "systemes embarques": "embedded systems",
    "embedded": "embedded", "firmware": "firmware", "intelligence artificielle": "AI", "ia": "AI", "ai": "AI",
    "machine learning": "machine learning", "apprentissage automatique": "machine learning",
    "deep learning": "deep learning", "vision par ordinateur": "computer vision", "computer vision": "computer vision",
    "bi": "BI", "business intelligence": "BI", "decisionnel": "BI", "erp": "ERP", "sap": "SAP", "crm": "CRM",
    "salesforce": "Salesforce", "ux": "UX", "ui": "UI", "seo": "SEO", "digital": "digital", "numerique": "digital",
    "front-end": "front-end", "frontend": "front-end", "back-end": "back-end", "backend": "back-end",
    "full stack": "full-stack", "fullstack": "full-stack", "full-stack": "full-stack",
    "integration": "integration", "automatisation": "automation", "automation": "automation",
    "test automation": "test automation", "automatisation des tests": "test automation",
    "soc": "SOC", "forensic": "forensics", "forensics": "forensics", "pentest": "penetration testing",
    "gouvernance": "governance", "gouvernance des donnees": "data governance", "data governance": "data governance",
    "analytics": "analytics", "blockchain": "blockchain", "iot": "IoT", "jeux video": "game", "game": "game",
    "release": "release", "virtualisation": "virtualization", "virtualization": "virtualization",
    "stockage": "storage", "storage": "storage", "securite operationnelle": "security operations",
    "security operations": "security operations", "incident response": "incident response",
    "reponse a incident": "incident response", "projet informatique": "IT project", "projet digital": "digital project",
    "projet web": "web project", "projet technique": "technical project", "technique": "technical",
    "technical": "technical", "fonctionnel": "functional", "functional": "functional",
}
#: Domains that qualify a project, a lead or an architect, not an engineer or a developer
#: ("chef de projet technique", "technical lead", but not "développeur technique").
_ADJECTIVE_ONLY = frozenset({"technical", "functional", "digital"})
_ADJECTIVE_HEADS = frozenset({"project manager", "lead", "director", "architect", "consultant", "writer"})
#: Heads too broad to name a job with "IT" alone ("other IT specialists").
_BROAD_HEADS = frozenset({"specialist", "expert", "professional"})

#: Team words and the domain → role each team is made of (English role names, resolved in the lexicon).
TEAM_WORDS = _keys("équipe", "équipes", "team", "teams", "squad", "squads", "département", "department")
TEAM_ROLES: dict[str, str] = {
    "test": "Test engineer", "QA": "QA engineer", "qualite": "QA engineer", "quality": "QA engineer",
    "product": "Product manager", "produit": "Product manager", "developpement": "Software developer",
    "development": "Software developer", "dev": "Software developer", "engineering": "Software engineer",
    "design": "UX designer", "UX": "UX designer", "security": "Security engineer",
    "cybersecurity": "Security engineer", "network": "Network engineer", "infrastructure": "Infrastructure engineer",
    "operations": "IT operations engineer",
    "production": "IT operations engineer", "DevOps": "DevOps engineer", "SRE": "Site reliability engineer",
    "cloud": "Cloud engineer", "front-end": "Front-end developer", "back-end": "Back-end developer",
    "data science": "Data scientist", "mobile": "Mobile developer",
}
#: Team domains that are words of their own, not title domains ("l'équipe produit", "the dev team").
TEAM_DOMAINS: dict[str, str] = {"produit": "produit", "product": "product", "developpement": "developpement",
                                "development": "development", "dev": "dev", "engineering": "engineering",
                                "design": "design", "qualite": "qualite", "quality": "quality",
                                "data science": "data science"}


def _phrase_keys(table: dict[str, str]) -> dict[tuple[str, ...], str]:
    # the text's own tokenizer, so that phrase keys line up with the document's tokens
    return {tuple(t.key for t in tokenize(phrase) if t.key): name for phrase, name in table.items()}


_DOMAIN_KEYS = _phrase_keys(DOMAINS)
_TEAM_KEYS = {**_DOMAIN_KEYS, **_phrase_keys(TEAM_DOMAINS)}
_LONGEST = max(len(k) for k in _TEAM_KEYS)


def _domain_at(tokens: Sequence[Token], i: int, table=_DOMAIN_KEYS) -> tuple[str, int] | None:
    """The longest domain phrase starting at token ``i`` (stop words skipped inside it): name, last index."""
    best = None
    keys: list[str] = []
    j = i
    while j < len(tokens) and len(keys) < _LONGEST:
        if j > i and not tokens[j].soft:
            break
        if tokens[j].key:
            keys.append(tokens[j].key)
            name = table.get(tuple(keys))
            if name:
                best = (name, j)
        elif j == i:
            return None
        j += 1
    return best


def _domain_before(tokens: Sequence[Token], i: int, table=_DOMAIN_KEYS) -> tuple[str, int] | None:
    """The longest domain phrase ending at token ``i - 1``: name, first index."""
    best = None
    for first in range(max(0, i - _LONGEST - 2), i):
        if not all(tokens[k].soft for k in range(first + 1, i + 1)):
            continue
        keys = tuple(t.key for t in tokens[first:i] if t.key)
        if tokens[first].key and keys in table and (best is None or first < best[1]):
            best = (table[keys], first)
    return best


#: The id prefix of roles of our own, named by the grammar.
NEW_PREFIX = "title-"


def _sentence_case(words: str) -> str:
    return words[:1].upper() + words[1:]


@lru_cache(maxsize=4)
def _role_names(lexicon: Lexicon) -> dict[str, Entry]:
    """English name or variant (keyed as words) → the lexicon's role."""
    names: dict[str, Entry] = {}
    for entry in lexicon.of_kind("role"):
        for text in (entry.name, *entry.en):
            names.setdefault(label_key(text, "words"), entry)
    return names


def _entry(lexicon: Lexicon, name: str) -> Entry:
    """The lexicon's role of this English name, else a role of our own named by the rule."""
    known = _role_names(lexicon).get(label_key(name, "words"))
    if known is None and name.lower().startswith("cybersecurity "):
        known = _role_names(lexicon).get(label_key(name[len("cyber"):], "words"))
    if known is not None:
        return known
    return Entry("role", NEW_PREFIX + re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-"), name, (name,), ())


def title_mentions(text: str, tokens: Sequence[Token], lexicon: Lexicon) -> list[Mention]:
    """Role mentions built from a head and a domain, and from teams, in ``tokens`` (of ``text``)."""
    found: list[Mention] = []
    # "it" is a pronoun unless written "IT"
    tokens = [t._replace(key="") if t.key == "it" and text[t.start:t.end] != "IT" else t for t in tokens]

    def add(name: str, first: int, last: int, fallback: str | None = None) -> None:
        start, end = tokens[first].start, tokens[last].end
        entry = _entry(lexicon, name)
        if fallback and entry.id.startswith(NEW_PREFIX):
            known = _entry(lexicon, fallback)
            entry = entry if known.id.startswith(NEW_PREFIX) else known
        found.append(Mention(entry, start, end, text[start:end]))

    for i, token in enumerate(tokens):
        key = token.key
        if key in TEAM_WORDS:
            _team(tokens, i, add)
        if key in EN_HEADS:
            _english(tokens, i, add)
        if key in FR_HEADS or key in FR_PROJECT_HEADS:
            _french(tokens, i, add)
        if key == "head" and i + 2 < len(tokens) and tokens[i + 1].key == "" and fold(text[tokens[i + 1].start:
                                                                                      tokens[i + 1].end]) == "of":
            domain = _domain_at(tokens, i + 2) if tokens[i + 1].soft and tokens[i + 2].soft else None
            if domain is not None:
                add(f"Head of {domain[0]}", i, domain[1])
    return found


def _english(tokens: Sequence[Token], i: int, add) -> None:
    head = EN_HEADS[tokens[i].key]
    domain = _domain_before(tokens, i)
    if domain is None:
        return
    name, first = domain
    if (name in _ADJECTIVE_ONLY and head not in _ADJECTIVE_HEADS) or (name == "IT" and head in _BROAD_HEADS):
        return
    outer = _domain_before(tokens, first)  # "cloud security engineer": two domains
    if outer is not None and outer[0] not in _ADJECTIVE_ONLY:
        # the longer title, or the role it specialises when only that one is known
        add(_sentence_case(f"{outer[0]} {name} {head}"), outer[1], i, _sentence_case(f"{name} {head}"))
        return
    add(_sentence_case(f"{name} {head}"), first, i)


def _french(tokens: Sequence[Token], i: int, add) -> None:
    if i > 0 and tokens[i - 1].key in FR_COPULAS and tokens[i].key in FR_ADJECTIVE_HEADS:
        return  # "il est responsable de la sécurité": an adjective
    key = tokens[i].key
    j = i + 1
    head = FR_HEADS.get(key)
    # "chef de projet", "directeur de projet": skip the stop word and "projet"
    if key in FR_PROJECT_HEADS and j + 1 < len(tokens) and tokens[j].key == "" and tokens[j + 1].key == "projet" \
            and tokens[j].soft and tokens[j + 1].soft:
        head, j = "project manager", j + 2
    if head is None:
        return
    while j < len(tokens) and tokens[j].soft and tokens[j].key in FR_LINKS:
        j += 1
    if j >= len(tokens) or not tokens[j].soft or j - i > 4:
        return
    domain = _domain_at(tokens, j)
    if domain is None:
        return
    name, last = domain
    if name in _ADJECTIVE_ONLY and head not in _ADJECTIVE_HEADS:
        return
    if head == "project manager" and name.endswith(" project"):
        name = name[: -len(" project")]
    # "ingénieur sécurité informatique", "responsable sécurité des systèmes d'information": one title
    tail = _domain_at(tokens, last + 1) if last + 1 < len(tokens) else None
    if tail is not None and tail[0] in ("IT", "information systems"):
        last = tail[1]
        name = "IT " + name if name in ("security", "support", "maintenance") else name
    add(_sentence_case(f"{name} {head}"), i, last)


def _team(tokens: Sequence[Token], i: int, add) -> None:
    """"the test team", "l'équipe produit", "les équipes de développement"."""
    before = _domain_before(tokens, i, _TEAM_KEYS)
    if before is not None and before[0] in TEAM_ROLES:
        add(TEAM_ROLES[before[0]], before[1], i)
        return
    j = i + 1
    while j < len(tokens) and tokens[j].soft and tokens[j].key in FR_LINKS:
        j += 1
    if j < len(tokens) and tokens[j].soft:
        after = _domain_at(tokens, j, _TEAM_KEYS)
        if after is not None and after[0] in TEAM_ROLES:
            add(TEAM_ROLES[after[0]], i, after[1])

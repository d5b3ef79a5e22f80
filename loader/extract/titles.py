"""Role titles the lexicon does not list word for word: inclusive French forms, titles built from a
role head and an IT domain, and teams that name a job.

All three read the token stream of ``matcher.tokenize``:
  ``ungendered``      drops inclusive gender marks ("consultant(e)", "développeur·se", "technicien/ne"),
                      so "consultant(e) en cybersécurité" reads as the listed "consultant en cybersécurité";
  ``title_mentions``  "ingénieur en X", "chef de projet X", "X engineer", "head of X", "l'équipe produit":
                      a role only when the head is a role head and the complement a domain of IT, named in
                      English by rule ("Security consultant") or as the lexicon's role of that English name;
  ``with_gender_marks`` gives a role mention back the mark its title ends with, in its surface.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Iterable, Sequence

from rolegraph.core.errors import InputError

from ..labels import fold, id_slug, label_key, word_key, word_keys
from ..lexicon import Entry, Lexicon, read_grammar
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
        if m < len(marks) and token.start < marks[m][0] < token.end and marks[m][1] <= token.end:
            # a mark inside the word ("développeur.se", read as one word like "Node.js"): the word before it
            token = token._replace(key=word_key(fold(text[token.start:marks[m][0]])))
        if mark_end is not None:
            # the gap was ") " or "·": read it as a space when only spaces follow the mark
            if not text[mark_end:token.start].strip():
                token = token._replace(gap_before=" ", soft=True)
            mark_end = None
        kept.append(token)
    return kept


def with_gender_marks(text: str, mentions: Iterable[Mention]) -> list[Mention]:
    """``mentions`` with each role mention that ends where a gender mark starts reaching over it, so
    that its surface is the title as written ("développeur·se", not "développeur")."""
    folded = fold(text)
    out = []
    for m in mentions:
        mark = _GENDER_MARK.match(folded, m.end) if m.entry.kind == "role" else None
        out.append(m._replace(end=mark.end(), surface=text[m.start:mark.end()]) if mark else m)
    return out


def _keys(words) -> frozenset[str]:
    return frozenset(word_key(fold(w)) for w in words)


#: Words between a French head and its domain ("ingénieur en", "responsable de la", "chef de projet d'").
FR_LINKS = frozenset({"", "en", "au", "aux"})
#: Heads that are also adjectives ("il est responsable de la sécurité").
FR_ADJECTIVE_HEADS = _keys(["responsable"])
#: Words after which "responsable" is an adjective, not a title ("il est responsable de").
FR_COPULAS = _keys(["est", "sont", "être", "etre", "es", "êtes", "sera", "seront", "serez", "reste", "restent"])
#: Domains that qualify a project, a lead or an architect, not an engineer or a developer
#: ("chef de projet technique", "technical lead", but not "développeur technique").
_ADJECTIVE_ONLY = frozenset({"technical", "functional", "digital"})
_ADJECTIVE_HEADS = frozenset({"project manager", "lead", "director", "architect", "consultant", "writer"})
#: Heads too broad to name a job with "IT" alone ("other IT specialists").
_BROAD_HEADS = frozenset({"specialist", "expert", "professional"})


def _phrase_keys(table: dict[str, str]) -> dict[tuple[str, ...], str]:
    # the text's own tokenizer, so that phrase keys line up with the document's tokens
    return {tuple(t.key for t in tokenize(phrase) if t.key): name for phrase, name in table.items()}


@dataclass(frozen=True)
class TitleGrammar:
    """The words of data/lexicon/titles.toml, keyed as the tokenizer keys a document's words."""
    fr_heads: dict[str, str]            # French head → the English head
    fr_project_heads: frozenset[str]    # "chef" of "chef de projet X"
    en_heads: dict[str, str]            # English head, singular or plural → singular
    domains: dict[tuple[str, ...], str]  # domain phrase → its English name
    team_words: frozenset[str]
    team_domains: dict[tuple[str, ...], str]  # title domains and the team's own domain words
    team_roles: dict[str, str]          # a team's domain name → the English name of its role
    longest: int                        # the most words of a domain phrase
    grades: frozenset[str]              # seniority grades of a career ladder ("junior", "confirmé")
    ranks: dict[str, str]               # a bare rank of a ladder → the English name of its role
    lone_heads: dict[str, str]          # a head's key, French or English, alone → the English name of its role

    @cached_property
    def openers(self) -> frozenset[str]:
        """The keys at which the word-by-word scan of ``title_mentions`` has a rule to try (with the
        words starting "speciali"): one set lookup skips every other word."""
        return frozenset({*self.team_words, *self.en_heads, *self.fr_heads, *self.fr_project_heads, "head"})

    def english_head(self, key: str) -> str | None:
        """The English head a head word's key stands for ("developpeur" → "developer")."""
        return self.en_heads.get(key) or self.fr_heads.get(key)


def _table(tables: dict, name: str, file: str) -> dict:
    table = tables.get(name)
    if not isinstance(table, dict):
        raise InputError(f"the table [{name}] is missing", file=file)
    return table


@lru_cache(maxsize=2)
def load_title_grammar(path: str | None = None) -> TitleGrammar:
    """The role-title grammar of ``path`` (data/lexicon/titles.toml by default), read once."""
    file, tables = read_grammar("titles.toml", "role-title grammar", path)
    fr_heads = {word_key(fold(w)): head for head, words in _table(tables, "french_heads", file).items()
                for w in words}
    en_heads = {}
    for word in _table(tables, "english_heads", file).get("words", ()):
        en_heads[word_key(word)] = word
        en_heads[word_key(word + "s")] = word
    domains = _phrase_keys(_table(tables, "domains", file))
    teams = _table(tables, "teams", file)
    team_domains = {**domains, **_phrase_keys({w: w for w in teams.get("domains", ())})}
    ladder = _table(tables, "ladder", file)
    return TitleGrammar(fr_heads, _keys(_table(tables, "french_project_heads", file).get("words", ())), en_heads,
                        domains, _keys(teams.get("words", ())), team_domains, dict(teams.get("roles", {})),
                        max(len(k) for k in team_domains), _keys(ladder.get("grades", ())),
                        {" ".join(word_keys(rank)): name for rank, name in ladder.get("ranks", {}).items()},
                        _lone_heads(_table(tables, "lone_heads", file), en_heads, fr_heads))


def _lone_heads(table: dict, en_heads: dict[str, str], fr_heads: dict[str, str]) -> dict[str, str]:
    """Each key of an English or French head word whose English head is in ``table`` → the role named there."""
    return {key: table[head] for heads in (en_heads, fr_heads) for key, head in heads.items() if head in table}


def _domain_at(tokens: Sequence[Token], i: int, table: dict, longest: int) -> tuple[str, int] | None:
    """The longest domain phrase starting at token ``i`` (stop words skipped inside it): name, last index."""
    best = None
    keys: list[str] = []
    j = i
    while j < len(tokens) and len(keys) < longest:
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


def _domain_before(tokens: Sequence[Token], i: int, table: dict, longest: int) -> tuple[str, int] | None:
    """The longest domain phrase ending at token ``i - 1``: name, first index."""
    best = None
    for first in range(max(0, i - longest - 2), i):
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
    return Entry("role", NEW_PREFIX + id_slug(name), name, (name,), ())


def title_mentions(text: str, tokens: Sequence[Token], lexicon: Lexicon) -> list[Mention]:
    """Role mentions built from a head and a domain, and from teams, in ``tokens`` (of ``text``)."""
    grammar = load_title_grammar()
    found: list[Mention] = []
    # "it" is a pronoun unless written "IT"
    tokens = [t._replace(key="") if t.key == "it" and text[t.start:t.end] != "IT" else t for t in tokens]
    tokens = _without_bracketed_acronyms(text, tokens)

    def add(name: str, first: int, last: int, fallback: str | None = None, known_only: bool = False) -> None:
        start, end = tokens[first].start, tokens[last].end
        entry = _entry(lexicon, name)
        if fallback and entry.id.startswith(NEW_PREFIX):
            known = _entry(lexicon, fallback)
            entry = entry if known.id.startswith(NEW_PREFIX) else known
        if known_only and entry.id.startswith(NEW_PREFIX):
            return
        found.append(Mention(entry, start, end, text[start:end]))

    openers = grammar.openers
    for i, token in enumerate(tokens):
        key = token.key
        if key not in openers and not key.startswith("speciali"):
            continue
        if key in grammar.team_words:
            _team(grammar, tokens, i, add)
        if key in grammar.en_heads:
            _english(grammar, tokens, i, add)
        if key in grammar.fr_heads or key in grammar.fr_project_heads:
            _french(grammar, tokens, i, add)
        if key.startswith("speciali") and _SPECIALISE.match(fold(text[token.start:token.end])):
            _specialisations(grammar, text, tokens, i, add)
        if key == "head" and i + 2 < len(tokens) and tokens[i + 1].key == "" and fold(text[tokens[i + 1].start:
                                                                                      tokens[i + 1].end]) == "of":
            domain = _domain_at(tokens, i + 2, grammar.domains, grammar.longest) if tokens[i + 1].soft and tokens[i + 2].soft else None
            if domain is not None:
                add(f"Head of {domain[0]}", i, domain[1])
    _ladders(grammar, tokens, add)
    for i, token in enumerate(tokens):
        if token.key in grammar.lone_heads:
            add(grammar.lone_heads[token.key], i, i, known_only=True)
    return found


#: Longest acronym read as the abbreviation of the words before it ("quality (QA) team").
_MAX_ACRONYM = 6


#: An acronym bracketed between two words ("quality (QA) team"); group 1 is the acronym.
_BRACKETED_ACRONYM = re.compile(r"(?<=\w)[ \t]*\(([A-Z][A-Z0-9]{0,%d})\)[ \t]*(?=\w)" % (_MAX_ACRONYM - 1))


def _without_bracketed_acronyms(text: str, tokens: list[Token]) -> list[Token]:
    """``tokens`` without an acronym bracketed between two words, which abbreviates the words before it:
    "the quality (QA) team" reads as "the quality team", the word after joined to the one before."""
    found = {m.start(1): m.end() for m in _BRACKETED_ACRONYM.finditer(text)} if "(" in text else None
    if not found:
        return tokens
    kept: list[Token] = []
    resumes = None  # where the word after a dropped acronym starts
    for token in tokens:
        if token.start in found and kept and kept[-1].key:
            resumes = found[token.start]
            continue
        if resumes is not None and token.start == resumes:
            token = token._replace(gap_before=" ", soft=True)
        resumes = None if token.start >= (resumes or 0) else resumes
        kept.append(token)
    return kept


#: Words that join the steps of a career ladder ("from Junior to Senior, then Lead", "confirmé puis lead");
#: stop words ("à", "de") join them too.
_STEP_WORDS = frozenset({"then", "puis", "ensuite", "and", "et", "or", "ou", "enfin", "finally", "to", "from", "vers"})
#: Punctuation that separates the steps of a ladder.
_STEP_MARK = re.compile(r"[,/()→>]")
#: Where the clause of a ladder ends.
_LADDER_END = re.compile(r"[.!?;:\n]")


def _ladders(grammar: TitleGrammar, tokens: Sequence[Token], add) -> None:
    """The ranks named alone in an enumeration of seniority grades: each stands for its role."""
    clause: list[int] = []
    ends = _LADDER_END.search
    for i, token in enumerate([*tokens, Token("", 0, 0, ".", False)]):
        # most gaps are one space: no search for those (this loop runs over every word of the text)
        if clause and token.gap_before != " " and ends(token.gap_before):
            _ladder(grammar, tokens, clause, add)
            clause = []
        clause.append(i)


def _ladder(grammar: TitleGrammar, tokens: Sequence[Token], clause: list[int], add) -> None:
    if sum(tokens[i].key in grammar.grades for i in clause) < 2:
        return  # fewer than two grades: no ladder, whatever stands alone

    def joiner(k: int) -> bool:
        return not tokens[clause[k]].key or tokens[clause[k]].key in _STEP_WORDS

    def alone(k: int) -> bool:
        before = k == 0 or joiner(k - 1) or bool(_STEP_MARK.search(tokens[clause[k]].gap_before))
        after = k + 1 == len(clause) or joiner(k + 1) or bool(_STEP_MARK.search(tokens[clause[k + 1]].gap_before))
        return before and after and not joiner(k)

    steps = [clause[k] for k in range(len(clause)) if alone(k)]
    if sum(tokens[i].key in grammar.grades for i in steps) < 2:
        return
    for i in steps:
        name = grammar.ranks.get(tokens[i].key)
        if name:
            add(name, i, i, known_only=True)


#: Participles that join a domain to its head without changing the title ("a mobile-oriented developer",
#: "développeuse orientée mobile", "ingénieur spécialisé en sécurité").
EN_ORIENTED = _keys(["oriented", "focused"])
FR_ORIENTED = _keys(["orienté", "orientée", "orientés", "orientées", "spécialisé", "spécialisée", "spécialisés",
                     "spécialisées", "axé", "axée", "axés", "axées"])
#: Words between such a participle and the domain ("spécialisé dans le", "axée sur la").
FR_ORIENTED_LINKS = FR_LINKS | _keys(["dans", "sur"])


def _english(grammar: TitleGrammar, tokens: Sequence[Token], i: int, add) -> None:
    head = grammar.en_heads[tokens[i].key]
    before = i - 1 if i > 0 and tokens[i - 1].key in EN_ORIENTED and tokens[i].soft and tokens[i - 1].soft else i
    domain = _domain_before(tokens, before, grammar.domains, grammar.longest)
    if domain is None:
        return
    name, first = domain
    if (name in _ADJECTIVE_ONLY and head not in _ADJECTIVE_HEADS) or (name == "IT" and head in _BROAD_HEADS):
        return
    outer = _domain_before(tokens, first, grammar.domains, grammar.longest)  # "cloud security engineer": two domains
    if outer is not None and outer[0] not in _ADJECTIVE_ONLY:
        # the longer title, or the role it specialises when only that one is known
        add(_sentence_case(f"{outer[0]} {name} {head}"), outer[1], i, _sentence_case(f"{name} {head}"))
        return
    add(_sentence_case(f"{name} {head}"), first, i)


def _french(grammar: TitleGrammar, tokens: Sequence[Token], i: int, add) -> None:
    if i > 0 and tokens[i - 1].key in FR_COPULAS and tokens[i].key in FR_ADJECTIVE_HEADS:
        return  # "il est responsable de la sécurité": an adjective
    key = tokens[i].key
    j = i + 1
    head = grammar.fr_heads.get(key)
    # "chef de projet", "directeur de projet": skip the stop word and "projet"
    if key in grammar.fr_project_heads and j + 1 < len(tokens) and tokens[j].key == "" and tokens[j + 1].key == "projet" \
            and tokens[j].soft and tokens[j + 1].soft:
        head, j = "project manager", j + 2
    if head is None:
        return
    while j < len(tokens) and tokens[j].soft and tokens[j].key in FR_LINKS:
        j += 1
    reach = 4
    if j < len(tokens) and tokens[j].soft and tokens[j].key in FR_ORIENTED:
        j, reach = j + 1, 7  # "développeur orienté mobile": the participle joins head and domain
        while j < len(tokens) and tokens[j].soft and tokens[j].key in FR_ORIENTED_LINKS:
            j += 1
    if j >= len(tokens) or not tokens[j].soft or j - i > reach:
        return
    domain = _domain_at(tokens, j, grammar.domains, grammar.longest)
    if domain is None:
        return
    name, last = domain
    if name in _ADJECTIVE_ONLY and head not in _ADJECTIVE_HEADS:
        return
    if head == "project manager" and name.endswith(" project"):
        name = name[: -len(" project")]
    # "ingénieur sécurité informatique", "responsable sécurité des systèmes d'information": one title
    tail = _domain_at(tokens, last + 1, grammar.domains, grammar.longest) if last + 1 < len(tokens) else None
    if tail is not None and tail[0] in ("IT", "information systems"):
        last = tail[1]
        name = "IT " + name if name in ("security", "support", "maintenance") else name
    add(_sentence_case(f"{name} {head}"), i, last)


#: "specialize", "se spécialiser", "ils se spécialisent", "specialising" (folded): the fields that follow name the
#: roles one becomes.
_SPECIALISE = re.compile(r"speciali[sz](?:e|es|er|ez|ent|ons|ing|ant)$")
#: Words that end a field of specialisation as a role ("data engineering" → "Data engineer").
_FIELD_ENDS = frozenset({"engineering", "ingenieri"})
#: Where the list of fields after a cue ends.
_CLAUSE_END = re.compile(r"[.;:!?()\n]")
#: Separators of the fields in that list.
_FIELD_SEPARATORS = frozenset({"and", "or", "et", "ou"})
#: Prepositions and articles before a field ("in", "en", "dans le", "into the").
_FIELD_LINKS = _keys(["in", "into", "en", "dans", "the", "le", "la", "les", "du", "des",
                      # adverbs between the verb and its fields ("se spécialisent ensuite en cloud")
                      "then", "later", "often", "further", "also", "ensuite", "souvent", "parfois", "aussi",
                      "également", "plutôt"]) | {""}


def _specialisations(grammar: TitleGrammar, text: str, tokens: Sequence[Token], i: int, add) -> None:
    """"specialise in application security, data engineering or platform engineering": the list of IT
    domains right after the cue names the roles of those fields, when the lexicon has them ("Data engineer")."""
    j = i + 1
    while j < len(tokens) and tokens[j].key in _FIELD_LINKS and not _CLAUSE_END.search(tokens[j].gap_before):
        j += 1  # "in", "en", "dans le"
    while j < len(tokens) and not _CLAUSE_END.search(tokens[j].gap_before):
        domain = _domain_at(tokens, j, grammar.domains, grammar.longest)
        if domain is None:
            return  # the list of fields ends at the first item that is not a domain
        name, last = domain
        if last + 1 < len(tokens) and tokens[last + 1].soft and tokens[last + 1].key in _FIELD_ENDS:
            last += 1
        after = tokens[last + 1] if last + 1 < len(tokens) else None
        whole = after is None or _CLAUSE_END.search(after.gap_before) or "," in after.gap_before \
            or "/" in after.gap_before or after.key in _FIELD_SEPARATORS
        if not whole:
            return  # "specialise in web development": a skill, not a field
        add(grammar.team_roles.get(name) or _sentence_case(f"{name} engineer"), j, last, known_only=True)
        j = last + 1
        while j < len(tokens) and (tokens[j].key in _FIELD_SEPARATORS or tokens[j].key in _FIELD_LINKS) \
                and not _CLAUSE_END.search(tokens[j].gap_before):
            j += 1  # "and", "ou en", "or the"


def _team(grammar: TitleGrammar, tokens: Sequence[Token], i: int, add) -> None:
    """"the test team", "l'équipe produit", "les équipes de développement"."""
    roles = grammar.team_roles
    before = _domain_before(tokens, i, grammar.team_domains, grammar.longest)
    if before is not None and before[0] in roles:
        add(roles[before[0]], before[1], i)
        return
    j = i + 1
    while j < len(tokens) and tokens[j].soft and tokens[j].key in FR_LINKS:
        j += 1
    if j < len(tokens) and tokens[j].soft:
        after = _domain_at(tokens, j, grammar.team_domains, grammar.longest)
        if after is not None and after[0] in roles:
            add(roles[after[0]], i, after[1])

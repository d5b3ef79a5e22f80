"""Which role a document is about, and how it relates the other roles it names."""
from __future__ import annotations

import re
from collections import Counter
from typing import Callable

from ..documents import Document
from ..labels import fold, word_key, word_keys
from .sections import section_kind
from .titles import load_title_grammar

#: Sentence cues of each relation, folded; the first relation whose cue is in the sentence wins.
RELATION_CUES: tuple[tuple[str, str], ...] = (
    ("specialisation", r"speciali[sz]|expertise|expert en|devenir expert"),
    ("progression", r"evolu|progress|devenir|become|career|carriere|promotion|acceder|access to|move towards|"
                    r"s'orienter|orient|perspective|prospect|management|manager|encadr|lead/"),
    ("collaborator", r"collabor|travaill\w* (?:avec|en lien)|en lien avec|rattache|interlocut|work(?:s|ing)? (?:with|as a team)|"
                     r"alongside|depend on|report(?:s|ing)? to|aupres|en relation avec|coordon|exchanges? with|align"),
)
RELATED_CUE = r"cross-cutting|transvers|also exist|connexe|related"
SECTION_RELATION = {"related": "related", "career": "progression"}


#: Cues, folded, after which a role is another name of the role just before ("appelé également", "also known as").
ALIAS_CUE = re.compile(r"\b(?:(?:aussi|egalement) (?:appele|nomme|denomme)e?s?|appelee?s? (?:aussi|egalement)|"
                       r"(?:aussi|egalement) connue?s? (?:sous le nom|comme)|dite?s? aussi|alias|autrement dit|"
                       r"also (?:called|known as|referred to as)|"
                       r"a\.?k\.?a\.?|or simply)\b")
#: How far (characters) a cue may stand after the main role's mention it renames.
ALIAS_REACH = 40
#: A title that opens a sentence and is followed by a comma and a subject pronoun describes that subject
#: ("Spécialiste de l'infrastructure, il se concentre sur…"): an apposition, not another role.
_APPOSED_SUBJECT = re.compile(r"\s*,\s*(?:il|elle|iel|he|she|they)\b")
_OPENS_SENTENCE = re.compile(r"(?:^|[.!?:\n])[\s\"'«»*•-]*$")


def main_role_of(document: Document, roles: list) -> object | None:
    """The subject of the document: a role of its title, else of its opening lines, else the role named most.

    Only the title and the opening define the subject, so that a closing paragraph about another role,
    however long, does not take it over; among the roles there, the one named most wins.
    """
    if not roles:
        return None
    opening = min(len(document.text), 300)
    title = fold(document.title or "")
    counts = Counter({role.id: len(role.evidence) for role in roles})
    in_title = [r for r in roles if title and any(fold(ev.quote) in title for ev in r.evidence)]
    early = [r for r in roles if any(ev.start < opening for ev in r.evidence)]
    pool = in_title or early or roles
    return max(pool, key=lambda r: (counts[r.id], -r.evidence[0].start))


#: Words before a title that make it a part the subject plays, not another job ("act as a consultant",
#: "joue le rôle de conseiller"); on folded text, ending where the title starts.
_PLAYS_PART = re.compile(r"\b(?:(?:act|acts|acting|serve|serves|serving)\s+as|"
                         r"(?:joue|jouent|jouer)\s+(?:(?:aussi|souvent|parfois|egalement)\s+)?(?:le\s+|un\s+)?role\s+(?:de|d'|du)|"
                         r"(?:fait|font|faire)\s+office\s+(?:de|d'))\s*(?:an?\s+|the\s+|l'|la\s+|le\s+|un\s+|une\s+)?\Z")
#: How far before a title the words of a part can start.
_PART_REACH = 40


#: The words between the subject and a title that says what the subject is: "machine learning engineers
#: are programmers who…", "le data analyst est un expert qui…" (an adverb or an adjective may come between).
_PREDICATE = re.compile(r"[ \t]+(?:is|are|est|sont)[ \t]+(?:(?:a|an|un|une|des|often|usually|essentially|mainly|"
                        r"souvent|surtout|avant[ \t]+tout)[ \t]+)*(?:[a-z]+[ \t]+)?\Z")
#: The longest such stretch, in characters.
_PREDICATE_REACH = 48


def _predicate_of(folded: str, subject: list, start: int) -> bool:
    """Whether the title starting at ``start`` of ``folded`` follows a mention of the subject as what it is."""
    return any(0 < start - ev.end <= _PREDICATE_REACH and _PREDICATE.match(folded, ev.end, start) for ev in subject)


def _plays_part(folded: str, start: int) -> bool:
    """Whether the title starting at ``start`` of ``folded`` is a part the subject plays."""
    return bool(_PLAYS_PART.search(folded, max(0, start - _PART_REACH), start))


def _apposed(folded: str, start: int, end: int) -> bool:
    """Whether the title at ``start``..``end`` of ``folded`` opens its sentence and a subject pronoun
    follows it after a comma."""
    return bool(_APPOSED_SUBJECT.match(folded, end)) and bool(_OPENS_SENTENCE.search(folded, max(0, start - 12), start))


def merge_aliases(document: Document, main, roles: list) -> list:
    """The roles other than ``main``, once those that only rename it are folded into it.

    A role is another name of the subject when it follows an alias cue just after a mention of the
    subject ("le technicien helpdesk, appelé également technicien support"), when each of its
    mentions is a longer wording of the subject's name ("machine learning software engineer") or the
    subject's head alone ("the developers" in a document about back-end developers), or when each is
    in apposition to the subject ("Spécialiste des réseaux, elle …"). A role each of whose mentions is a
    part the subject plays ("he may act as a consultant") or what it is said to be ("machine learning
    engineers are programmers who…") is no other role, and no name of the subject.
    """
    folded = fold(document.text)
    cue_ends = []
    for ev in main.evidence:
        cue = ALIAS_CUE.search(folded, ev.end, min(len(folded), ev.end + ALIAS_REACH))
        if cue:
            stop = re.compile(r"[.!?\n]").search(folded, cue.end())
            cue_ends.append((cue.end(), stop.start() if stop else len(folded)))
    main_words = set(word_keys(main.name))
    grammar = load_title_grammar()

    def names_subject(quote: str) -> bool:
        """A longer wording of the subject's name, or its head alone ("développeurs" for a web developer)."""
        keys = word_keys(quote)
        if len(keys) == 1 and keys[0] in grammar.lone_heads:
            return word_key(grammar.english_head(keys[0]) or "") in main_words
        return main_words <= set(keys)

    others = []
    subject = list(main.evidence)  # the subject's own mentions, before any other role's wordings join them
    for role in roles:
        if role is main:
            continue
        renames = any(start <= ev.start < end for ev in role.evidence for start, end in cue_ends)
        wordings = [ev for ev in role.evidence if names_subject(ev.quote)
                    and not set(word_keys(role.name)) <= set(word_keys(ev.quote))]
        if not renames:
            renames = all(_apposed(folded, ev.start, ev.end) for ev in role.evidence)
        if renames or len(wordings) == len(role.evidence):
            main.evidence.extend(role.evidence)
            continue
        if wordings:
            main.evidence.extend(wordings)
            role.evidence = [ev for ev in role.evidence if ev not in wordings]
        if all(_plays_part(folded, ev.start) or _predicate_of(folded, subject, ev.start) for ev in role.evidence):
            continue
        others.append(role)
    main.evidence.sort(key=lambda ev: ev.start)
    return others


def _nearest_cue(sentence: str, position: int) -> str | None:
    """The relation whose cue stands closest before ``position`` in the sentence (else the first after)."""
    cues = [(m.start(), name) for name, cue in (*RELATION_CUES, ("related", RELATED_CUE))
            for m in re.finditer(cue, sentence)]
    before = [c for c in cues if c[0] < position]
    if before:
        return max(before)[1]
    return min(cues)[1] if cues else None


#: A label that opens its line and stands for a heading ("Évolution : chef de projet, DSI", "Related roles:
#: …"): a few words and a colon.
_RUN_IN_LABEL = re.compile(r"[ \t]*(?:[-•*–·▪◦][ \t]*)?([^\W\d][^\n:.;!?]{0,40}?)[ \t]*:")


def classify_relation(document: Document, role, sentence_of: Callable[[Document, int], tuple[int, str]]) -> str:
    """progression, specialisation, collaborator or related, from the words around each mention
    and the heading of its section; an explicit "related roles" section wins."""
    votes = []
    for ev in role.evidence:
        kind = section_kind(ev.section)
        if kind == "related" and re.search(r"connexe|related|similar|voisin|cross", fold(ev.section or "")):
            return "related"
        label = _RUN_IN_LABEL.match(document.text, document.text.rfind("\n", 0, ev.start) + 1, ev.start)
        if label and section_kind(label.group(1)) in SECTION_RELATION:
            kind = section_kind(label.group(1))  # a vote like a heading's, never one that wins outright
        start, sentence = sentence_of(document, ev.start)
        relation = _nearest_cue(fold(sentence), ev.start - start)
        votes.append(relation or SECTION_RELATION.get(kind))
    for vote in votes:
        if vote:
            return vote
    return "related"


#: What opens the description of another role just named: a colon or dash after a role that starts its
#: line ("- DevOps : expert en déploiement"), or a relative pronoun ("le testeur, qui rédige…", "the
#: designers who draw…").
_LINE_DESCRIPTION = re.compile(r"[ \t]*(?::|–|—|-[ \t])")
_RELATIVE_DESCRIPTION = re.compile(r",?[ \t]+(?:qui|who|which)\b", re.IGNORECASE)
_DETERMINER = r"(?:(?:le|la|les|l['’]|un|une|the|an?)[ \t]+)?"
_LINE_START = re.compile(r"(?:^|\n)[ \t]*(?:[-•*–·▪◦]|\d+[.)])?[ \t]*" + _DETERMINER + r"\Z", re.IGNORECASE)
#: A contrast that makes a role the subject of what follows: "alors que le développeur front-end va…",
#: "whereas the tester checks…".
_CONTRAST = re.compile(r"\b(?:alors\s+que|tandis\s+que|contrairement\s+(?:à|a|au|aux)|whereas|while|unlike)[ \t]+"
                       + _DETERMINER + r"\Z", re.IGNORECASE)
_DESCRIPTION_END = re.compile(r"[.;!?)\n]")
#: A role that opens a sentence, after its determiner ("Le développeur front-end", "The tester"), ...
_SENTENCE_START = re.compile(r"(?:^|\n|[.!?][ \t]+)[ \t]*(?:le|la|les|l['’]|un|une|the|an?)[ \t]+\Z", re.IGNORECASE)
#: ... and is followed by a word that can be its verb, not by a complement of its name.
_VERB_AFTER = re.compile(r"[ \t]+(?!(?:de|du|des|d|en|et|ou|à|au|aux|pour|avec|sur|chez|dans|of|and|or|in|at|for|with|on|"
                         r"to|from|who|qui|que|which|that|h|f|junior|senior|confirmé|confirmée)\b)[a-zà-ÿ]", re.IGNORECASE)


def descriptions_of_others(text: str, related: list) -> list[tuple[int, int]]:
    """The spans of ``text`` that describe a role other than the document's own: what such a role does
    is not a skill the document asks for ("Ingénieur cloud : spécialiste du stockage", "le développeur
    front-end qui gère la partie visible", "alors que le testeur vérifie…")."""
    spans = []
    for role in related:
        for ev in role.evidence:
            opener = _RELATIVE_DESCRIPTION.match(text, ev.end)
            if opener is None and _LINE_START.search(text, max(0, ev.start - 12), ev.start):
                opener = _LINE_DESCRIPTION.match(text, ev.end)
            if opener is not None:
                start = opener.end()
            elif _CONTRAST.search(text, max(0, ev.start - 32), ev.start):
                start = ev.end  # the role is the contrast's subject: what follows it describes it
            elif _SENTENCE_START.search(text, max(0, ev.start - 12), ev.start) and _VERB_AFTER.match(text, ev.end):
                start = ev.end  # "Le développeur front-end conçoit…": the sentence is about that role
            else:
                continue
            end = _DESCRIPTION_END.search(text, start)
            spans.append((start, end.start() if end else len(text)))
    return spans

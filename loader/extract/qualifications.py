"""Diplomas from the qualification grammar: degrees, study levels ("bac+5", "niveau 6") and fields of study,
coordinated and distributed: "Licence en informatique ou développement Web" is two diplomas, "bac+5 ou bac+6"
two levels, "a degree in computer science or a related field such as mathematics" two degrees, and
"BTS SIO" one complete diploma."""
from __future__ import annotations

import bisect
import re
from typing import Callable

from ..documents import Document
from ..labels import fold
from ..lexicon import Entry, Lexicon
from .cues import SENTENCE_BREAK, sentence_bounds
from .matcher import Mention
from .spans import Spans

#: A French study level: "bac+5", "Bac + 2", "niveau BAC +4", "BAC+4/5" (two levels in one).
_BAC_LEVEL = re.compile(r"(?:\b(?:de\s+)?niveau\s+)?\bbac\s*\+\s*(\d)((?:\s*/\s*\d)*)(?![\d,.]\d)", re.I)
#: A level of the French RNCP framework ("niveau 6"); 5 to 8 only, as levels 1–3 name support tiers.
_RNCP_LEVEL = re.compile(r"\b(?:de\s+)?niveau\s+([5-8])\b(?!\s*[.,]\d)", re.I)
#: RNCP level → years after the baccalauréat (level 6 covers bac+3 and bac+4; its usual degree is bac+3).
_RNCP_YEARS = {5: 2, 6: 3, 7: 5, 8: 8}
#: Words that make "niveau N" a qualification and not a support tier or a skill level.
_QUALIFICATION_CUES = ("diplom", "titre", "rncp", "certification", "formation", "etude", "bac", "qualification",
                       "licence", "master")
#: Years after the baccalauréat → EQF level.
_EQF = {1: 5, 2: 5, 3: 6, 4: 6, 5: 7, 6: 7, 8: 8}
#: Levels the evaluation schema names; the others are "other".
_SCHEMA_LEVELS = {2: "bac+2", 3: "bac+3", 5: "bac+5"}

#: Words that may join coordinated degrees or levels ("BTS ou DUT", "bac+5 ou du bac+6", "Bac+2 à Bac+3").
_HEAD_GLUE = frozenset("ou or et and a à to du de d un une an the le la les des voire then puis".split())
#: Words that may stand between a degree and its fields, or between coordinated fields ("a degree in
#: computer science or a related field, such as mathematics", "master spécialisé en génie logiciel").
_FIELD_GLUE = frozenset("""
    en in de d du des of ou or et and a an un une the le la les l dans on with avec
    related relevant similar parallel equivalent closely field fields area areas discipline disciplines subject
    subjects domain such as like including include especially particularly preferably ideally eg ie etc
    connexe connexes proche proches similaire similaires equivalent equivalente domaine domaines filiere
    notamment comme tel telle tels telles que type specialise specialisee specialite option mention majeure
    major majoring specialising specializing specialization specialisation focus focused
    """.split())
#: Words that may stand between fields placed before their degree ("a computer science or engineering degree").
_FIELD_COORD = frozenset("ou or et and".split())
_WORD = re.compile(r"[^\W\d_]+", re.U)
_MAX_GLUE_WORDS = 9
#: A degree that opens a list of its fields: "a degree in:", "un master en :", up to the line's end.
_LIST_OPENER = re.compile(r"[ \t]*(?:in|en|of|de|d['’]|du|des)?[ \t]*:[ \t]*(?=\n)", re.I)
#: What stands before a listed field: the end of the line before and a bullet.
_LIST_LINE_BEFORE = re.compile(r"[ \t,;.]*\n[ \t]*(?:[-*•·▪–][ \t]*)?")
#: What may follow a listed field on its line: punctuation, "or"/"ou" closing the list, then the line's end.
_LIST_LINE_AFTER = re.compile(r"[ \t,;.]*(?:(?:or|and|ou|et)[ \t]*)?(?:\n|$)", re.I)
_MOST_LISTED = 8
#: A comma and an indefinite article open another noun phrase, not one more field: "a Diploma in IT, an
#: IT support apprenticeship" (fields are listed bare, "in X, Y or a related field").
_NEW_PHRASE = re.compile(r"\s*,\s*(?:an?|une?)\s", re.I)


def compose_diplomas(lexicon: Lexicon, document: Document, text: str, parts: list[Mention],
                     complete: list[Mention], evidence: Callable) -> list:
    """The diplomas of ``document`` from its degree and field ``parts``, its ``complete`` diploma mentions
    and the study levels of its ``text`` (the document's, with wrapped lines read as spaces: a list of fields
    may go on on the next line); ``evidence`` turns a mention into an Evidence."""
    from . import Item  # the item type lives with the extraction

    parts = [p for p in parts if not _verb_sense(text, p, document.language)]
    by_name = {e.name.lower(): e for e in lexicon.of_kind("diploma")}
    items: dict[str, Item] = {}

    def add(entry_id: str, name: str, attrs: dict, start: int, end: int, entry: Entry | None):
        item = items.get(entry_id)
        if item is None:
            item = items[entry_id] = Item("diploma", entry_id, name, attrs, [], entry)
        ev = evidence(Mention(entry, start, end, text[start:end]))
        if ev not in item.evidence:
            item.evidence.append(ev)

    levels = level_mentions(text)
    named = complete + [p for p in parts if p.entry.kind == "degree" and not _generic(p.entry)]
    levels, absorbed = _absorb_levels(text, levels, named)
    for mention in complete:
        end = absorbed.get((mention.start, mention.end), mention.end)
        add(mention.entry.id, mention.entry.name, dict(mention.entry.attrs), mention.start, end, mention.entry)

    inside = [(m.start, m.end) for m in complete]
    parts = [p for p in parts if not any(s <= p.start and p.end <= e for s, e in inside)]
    parts = sorted(parts + levels, key=lambda m: (m.start, -m.end))
    for heads, fields in _groups(text, parts):
        if not fields and heads[-1].entry.kind == "degree":
            fields = _fields_of_study_after(text, heads[-1], parts)
        start = min(m.start for m in heads + fields)
        end = max(absorbed.get((m.start, m.end), m.end) for m in heads + fields)
        for head in heads:
            entry = head.entry
            if entry.kind == "level":
                # a level is named by itself; its fields only widen the span that states it
                span = (start, end) if fields else (_level_start(heads, head), head.end)
                add(entry.id, entry.name, dict(entry.attrs), *span, entry)
                continue
            if not fields:
                if not _generic(entry):
                    add(entry.id, entry.name, dict(entry.attrs), head.start,
                        absorbed.get((head.start, head.end), head.end), entry)
                continue
            named_jobs = [f for f in fields if f.entry.id.startswith(ROLE_FIELD)]
            for fld in named_jobs or fields:  # the fields after a job are the job's ("… en informatique")
                role = fld.entry.id.startswith(ROLE_FIELD)
                name = f"{entry.name} ({fld.entry.name})" if role else f"{entry.name} in {fld.entry.name}"
                known = by_name.get(name.lower())
                attrs = dict(known.attrs) if known else {**entry.attrs, "degree": entry.id, "field": fld.entry.id}
                entry_id = known.id if known else \
                    f"{entry.id}-in-{fld.entry.id.removeprefix(SKILL_FIELD).removeprefix(ROLE_FIELD)}"
                if known is None and fld.entry.id.startswith((SKILL_FIELD, ROLE_FIELD)):
                    # a field the lexicon does not list: the diploma is its own entry, named in English only
                    known = Entry("diploma", entry_id, name, (), (), attrs=attrs)
                add(entry_id, known.name if known else name, attrs, start, end, known)
    return _drop_subsumed(text, list(items.values()), lexicon)


#: The id prefix of a field of study read from a skill's name, not from the lexicon's fields.
SKILL_FIELD = "skill-"
#: The id prefix of the job a professional title is named after, read as its field.
ROLE_FIELD = "role-"
#: Words between a degree and a skill that is its field ("a master's in database administration").
_SKILL_FIELD_GLUE = re.compile(r"^\s*(?:in|en|of|de|d['’]|du|des|with a (?:major|focus) in|majoring in)\s*$", re.I)


def with_skill_fields(text: str, parts: list[Mention], mentions: list[Mention]) -> list[Mention]:
    """``parts`` with the skills named as a degree's field added as fields (``skill_fields``), less the
    lexicon fields inside them ("networking" in "computer networking" is that one field), by offset."""
    named = skill_fields(text, parts, mentions)
    if named:
        inside = Spans(named)
        parts = [p for p in parts if p.entry.kind != "field" or not inside.containing(p.start, p.end, strictly=True)]
    return sorted(parts + named, key=lambda m: (m.start, -m.end))


def skill_fields(text: str, parts: list[Mention], mentions: list[Mention]) -> list[Mention]:
    """Field mentions for the skills named as the field of a degree right before them, when the lexicon
    has no field of study by that name ("a master's in database administration")."""
    heads = Spans((p for p in parts if p.entry.kind == "degree"), lambda p: (p.end, p.end))
    fields = Spans(p for p in parts if p.entry.kind == "field")
    titles = Spans((p for p in parts if p.entry.kind == "degree" and p.entry.attrs.get("names_a_role")),
                   lambda p: (p.end, p.end))
    found = []
    for mention in mentions:
        if mention.entry.kind == "role":
            # a title named after the job it certifies: "titre professionnel technicien d'assistance"
            if titles.items and any(not text[h.end:mention.start].strip()
                                    for h in titles.overlapping(mention.start - 2, mention.start + 1)):
                entry = Entry("field", ROLE_FIELD + mention.entry.id, mention.entry.name, (), ())
                found.append(Mention(entry, mention.start, mention.end, mention.surface))
            continue
        # a field inside a longer skill ("networking" in "computer networking") leaves the skill the field
        if mention.entry.kind != "competency" or fields.containing(mention.start, mention.end):
            continue
        if any(_SKILL_FIELD_GLUE.match(text[h.end:mention.start])
               for h in heads.overlapping(mention.start - 31, mention.start + 1)):
            name = mention.entry.name[:1].lower() + mention.entry.name[1:]
            entry = Entry("field", SKILL_FIELD + mention.entry.id, name, (), ())
            found.append(Mention(entry, mention.start, mention.end, mention.surface))
    return found


def level_mentions(text: str) -> list[Mention]:
    """The study levels stated in ``text``, one mention per level ("BAC+4/5" gives two on one span)."""
    found = []
    for match in _BAC_LEVEL.finditer(text):
        years = [int(match.group(1))] + [int(d) for d in re.findall(r"\d", match.group(2))]
        found += [Mention(level_entry(n), match.start(), match.end(), match.group()) for n in years if 1 <= n <= 8]
    for match in _RNCP_LEVEL.finditer(text):
        if any(m.start <= match.start() < m.end for m in found) or not _qualification_context(text, match.start()):
            continue
        years = _RNCP_YEARS[int(match.group(1))]
        found.append(Mention(level_entry(years), match.start(), match.end(), match.group()))
    return sorted(found, key=lambda m: m.start)


def level_entry(years: int) -> Entry:
    """The level-only diploma of ``years`` after the baccalauréat, named as the gold names it ("Bac+5 degree")."""
    attrs = {"level": _SCHEMA_LEVELS.get(years, "other")}
    if years in _EQF:
        attrs["eqf"] = _EQF[years]
    return Entry("level", f"bac-{years}-degree", f"Bac+{years} degree", (), (), attrs=attrs)


def _qualification_context(text: str, offset: int) -> bool:
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    window = fold(text[max(line_start, offset - 120):line_end if line_end >= 0 else len(text)]).lower()
    return any(cue in window for cue in _QUALIFICATION_CUES)


#: The longest gap, in characters, between a diploma and the level said after it.
_MAX_LEVEL_GAP = 40


def _absorb_levels(text: str, levels: list[Mention], named: list[Mention]) -> tuple[list[Mention], dict]:
    """Levels said right after a named diploma ("Master (bac+5)", "School of IT (Bac+3 to Bac+5)") are that
    diploma's level, not diplomas of their own: they are dropped and widen the diploma's span."""
    absorbed: dict[tuple[int, int], int] = {}
    dropped: set[int] = set()
    levels = sorted(levels, key=lambda m: m.start)
    starts = [m.start for m in levels]
    for diploma in named:
        cursor, last = diploma.end, None
        for level in levels[bisect.bisect_left(starts, cursor):]:
            gap = text[cursor:level.start]
            if len(gap) > _MAX_LEVEL_GAP:
                break  # no bracket nor two joining words are that long: the rest of the text is no glue
            glue = _glue_words(gap)
            if last is None and re.fullmatch(r"[ \t]*[(\[–-]?[ \t]*", gap) or \
                    last is not None and glue is not None and glue <= _HEAD_GLUE and len(glue) <= 2 and "\n" not in gap:
                dropped.add(id(level))
                last, cursor = level, level.end
            else:
                break
        if last is not None:
            close = re.match(r"[ \t]*[)\]]", text[last.end:])
            absorbed[(diploma.start, diploma.end)] = last.end + (close.end() if close else 0)
    return [m for m in levels if id(m) not in dropped], absorbed


def _groups(text: str, parts: list[Mention]):
    """(heads, fields) groups: coordinated degrees or levels with the fields that follow them, or fields
    placed before their degree ("computer science degree")."""
    i = 0
    while i < len(parts):
        part = parts[i]
        if part.entry.kind == "field":
            fields = [part]
            j = i + 1
            while j < len(parts) and parts[j].entry.kind == "field" and \
                    _joins(text, fields[-1].end, parts[j].start, _FIELD_COORD, 2):
                fields.append(parts[j])
                j += 1
            if j < len(parts) and parts[j].entry.kind == "degree" and \
                    re.fullmatch(r"[ \t\u00a0-]*", text[fields[-1].end:parts[j].start]):
                yield [parts[j]], fields
                i = j + 1
            else:
                i = j
            continue
        heads = [part]
        j = i + 1
        while j < len(parts) and parts[j].entry.kind in ("degree", "level") and \
                (parts[j].start == heads[-1].start or _joins(text, heads[-1].end, parts[j].start, _HEAD_GLUE, 3)):
            heads.append(parts[j])
            j += 1
        fields = []
        cursor = heads[-1].end
        while j < len(parts) and parts[j].entry.kind == "field" and len(fields) < 6 and \
                _joins(text, cursor, parts[j].start, _FIELD_GLUE, _MAX_GLUE_WORDS) and \
                not _NEW_PHRASE.match(text, cursor, parts[j].start):
            fields.append(parts[j])
            cursor = parts[j].end
            j += 1
        if not fields and _LIST_OPENER.match(text, cursor):
            # "a degree in:" and then one field a line, as a list
            while j < len(parts) and parts[j].entry.kind == "field" and len(fields) < _MOST_LISTED and \
                    _LIST_LINE_BEFORE.fullmatch(text, _LIST_OPENER.match(text, cursor).end() if not fields else cursor,
                                                parts[j].start) and \
                    _LIST_LINE_AFTER.match(text, parts[j].end):
                fields.append(parts[j])
                cursor = parts[j].end
                j += 1
        yield heads, fields
        i = j


#: Words that say a field is what one studies ("the field of study can vary", "a common major", "filière").
_STUDY_CUE = re.compile(r"\b(?:majors?|majored|majoring|(?:fields?|areas?|courses?) of study|stud(?:ies|ied)|backgrounds? in|"
                        r"disciplines?|coursework|fili[eè]res?|sp[eé]cialit[eé]s?|cursus|domaines? d['’][eé]tudes?)\b",
                        re.I)
#: What ends the clause of a field named after its degree.
_CLAUSE_BREAK = re.compile(r"[,;:]|\b(?:but|mais|while|whereas|alors que)\b", re.I)


def _fields_of_study_after(text: str, head: Mention, parts: list[Mention]) -> list[Mention]:
    """The fields of a degree said apart from it, in its sentence or the two that follow, when a study cue
    between the degree and the end of the field's clause says that they are what is studied ("a bachelor's
    degree, but the field of study can vary. Computer science is a common choice", "they may come from
    backgrounds in information systems"). Another degree, or the end of the line (of the paragraph, once
    wrapped lines are joined), ends the reach."""
    reach = sentence_bounds(text, head.end)[1]
    for _ in range(_SENTENCES_OF_STUDY):
        after = SENTENCE_BREAK.search(text, reach) if reach < len(text) else None
        if after is None or "\n" in text[reach:after.end()]:
            break
        reach = sentence_bounds(text, after.end())[1]
    found = []
    for part in parts:
        if part.start < head.end:
            continue
        if part.start >= reach or part.entry.kind in ("degree", "level") or len(found) == _MOST_LISTED:
            break
        if part.entry.kind != "field":
            continue
        sentence_end = sentence_bounds(text, part.end)[1]
        ends = _CLAUSE_BREAK.search(text, part.end, sentence_end)
        if _STUDY_CUE.search(text, head.end, ends.start() if ends else sentence_end):
            found.append(part)
    return found


#: Sentences after a degree's own where its fields may still be named.
_SENTENCES_OF_STUDY = 2


def _joins(text: str, start: int, end: int, words: frozenset, most: int) -> bool:
    """Whether the text between two parts is only joining words (at most ``most``) and punctuation."""
    if end < start:
        return False
    gap = text[start:end]
    if SENTENCE_BREAK.search(re.sub(r"\b(?:e\.g|i\.e|etc)\.", "eg", gap, flags=re.I)):
        return False
    glue = _glue_words(gap)
    return glue is not None and glue <= words and len(_WORD.findall(fold(gap))) <= most


def _glue_words(gap: str) -> set[str] | None:
    """The words of ``gap``, folded, or None when it holds digits or stray symbols."""
    folded = fold(gap).lower().replace("’", "'")
    if re.search(r"[^\w\s,/&()'\-–:.]|\d", folded):
        return None
    return set(_WORD.findall(folded))


def _level_start(heads: list[Mention], head: Mention) -> int:
    """A level said after a generic degree word ("diplôme de niveau bac+2") is stated from that word."""
    index = heads.index(head)
    if index and heads[index - 1].entry.kind == "degree" and _generic(heads[index - 1].entry):
        return heads[index - 1].start
    return head.start


def _generic(entry: Entry) -> bool:
    """A degree word that names no degree ("degree", "diplôme"): a diploma only with a field or a level."""
    return bool(entry.get("generic"))


def _drop_subsumed(text: str, items: list, lexicon: Lexicon) -> list:
    """A bare degree ("BTS") said in the sentence of a complete diploma of that degree ("BTS ou DUT (SIO,
    SN)") adds nothing there; said elsewhere on its own ("Requirements: bachelor's degree"), it is a diploma."""
    degrees = {e.id: e for e in lexicon.of_kind("degree")}
    kept = []
    for item in items:
        degree = degrees.get(item.id)
        if degree:
            sentences = {sentence_bounds(text, ev.start) for other in items if other is not item
                         and fold(other.name).startswith(fold(degree.name) + " ") for ev in other.evidence}
            item.evidence = [ev for ev in item.evidence if sentence_bounds(text, ev.start) not in sentences]
            if not item.evidence:
                continue
        kept.append(item)
    return kept


#: The English verb "to master" ("master authentication", "to master one stack"), not the degree.
_DEGREE_AFTER_MASTER = re.compile(r"['’]s\b|\s+(?:degree|of|in|program|programme|studies)\b", re.I)


def _verb_sense(text: str, mention: Mention, language: str | None) -> bool:
    """Whether an English degree word is the verb of the same spelling."""
    return language == "en" and mention.surface == "master" and not _DEGREE_AFTER_MASTER.match(text, mention.end)

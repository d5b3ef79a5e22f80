"""Diplomas from degree and field mentions: "Licence en informatique ou développement Web" is two
diplomas, "DUT / BTS in computer science" two more, and "BTS SIO" one complete diploma."""
from __future__ import annotations

import re
from typing import Callable

from ..documents import Document
from ..labels import fold
from ..lexicon import Entry, Lexicon
from .matcher import Mention

#: What may stand between coordinated degrees ("BTS ou DUT", "bachelor's and master's").
_BETWEEN_DEGREES = re.compile(r"^\s*(?:ou|or|et|and|/|,|&)\s*$")
#: What may stand between a degree and its field, or between coordinated fields.
_BEFORE_FIELD = re.compile(r"^\s*(?:(?:en|in|de|d'|d’|of|ou|or|et|and|/|,|\(|:|-|–)\s*)*$")


def compose_diplomas(lexicon: Lexicon, document: Document, parts: list[Mention], complete: list[Mention],
                     evidence: Callable) -> list:
    from . import Item  # the item type lives with the extraction

    by_name = {e.name.lower(): e for e in lexicon.of_kind("diploma")}
    items: dict[str, Item] = {}

    def add(entry_id: str, name: str, attrs: dict, mention_start: int, mention_end: int, entry: Entry | None):
        item = items.get(entry_id)
        if item is None:
            item = items[entry_id] = Item("diploma", entry_id, name, attrs, [], entry)
        ev = evidence(Mention(entry, mention_start, mention_end, document.text[mention_start:mention_end]))
        if ev not in item.evidence:
            item.evidence.append(ev)

    for mention in complete:
        add(mention.entry.id, mention.entry.name, dict(mention.entry.attrs), mention.start, mention.end, mention.entry)

    inside = [(m.start, m.end) for m in complete]
    parts = [p for p in parts if not any(s <= p.start and p.end <= e for s, e in inside)]
    text = document.text
    i = 0
    while i < len(parts):
        if parts[i].entry.kind != "degree":
            i += 1
            continue
        group = [parts[i]]
        j = i + 1
        while j < len(parts) and parts[j].entry.kind == "degree" and \
                _BETWEEN_DEGREES.match(text[group[-1].end:parts[j].start]):
            group.append(parts[j])
            j += 1
        fields = []
        cursor = group[-1].end
        while j < len(parts) and parts[j].entry.kind == "field" and len(fields) < 4 and \
                _BEFORE_FIELD.match(text[cursor:parts[j].start]) and "\n" not in text[cursor:parts[j].start]:
            fields.append(parts[j])
            cursor = parts[j].end
            j += 1
        for degree in group:
            if not fields:
                add(degree.entry.id, degree.entry.name, dict(degree.entry.attrs), degree.start, degree.end, degree.entry)
            for fld in fields:
                name = f"{degree.entry.name} in {fld.entry.name}"
                known = by_name.get(name.lower())
                attrs = dict(known.attrs) if known else {**degree.entry.attrs, "degree": degree.entry.id,
                                                          "field": fld.entry.id}
                add(known.id if known else f"{degree.entry.id}-in-{fld.entry.id}", known.name if known else name,
                    attrs, min(degree.start, fld.start), max(degree.end, fld.end), known)
        i = j
    return _drop_subsumed(list(items.values()), lexicon)


def _drop_subsumed(items: list, lexicon: Lexicon) -> list:
    """A bare degree ("BTS") said next to a complete diploma of that degree ("BTS SIO") adds nothing."""
    degrees = {e.id: e for e in lexicon.of_kind("degree")}
    kept = []
    for item in items:
        degree = degrees.get(item.id)
        if degree and any(other is not item and fold(other.name).startswith(fold(degree.name) + " ")
                          for other in items):
            continue
        kept.append(item)
    return kept

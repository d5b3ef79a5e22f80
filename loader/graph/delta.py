"""A change of the document set as a change of the published graph: the triples that adding and
removing some documents' parts adds to and removes from the graph ``consolidate`` made of the others,
computed without reading the parts of the documents left as they were.

``consolidate`` is a union: each part's own triples (its document, salaries and evidence, which no other
part states), the description of each entity as the part with the smallest checksum describes it, and
each fact with its claim and support count. So a change needs only the parts it adds and removes, the
support counts of their facts (read from the published graph) and, for the entities they name, which
parts describe them: the ``Index``, kept with the parts in the store's state."""
from __future__ import annotations

import gzip
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from rolegraph.core.naming import Minter
from rolegraph.core.vocabulary import RG

from . import Part

#: The layout of the index file; another one is rebuilt from the parts, never misread.
INDEX_LAYOUT = 1


@dataclass
class Index:
    """Which parts describe each entity, so that the owner of its description (the part with the
    smallest checksum) is known without reading the parts."""

    #: part key → the checksum of its document.
    checksums: dict[str, str] = field(default_factory=dict)
    #: entity IRI → the keys of the parts describing it, in their checksums' order.
    entities: dict[str, list[str]] = field(default_factory=dict)
    #: IRI → the entities whose description states something about it, other than itself (the issuer
    #: of a certification is described with the certification).
    mentioned: dict[str, set[str]] = field(default_factory=dict)

    def owner(self, entity: str) -> str | None:
        """The key of the part whose description of ``entity`` the graph holds, None when none."""
        describing = self.entities.get(entity)
        return describing[0] if describing else None

    def add(self, key: str, part: Part) -> None:
        self.checksums[key] = part.checksum
        for node, triples in part.entities.items():
            describing = self.entities.setdefault(str(node), [])
            describing.append(key)
            describing.sort(key=self.checksums.__getitem__)
            for subject in {s for s, _, _ in triples} - {node}:
                self.mentioned.setdefault(str(subject), set()).add(str(node))

    def remove(self, key: str, part: Part) -> None:
        """Forget ``part``; ``mentioned`` may keep entities it alone named (a superset is safe: each
        is looked up again in ``entities``)."""
        for node in part.entities:
            describing = [k for k in self.entities.get(str(node), []) if k != key]
            if describing:
                self.entities[str(node)] = describing
            else:
                self.entities.pop(str(node), None)
        self.checksums.pop(key, None)

    def encode(self) -> bytes:
        content = {"layout": INDEX_LAYOUT, "checksums": dict(sorted(self.checksums.items())),
                   "entities": dict(sorted(self.entities.items())),
                   "mentioned": {s: sorted(v) for s, v in sorted(self.mentioned.items())}}
        return gzip.compress(json.dumps(content, separators=(",", ":")).encode("utf-8"), compresslevel=1, mtime=0)

    @classmethod
    def decode(cls, data: bytes) -> Index | None:
        """The index written as ``data``, None when it has another layout (to be rebuilt)."""
        content = json.loads(gzip.decompress(data))
        if content.get("layout") != INDEX_LAYOUT:
            return None
        return cls(content["checksums"], content["entities"], {s: set(v) for s, v in content["mentioned"].items()})


def build_index(parts: dict[str, Part]) -> Index:
    """The index of ``parts`` (key → part)."""
    index = Index()
    for key, part in parts.items():
        index.add(key, part)
    return index


@dataclass
class Delta:
    """What a change does to the graph: triples to remove, triples to add (disjoint), and the
    changed triples' union, whose nodes are the focus of validation."""

    removed: set[tuple]
    added: set[tuple]
    #: focus node → where it comes from (as ``BuiltGraph.locations``), for the added parts.
    locations: dict[str, str]
    #: The facts of the graph after the change, less those before (a count for the summary).
    facts: int = 0

    @property
    def changed(self) -> set[tuple]:
        return self.removed | self.added


def delta(index: Index, removed: dict[str, Part], added: dict[str, Part], read: Callable[[str], Part],
          support: Callable[[Iterable[tuple]], dict[tuple, int]], base: str) -> Delta:
    """The change of the graph of the indexed parts when the parts ``removed`` leave it and ``added`` join
    it (both key → part), and update ``index`` to match. ``read(key)`` reads another indexed part
    (only the owners of descriptions that change are read); ``support(facts)`` gives each fact's support
    count in the graph before the change (0 when absent)."""
    cache = {**removed, **added}

    def part(key: str) -> Part:
        if key not in cache:
            cache[key] = read(key)
        return cache[key]

    changing = {**removed, **added}.values()
    subjects = {str(node) for p in changing for node in p.entities}
    subjects |= {str(s) for p in changing for triples in p.entities.values() for s, _, _ in triples}

    def owners() -> dict[str, set[tuple[str, str]]]:
        """subject → the (entity, owner part) pairs whose description may state something about it."""
        found = {}
        for subject in subjects:
            pairs = {(e, index.owner(e)) for e in {subject} | index.mentioned.get(subject, set())}
            found[subject] = {(e, key) for e, key in pairs if key is not None}
        return found

    def described(subject: str, pairs) -> set[tuple]:
        node = URIRef(subject)
        return {t for entity, key in pairs for t in part(key).entities.get(URIRef(entity), ()) if t[0] == node}

    owned_before = owners()
    for key, gone in removed.items():
        index.remove(key, gone)
    for key, new in added.items():
        index.add(key, new)
    owned_after = owners()
    before, after = set(), set()
    for subject in subjects:  # only the descriptions whose owner changed are read
        if owned_before[subject] != owned_after[subject]:
            before |= described(subject, owned_before[subject])
            after |= described(subject, owned_after[subject])

    drop = set(before - after)
    gain = set(after - before)
    for gone in removed.values():
        drop |= gone.own
    for new in added.values():
        gain |= new.own

    change: Counter = Counter()
    for gone in removed.values():
        change.subtract(gone.claims)
    for new in added.values():
        change.update(new.claims)
    counts = support(sorted(change))
    mint = Minter(base)
    facts = 0
    for fact in sorted(change):
        old = counts.get(fact, 0)
        new_count = old + change[fact]
        if new_count == old:
            continue
        node = mint.claim(*fact)
        stated = {fact, (node, RDF.type, RG.Claim), (node, RG.claimSubject, fact[0]),
                  (node, RG.claimPredicate, fact[1]), (node, RG.claimObject, fact[2])}
        if old > 0:
            drop.add((node, RG.supportCount, Literal(old)))
        if new_count > 0:
            gain.add((node, RG.supportCount, Literal(new_count)))
        if old == 0:
            gain |= stated
            facts += 1
        elif new_count == 0:
            drop |= stated
            facts -= 1
    locations: dict[str, str] = {}
    for new in sorted(added.values(), key=lambda p: p.checksum):
        for key, where in new.locations.items():
            locations.setdefault(key, where)
    both = drop & gain
    return Delta(drop - both, gain - both, locations, facts)

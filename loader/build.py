"""The build: documents → extraction → RDF → SHACL validation → published store.

``build`` (replace the document set), ``add`` (add or update documents) and ``remove`` are the library
functions behind ``rolegraph build``, ``add`` and ``remove``; each returns a ``BuildResult``, publishes
one new generation, and raises ``ValidationFailed`` (nothing published) when the graph violates a
shape. Each document's ``Part`` is kept in the store's catalogue, so that ``add`` and ``remove``
change the published graph by the delta of the parts they add and remove (``graph.delta``), instead of
reading and extracting every document again.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import resource
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from rdflib import URIRef

from rolegraph.core.naming import (CANDIDATES_GRAPH, DEFAULT_BASE, FICHES_GRAPH, LINKS_GRAPH, ONTOLOGY_GRAPH,
                                   RETIRED_GRAPH, Minter, graph_iri, normal_base)
from rolegraph.core.tbox import tbox, tbox_digest
from rolegraph.core.vocabulary import RG, node
from rolegraph.core.errors import InputError, StoreError, UsageError, ValidationFailed
from rolegraph.core.store import open_store
from rolegraph.queries.summary import stored

from .catalogue import (Catalogue, Entry, decode_part, encode_content, part_key, part_name, read_catalogue, read_index,
                        read_part, write_catalogue)
from .documents import Document, expand_paths, read_document
from .extract import extract
from .graph import document_part
from .graph.delta import delta
from .graph.stream import stream
from .lexicon import load_lexicon
from .parts import Cache, fingerprint, make_all
from .link import LinkOptions, LinkResult, cached_in, relink
from .publish import Sourced, clear_graph, load_ntriples, publish, publish_change
from .retired import KEPT, retire, retired_of
from .taxonomies.labels import taxonomy_checksums
from .vocabulary import extended_lexicon
from .validate import ValidationReport, focus_in_store, validate_graph, validate_in_store

COUNTED_CLASSES = (RG.Role, RG.Skill, RG.Knowledge, RG.SoftSkill, RG.Tool, RG.Diploma, RG.Training,
                   RG.Certification, RG.SalaryRange, RG.SourceDocument, RG.Claim, RG.Evidence)


@dataclass
class BuildResult:
    documents_read: int = 0
    failures: list[InputError] = field(default_factory=list)
    entities: dict[str, int] = field(default_factory=dict)
    facts: int = 0
    triples: int = 0
    report: ValidationReport | None = None
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    #: The process's peak resident memory (MB) when each stage ended: the stage where it rises is the one
    #: that needed it.
    memory: dict[str, float] = field(default_factory=dict)
    #: Each extraction worker process's peak resident memory (MB), as it measured it (empty: none ran).
    worker_memory: dict[int, float] = field(default_factory=dict)
    generation: str | None = None
    links: LinkResult | None = None
    #: True for ``build``, which replaces the document set; False for ``add`` and ``remove``.
    replaced_set: bool = False
    #: File names of the documents added, of those that replaced their earlier version, of those
    #: already built with the same content, and of those removed.
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: Documents in the published set, and IRIs kept as retired (410 Gone).
    documents: int = 0
    retired: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced or self.removed or self.replaced_set)

    def summary(self) -> dict:
        return {
            "set": "replaced" if self.replaced_set else "kept",
            "documents": self.documents,
            "added": self.added, "replaced": self.replaced, "unchanged": self.unchanged, "removed": self.removed,
            "retired": self.retired,
            "documents_read": self.documents_read,
            "documents_failed": len(self.failures),
            "failures": [str(f) for f in self.failures],
            "entities": self.entities,
            "facts": self.facts,
            "triples": self.triples,
            "violations": len(self.report.violations) if self.report else 0,
            "warnings": len(self.report.warnings) if self.report else 0,
            "seconds": round(self.seconds, 3),
            "stages": {name: round(value, 3) for name, value in self.stages.items()},
            "peak_rss_mb": {name: round(value, 1) for name, value in self.memory.items()},
            "workers": len(self.worker_memory),
            "worker_peak_rss_mb": round(max(self.worker_memory.values(), default=0.0), 1),
            "generation": self.generation,
            "links": self.links.counts() if self.links else {},
        }


def read_all(paths: Iterable[str | os.PathLike], progress: Callable[[str], None] | None = None,
             max_bytes: int | None = None) -> tuple[list[Document], list[InputError]]:
    """Every readable document of ``paths`` (each distinct content once) and an error per other file;
    files over ``max_bytes`` are errors too (default ``documents.MAX_BYTES``)."""
    documents, failures, seen = [], [], set()
    for path in expand_paths(paths):
        try:
            document = read_document(path, max_bytes)
        except InputError as error:
            failures.append(error)
            continue
        finally:
            if progress:
                progress(str(path))
        if document.checksum not in seen:
            seen.add(document.checksum)
            documents.append(document)
    return documents, failures


def build(paths: Iterable[str | os.PathLike], store: str | os.PathLike, base_iri: str = DEFAULT_BASE,
          progress: Callable[[str], None] | None = None, vocabularies: Iterable[str] = (),
          max_document_bytes: int | None = None, link_options: LinkOptions | None = None,
          workers: int | None = None) -> BuildResult:
    """Build the graph of the documents at ``paths`` and publish it to ``store``, replacing the
    previous document set (imported taxonomies are kept; ``add`` keeps the set and adds to it).
    Unreadable files (and files over ``max_document_bytes``) are reported in the result.
    ``vocabularies`` ("esco", "rome") add the labels of taxonomies imported in ``store`` to the
    lexicon; ``link_options`` say which links to ESCO and ROME are published (the confidence floor, the
    curated mappings). Raises ``StoreLocked`` at once when another process writes the store: the lock is
    held from the first document read to the publication.

    Documents are made into parts by ``workers`` processes (one per CPU by default) and kept in the
    store's ``cache/parts/`` folder (``parts``), so that a document built before with the same lexicon and
    code is not read or extracted again; the graph is streamed into the store and validated there
    (``validate.validate_graph``, with each part's own nodes checked when it was made)."""
    with open_store(store).writing():
        return _build_set(store, base_iri, paths, progress, tuple(vocabularies), max_document_bytes, link_options,
                          workers)


def add(paths: Iterable[str | os.PathLike], store: str | os.PathLike, base_iri: str = DEFAULT_BASE,
        progress: Callable[[str], None] | None = None, vocabularies: Iterable[str] = (),
        max_document_bytes: int | None = None, link_options: LinkOptions | None = None) -> BuildResult:
    """Add the documents at ``paths`` to the published set, or update them: a document is known by its
    checksum and its source path, so the same content twice changes nothing and a changed file replaces
    its earlier version. The others are not read again: the graph is consolidated from the parts kept
    in the store. Publishes one new generation (none when nothing changed); errors as ``build``."""
    with open_store(store).writing():
        return _change(store, base_iri, paths, progress, tuple(vocabularies), max_document_bytes, link_options)


def remove(names: Iterable[str], store: str | os.PathLike, base_iri: str = DEFAULT_BASE,
           link_options: LinkOptions | None = None) -> BuildResult:
    """Remove documents from the published set, each named by its source path, its file name or its
    IRI, and publish the graph of the others as one new generation. Raises ``UsageError`` (nothing
    published) when a name matches no document, or several."""
    started = time.perf_counter()
    with open_store(store).writing():
        before, catalogue = _published(store, base_iri)
        chosen = [_find(catalogue, name) for name in names]
        if not chosen:
            raise UsageError("name at least one document to remove")
        gone = {e.checksum for e in chosen}
        result = BuildResult(removed=sorted({e.name for e in chosen}))
        index = read_index(before, catalogue.entries)
        removed = {e.part: read_part(before, e.part) for e in chosen}
        catalogue.entries = [e for e in catalogue.entries if e.checksum not in gone]
        _apply_and_publish(result, store, base_iri, before, catalogue, index, removed, {}, load_lexicon(), {},
                           started, link_options=link_options)
        return result


def documents(store: str | os.PathLike) -> list[Entry]:
    """The documents of the published graph, by name (empty when nothing is published)."""
    published = open_store(store)
    return read_catalogue(published.open() if published.generation is not None else None).entries


def _published(store, base_iri: str):
    """The published generation (None before the first) and its catalogue, checked against ``base_iri``."""
    published = open_store(store)
    before = published.open() if published.generation is not None else None
    catalogue = read_catalogue(before)
    if catalogue.base is not None and catalogue.base != normal_base(base_iri):
        raise UsageError(f"the store's documents are built under the base IRI {catalogue.base}, not {base_iri}: "
                         "give that --base-iri, or rebuild with `rolegraph build DOCS...`", parameter="base_iri")
    legacy = [e.name for e in catalogue.entries if e.part is None]
    if legacy:
        raise StoreError(f"{len(legacy)} document(s) of store {store} were built by an earlier version that kept no "
                         "consolidation input; rebuild them once with `rolegraph build DOCS...`", store=str(store))
    return before, catalogue


def _find(catalogue: Catalogue, name: str) -> Entry:
    """The document that ``name`` (source path, file name, document IRI or checksum) names."""
    source = str(Path(name).resolve()) if name else name
    found = [e for e in catalogue.entries if name in (e.iri, e.name, e.checksum) or e.source == source]
    if not found:
        raise UsageError(f"no document {name!r} in the store (see `rolegraph documents`); nothing was published",
                         parameter="doc")
    if len(found) > 1:
        raise UsageError(f"{name!r} names {len(found)} documents ({', '.join(e.source for e in found)}): "
                         "name one by its path or IRI; nothing was published", parameter="doc")
    return found[0]


def _change(store, base_iri, paths, progress, vocabularies, max_document_bytes, link_options) -> BuildResult:
    """``add``: the documents of ``paths`` not published yet, published as a delta of the graph."""
    started = time.perf_counter()
    result = BuildResult()
    lap = _stopwatch(result, started)

    before, catalogue = _published(store, base_iri)
    documents_read, result.failures = read_all(paths, progress, max_document_bytes)
    result.documents_read = len(documents_read)
    lap("read")
    if not documents_read:
        raise InputError("no document could be read; nothing was published",
                         failures=[str(f) for f in result.failures])
    index = read_index(before, catalogue.entries)
    known, sources = catalogue.by_checksum(), catalogue.by_source()
    fresh, replaced, removed = [], {}, {}
    for document in documents_read:
        source = _source(document)
        if document.checksum in known:
            result.unchanged.append(document.name)
            continue
        earlier = sources.get(source)
        if earlier is not None:
            replaced[earlier.iri] = str(Minter(base_iri).document(document.checksum))
            removed[earlier.part] = read_part(before, earlier.part)
            catalogue.entries.remove(earlier)
            result.replaced.append(document.name)
        fresh.append(document)
    if not fresh:
        result.documents = len(catalogue.entries)
        result.seconds = time.perf_counter() - started
        result.generation = open_store(store).generation
        return result  # the same content again: nothing to publish
    lexicon = load_lexicon()
    if vocabularies and before is not None:
        lexicon = extended_lexicon(store, base_iri, lexicon, vocabularies)
    lap("parts")  # the index of the kept documents' parts: their parts are read only where needed
    added, parts = _now(), {}
    for document in fresh:
        part = document_part(extract(document, lexicon), base_iri, lexicon)
        key = part_key(part)
        parts[key] = part
        catalogue.entries.append(Entry(str(Minter(base_iri).document(document.checksum)), document.name,
                                       _source(document), document.language, document.checksum,
                                       len(part.claims), added, key, document.title))
        if document.name not in result.replaced:
            result.added.append(document.name)
    lap("extract")
    _apply_and_publish(result, store, base_iri, before, catalogue, index, removed, parts, lexicon, replaced,
                       started, lap, link_options=link_options)
    return result


def _build_set(store, base_iri, paths, progress, vocabularies, max_document_bytes, link_options,
               workers) -> BuildResult:
    """``build``: the documents of ``paths`` made into parts (``parts.make_all``), their graph streamed
    into the new generation, validated there, linked and published with the catalogue."""
    started = time.perf_counter()
    result = BuildResult(replaced_set=True)
    lap = _stopwatch(result, started)
    before = _previous(store)
    lexicon = load_lexicon()
    if vocabularies and before is not None:
        lexicon = extended_lexicon(store, base_iri, lexicon, vocabularies)
    root = getattr(open_store(store), "root", None)
    cache = Cache(Path(root) / "cache" / "parts" if root is not None else None, fingerprint(lexicon, base_iri))
    lap("read")
    made, result.failures = make_all(paths, base_iri, lexicon, cache, max_document_bytes, workers, progress,
                                     result.worker_memory)
    result.documents_read = len(made)
    lap("extract")
    if not made:
        raise InputError("no document could be read; nothing was published",
                         failures=[str(f) for f in result.failures])
    base = normal_base(base_iri)
    catalogue, added = Catalogue(base), _now()
    for one in made:
        catalogue.entries.append(Entry(str(Minter(base_iri).document(one.checksum)), one.name, one.source,
                                       one.language, one.checksum, one.facts, added, one.key, one.title))
    kept = _kept(before, base)
    if kept is not None:
        new = {m.key: m for m in made}
        gone = {e.part for e in kept.entries} - set(new)
        fresh = [m for m in made if m.key not in {e.part for e in kept.entries}]
        if len(gone) + len(fresh) <= REUSE_FRACTION * len(made):
            # Most parts are published already: publish the change, as `add` and `remove` do.
            index = read_index(before, kept.entries)
            terms: dict = {}
            removed = {key: read_part(before, key, terms) for key in sorted(gone)}
            parts = {m.key: decode_part(encode_content(m.content), terms) for m in fresh}
            lap("graph")
            _apply_and_publish(result, store, base_iri, before, catalogue, index, removed, parts, lexicon, {},
                               started, lap, link_options=link_options)
            # The findings on the kept documents' own nodes (warnings: they were published); those on the
            # shared nodes are the change's, as for `add`.
            result.report.extend(f for m in made if m.key not in parts for f in m.findings)
            return result
    fiches = graph_iri(base_iri, FICHES_GRAPH)
    with tempfile.TemporaryFile() as data:
        streamed = stream([(m.key, m.checksum, m.content) for m in made], str(base), data, KEPT)
        data.seek(0)
        result.facts, result.documents = streamed.facts, len(catalogue.entries)
        retired = retired_of(before, streamed.stated, base_iri, {})
        result.retired = len(set(retired.subjects()))
        lap("graph")

        kept_base = _base_name(before, base_iri)
        # With a base (compacted when it is kept, before the documents are loaded), the generation is the
        # base's files and the bulk loader's sorted ones: it is not compacted again (3.4-4 s of a
        # 1,000-document build); only a first build, with no base, is.
        from_base = kept_base is not None and open_store(store).has_base(kept_base)

        def then(written):
            target = node(fiches)
            if not from_base:  # the previous documents' graphs removed, once for these taxonomies
                for name in BASE_LEAVES_OUT:
                    clear_graph(written, node(graph_iri(base_iri, name)))
                if kept_base is not None:
                    written.keep_base(kept_base)
            load_ntriples(written, data, target)
            lap("load")
            report = validate_graph(written, target, streamed.own_typed, streamed.locations.get)
            report.extend(f for m in made for f in m.findings)
            result.report = report
            lap("validate")
            if not report.conforms:
                raise _failed(result, started)
            for one in made:
                if written.state(part_name(one.key)) is None:
                    written.put_state(part_name(one.key), encode_content(one.content))
            write_catalogue(written, catalogue, {}, streamed.index)
            linked = relink(written, base_iri, lexicon, cached_in(store, link_options), incremental=True)
            lap("link")
            return linked

        published = publish(store, {graph_iri(base_iri, ONTOLOGY_GRAPH): Sourced(tbox_digest(), tbox),
                                    graph_iri(base_iri, RETIRED_GRAPH): retired}, then=then, progress=lap,
                                base=kept_base if from_base else None, optimize=kept_base is None)
    counts = {row["class"]: row["count"] for row in published.summary["counts"]}
    result.entities = {_short(c): counts.get(str(c), 0) for c in COUNTED_CLASSES}
    result.triples = next((g["triples"] for g in published.summary["graphs"] if g["graph"] == str(fiches)), 0)
    result.generation = published.generation
    result.links = published.then
    lap("publish")
    result.seconds = time.perf_counter() - started
    return result


#: The graphs a full build writes again, which the base it keeps leaves out (``Store.publishing(base=...)``):
#: the next full build starts from the taxonomies alone and deletes none of the 370k triples of a
#: 1,000-document graph (the ontology and the retired IRIs, small, are replaced as ``publish`` does).
BASE_LEAVES_OUT = (FICHES_GRAPH, LINKS_GRAPH, CANDIDATES_GRAPH)
#: Part of a base's name: another layout of what a base holds makes another base.
BASE_LAYOUT = "1"


def _base_name(before, base_iri: str) -> str | None:
    """The name of the base a full build over ``before`` (the published generation) starts from and
    keeps: a digest of its graphs but the documents' (their names and sizes, from its summary or counted
    when it has none; the taxonomies' checksums), so that an import makes another. None when nothing is
    published."""
    if before is None:
        return None
    summary = stored(before)
    if summary is not None:
        sizes = [(g["graph"], g["triples"]) for g in summary.get("graphs", ())]
    else:
        counted = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        sizes = [(row["g"].value, int(row["n"].value)) for row in before.query(counted)]
    documents = {str(graph_iri(base_iri, g)) for g in (*BASE_LEAVES_OUT, ONTOLOGY_GRAPH, RETIRED_GRAPH)}
    others = sorted((graph, size) for graph, size in sizes if graph not in documents)
    key = json.dumps([BASE_LAYOUT, normal_base(base_iri), others, taxonomy_checksums(before)])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


#: A build whose documents' parts are mostly published already (all but this fraction of the new set,
#: counting those removed) publishes its change as a delta instead of streaming the whole graph again.
REUSE_FRACTION = 0.25


def _kept(before, base: str) -> Catalogue | None:
    """The catalogue of the published generation when a build may publish a delta of it: same base IRI,
    every document with its part."""
    if before is None:
        return None
    try:
        catalogue = read_catalogue(before)
    except StoreError:  # a catalogue of another layout: the build replaces it
        return None
    if catalogue.base != base or not catalogue.entries or any(e.part is None for e in catalogue.entries):
        return None
    return catalogue


def _apply_and_publish(result, store, base_iri, before, catalogue, index, removed, added, lexicon, replaced,
                       started, lap=None, link_options=None) -> None:
    """Publish the change that removing the parts ``removed`` and adding ``added`` (key → part) makes to
    the published graph, as a delta of it (``graph.delta``: the other documents' parts are read only
    where an entity's description passes to another document), validated on the focus nodes it
    touches, in the new generation before it is published: the rest was validated when it was
    published. Raises ``ValidationFailed`` (nothing published) on violations."""
    lap = lap or _stopwatch(result, started)
    catalogue.base = normal_base(base_iri)
    fiches = graph_iri(base_iri, FICHES_GRAPH)
    terms: dict = {}
    change = delta(index, removed, added, lambda key: read_part(before, key, terms),
                   lambda facts: _support(before, fiches, facts, base_iri), base_iri)
    result.documents = len(catalogue.entries)
    lap("graph")

    def then(written):
        target = node(fiches)
        focus = focus_in_store(change.changed, written, target)
        result.report = validate_in_store(written, target, focus, lambda n: change.locations.get(str(n)),
                                          added=change.added)
        lap("validate")
        if not result.report.conforms:
            raise _failed(result, started)
        result.retired = retire(before, written, base_iri, {t[0] for t in change.changed}, replaced)
        write_catalogue(written, catalogue, added, index)
        touched = {str(t) for triple in change.changed for t in triple if isinstance(t, URIRef)}
        linked = relink(written, base_iri, lexicon, cached_in(store, link_options), incremental=True, touched=touched)
        lap("link")
        return linked

    documents = {str(Minter(base_iri).document(p.checksum)) for p in (*removed.values(), *added.values())}
    published = publish_change(store, fiches, change.removed, change.added,
                               {graph_iri(base_iri, ONTOLOGY_GRAPH): Sourced(tbox_digest(), tbox)}, then=then,
                               touched=[graph_iri(base_iri, g) for g in (RETIRED_GRAPH, LINKS_GRAPH, CANDIDATES_GRAPH)],
                               documents=documents)
    counts = {row["class"]: row["count"] for row in published.summary["counts"]}
    result.entities = {_short(c): counts.get(str(c), 0) for c in COUNTED_CLASSES}
    result.facts = counts.get(str(RG.Claim), 0)
    result.triples = next((g["triples"] for g in published.summary["graphs"] if g["graph"] == str(fiches)), 0)
    result.generation = published.generation
    result.links = published.then
    lap("publish")
    result.seconds = time.perf_counter() - started


def _support(readable, fiches, facts, base_iri: str) -> dict[tuple, int]:
    """The support count of each of ``facts`` (subject, predicate, object) in the fiches graph of
    ``readable`` (a generation, or None), for those it holds."""
    if readable is None:
        return {}
    mint, target, counted = Minter(base_iri), node(fiches), node(RG.supportCount)
    found = {}
    for fact in facts:
        for quad in readable.quads_for_pattern(node(mint.claim(*fact)), counted, None, target):
            found[fact] = int(quad.object.value)
    return found


def _stopwatch(result: BuildResult, started: float) -> Callable[[str], None]:
    """A function that records, under a stage's name, the time since the previous stage ended and the
    process's peak resident memory so far."""
    clock = [started]

    def lap(stage: str) -> None:
        now = time.perf_counter()
        result.stages[stage], clock[0] = now - clock[0], now
        result.memory[stage] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return lap


def _failed(result: BuildResult, started: float) -> ValidationFailed:
    result.seconds = time.perf_counter() - started
    error = ValidationFailed(f"{len(result.report.violations)} SHACL violation(s); nothing was published",
                             report=result.report)
    error.result = result
    return error


def _short(cls) -> str:
    return str(cls).rsplit("#", 1)[-1]


def _previous(store):
    published = open_store(store)
    return published.open() if published.generation is not None else None


def _source(document: Document) -> str:
    return str(Path(document.path).resolve())


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()

"""The build: documents → extraction → RDF → SHACL validation → published store.

``build`` is the library function behind ``rolegraph build``; it returns a ``BuildResult`` and
raises ``ValidationFailed`` (nothing published) when the graph violates a shape.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from rdflib.namespace import RDF

from rolegraph.core.naming import DEFAULT_BASE, FICHES_GRAPH, ONTOLOGY_GRAPH, graph_iri
from rolegraph.core.tbox import tbox
from rolegraph.core.vocabulary import RG
from rolegraph.core.errors import InputError, ValidationFailed
from rolegraph.core.store import open_store

from .documents import Document, expand_paths, read_document
from .extract import Extraction, extract
from .graph import build_graph
from .lexicon import load_lexicon
from .link import LinkOptions, LinkResult, relink
from .publish import publish
from .vocabulary import extended_lexicon
from .validate import ValidationReport, validate

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
    generation: str | None = None
    links: LinkResult | None = None

    def summary(self) -> dict:
        return {
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
          max_document_bytes: int | None = None, link_options: LinkOptions | None = None) -> BuildResult:
    """Build the graph of the documents at ``paths`` and publish it to ``store``, replacing the
    previous build (imported taxonomies are kept). Unreadable files (and files over
    ``max_document_bytes``) are reported in the result; ``link_options`` say which links to ESCO and
    ROME are published (the confidence floor, the curated mappings). ``vocabularies`` ("esco", "rome") add the
    labels of taxonomies imported in ``store`` to the lexicon. Raises ``StoreLocked`` at once when
    another process writes the store: the lock is held from the first document read to the publication."""
    with open_store(store).writing():
        return _build(paths, store, base_iri, progress, tuple(vocabularies), max_document_bytes, link_options)


def _build(paths, store, base_iri, progress, vocabularies, max_document_bytes, link_options) -> BuildResult:
    started = time.perf_counter()
    result = BuildResult()
    clock = started

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.stages[stage] = now - clock
        clock = now

    documents, result.failures = read_all(paths, progress, max_document_bytes)
    result.documents_read = len(documents)
    lap("read")
    if not documents:
        raise InputError("no document could be read; nothing was published",
                         failures=[str(f) for f in result.failures])
    lexicon = load_lexicon()
    if vocabularies and open_store(store).generation is not None:
        lexicon = extended_lexicon(store, base_iri, lexicon, vocabularies)
    extractions: list[Extraction] = [extract(d, lexicon) for d in documents]
    lap("extract")
    built = build_graph(extractions, base_iri, lexicon)
    graph = built.graph
    result.facts = built.claims
    result.triples = len(graph)
    result.entities = {str(c).rsplit("#", 1)[-1]: len(set(graph.subjects(RDF.type, c))) for c in COUNTED_CLASSES}
    lap("graph")
    result.report = validate(graph, built.locate)
    lap("validate")
    if not result.report.conforms:
        result.seconds = time.perf_counter() - started
        error = ValidationFailed(f"{len(result.report.violations)} SHACL violation(s); nothing was published",
                                 report=result.report)
        error.result = result
        raise error
    published = publish(store, {graph_iri(base_iri, FICHES_GRAPH): graph,
                                graph_iri(base_iri, ONTOLOGY_GRAPH): tbox()},
                        then=lambda written: relink(written, base_iri, lexicon, link_options))
    result.generation = published.generation
    result.links = published.then
    lap("publish")
    result.seconds = time.perf_counter() - started
    return result

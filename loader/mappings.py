"""Mappings in SSSOM TSV: the links and candidates exported for curators, and the curated file read back.

``export_mappings`` writes every link and candidate of the published store (subject, predicate, object,
their labels, confidence, justification, and the evidence class as ``comment``) with ``sssom-pydantic``, the
format curators' tools read. A curated file holds a curator's verdicts, each a row with
``mapping_justification`` ``semapv:ManualMappingCuration``: an acceptance publishes its mapping whatever
the matcher thinks of it; a rejection (``predicate_modifier`` ``Not``) keeps the matcher's link between that
subject and object, whatever its predicate, out of ``graph/links`` (it stays in ``graph/link-candidates``,
marked as rejected). The file is ``data/mappings/curated.sssom.tsv`` unless the setting ``mappings``
names another one, and it wins at every build, import and link. A row the reader cannot take is an
``InputError`` naming the file and its line.
"""
from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from rolegraph.core.errors import InputError
from rolegraph.core.naming import CANDIDATES_GRAPH, LINKS_GRAPH, graph_iri
from rolegraph.core.store import Store, open_store
from rolegraph.core.vocabulary import ESCO_ID, OX, sparql_prologue

from .taxonomies.labels import load_cached, save_cached

if TYPE_CHECKING:  # the link module imports this one
    from .link import Entity, Link, Linker

#: The curated file of the project, used when the setting ``mappings`` names none.
DEFAULT_FILE = "mappings/curated.sssom.tsv"
PREDICATES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
CURATION = "ManualMappingCuration"


@dataclass(frozen=True)
class Curated:
    """One verdict of a curated file: ``negated`` for a rejection; ``line`` where the file states it."""

    subject: str
    predicate: str  # a SKOS mapping property's local name
    target: str
    negated: bool
    confidence: float | None
    subject_label: str
    object_label: str
    file: str
    line: int


def _converter(base: str):
    import curies

    return curies.Converter.from_prefix_map({
        "rolegraph": base, "rome": f"{base}rome/", "esco": str(ESCO_ID),
        "skos": "http://www.w3.org/2004/02/skos/core#", "semapv": "https://w3id.org/semapv/vocab/",
        "sssom": "https://w3id.org/sssom/", "orcid": "https://orcid.org/",
    })


def _default_file() -> Path | None:
    path = resources.files("rolegraph.data").joinpath(DEFAULT_FILE)
    return Path(str(path)) if path.is_file() else None


def curated_mappings(path: str | os.PathLike | None, base: str, cache: str | os.PathLike | None = None) -> list[Curated]:
    """The verdicts of the curated SSSOM file at ``path`` (None: the project's ``data/mappings/`` file, if
    any). Raises ``InputError`` naming the file and line of the first row that is not a valid verdict. With a
    ``cache`` folder, the verdicts of a file read before (same path, same content) are taken from there: reading
    the format's model takes longer than linking."""
    file = Path(path) if path is not None else _default_file()
    if file is None:
        return []
    name = str(file)
    if not file.is_file():
        raise InputError(f"the mappings file {name} does not exist", file=name, setting="mappings")
    try:
        content = file.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read the mappings file {name}: {error.strerror or error}", file=name) from None
    key = hashlib.sha256("\0".join((name, base, hashlib.sha256(content).hexdigest())).encode()).hexdigest()[:32]
    cached = Path(cache) / f"curated-{key}.pickle" if cache is not None else None
    found = load_cached(cached, list)
    if found is None:
        found = _read_curated(file, base)  # an invalid file raises, and is never cached
        save_cached(cached, found)
    return found


def _read_curated(file: Path, base: str) -> list[Curated]:
    from sssom_pydantic.io import ParseError, read_unprocessed_iterable, record_to_semantic_mapping

    name = str(file)
    converter = _converter(base)
    found: list[Curated] = []
    try:
        with read_unprocessed_iterable(file, converter=converter) as read:
            for number, record in read.records:
                line = number + 1  # the reader counts the header's line as the first record's
                if isinstance(record, ParseError):
                    raise InputError(f"{name}:{line}: {_message(record.exception)}", file=name, line=line)
                try:
                    mapping = record_to_semantic_mapping(record, read.converter, line_number=line)
                except ValueError as error:
                    raise InputError(f"{name}:{line}: {_message(error)}", file=name, line=line) from None
                found.append(_verdict(mapping, read.converter, name, line))
    except InputError:
        raise
    except (ValueError, TypeError, KeyError) as error:  # the YAML header, or the column line
        raise InputError(f"{name}: unreadable SSSOM header: {_message(error)}", file=name, line=1) from None
    except OSError as error:
        raise InputError(f"cannot read the mappings file {name}: {error.strerror or error}", file=name) from None
    return found


def _message(error: Exception) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):  # pydantic: say which column, not the model's dump
        try:
            return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors())
        except (TypeError, KeyError):
            pass
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _verdict(mapping, converter, name: str, line: int) -> Curated:
    predicate = mapping.predicate
    if predicate.prefix != "skos" or predicate.identifier not in PREDICATES:
        raise InputError(f"{name}:{line}: predicate_id {predicate.curie} is not one of skos:"
                         + ", skos:".join(PREDICATES), file=name, line=line)
    if mapping.justification.identifier != CURATION:
        raise InputError(f"{name}:{line}: a curated mapping's mapping_justification is semapv:{CURATION}, "
                         f"not {mapping.justification.curie}", file=name, line=line)
    subject, target = (converter.expand(ref.curie, strict=True) for ref in (mapping.subject, mapping.object))
    return Curated(subject, predicate.identifier, target, mapping.predicate_modifier == "Not", mapping.confidence,
                   mapping.subject.name or "", mapping.object.name or "", name, line)


def kind_of(target: str, base: str) -> str | None:
    """The target kind (``taxonomies.labels.TARGET_KINDS``) of a taxonomy IRI, from its shape."""
    if target.startswith(f"{ESCO_ID}occupation/"):
        return "esco-occupation"
    if target.startswith(f"{ESCO_ID}skill/"):
        return "esco-skill"
    if target.startswith(f"{base}rome/"):
        kind = target[len(f"{base}rome/"):].split("/", 1)[0]
        return f"rome-{kind}" if kind in ("appellation", "fiche", "competence", "savoir") else None
    return None


def apply_curation(links: list["Link"], curation: list[Curated], entities: dict[str, "Entity"], linker: "Linker",
                   problems: list[str]) -> list["Link"]:
    """``links`` with the curated verdicts applied: a rejected pair is never published, an accepted mapping
    always is (added when the matcher did not find it). Verdicts about entities this build does not have are
    left for the builds that have them."""
    from .link import Link

    if not curation:
        return links
    by_pair = {(l.subject, l.target): i for i, l in enumerate(links)}
    links = list(links)
    for verdict in curation:
        if verdict.subject not in entities:
            continue
        at = by_pair.get((verdict.subject, verdict.target))
        if verdict.negated:
            if at is not None:
                links[at] = replace(links[at], published=False, negated=True, justification=CURATION)
            continue
        kind = kind_of(verdict.target, linker.base)
        if kind is None:
            problems.append(f"{verdict.file}:{verdict.line}: {verdict.target} is not an ESCO or ROME concept")
            continue
        confidence = verdict.confidence if verdict.confidence is not None else 1.0
        if at is not None:
            known = links[at]
            links[at] = replace(known, predicate=verdict.predicate, score=confidence, justification=CURATION,
                                evidence="curated", published=True, negated=False)
            continue
        entity = entities[verdict.subject]
        index = linker.present.get(kind)
        label = (index.labels.get(verdict.target) if index else None) or verdict.object_label
        links.append(Link(verdict.subject, verdict.predicate, verdict.target, kind, confidence, CURATION,
                          verdict.subject_label or entity.pref, label, "curated", 1.0, True, False))
        by_pair[(verdict.subject, verdict.target)] = len(links) - 1
    return links


_STORED = """SELECT ?g ?s ?p ?o ?confidence ?why ?sl ?ol ?evidence ?not WHERE {
  GRAPH ?g { ?a owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ;
               sssom:confidence ?confidence ; sssom:mapping_justification ?why .
             OPTIONAL { ?a sssom:subject_label ?sl } OPTIONAL { ?a sssom:object_label ?ol }
             OPTIONAL { ?a sssom:comment ?evidence } OPTIONAL { ?a sssom:predicate_modifier ?not } }
} ORDER BY ?s ?o ?p"""


def stored_mappings(store_path: Store | str | os.PathLike, base: str) -> list[dict]:
    """Every link and candidate of the published store: subject, predicate, object, labels, confidence,
    justification, evidence, whether published and whether a curator rejected it."""
    import pyoxigraph as ox

    snapshot = open_store(store_path).open()
    links, candidates = (ox.NamedNode(str(graph_iri(base, name))) for name in (LINKS_GRAPH, CANDIDATES_GRAPH))
    rows = []
    for graph in (links, candidates):
        for row in snapshot.query(sparql_prologue() + _STORED, substitutions={ox.Variable("g"): graph}):
            rows.append({
                "subject": row["s"].value, "predicate": row["p"].value.rsplit("#", 1)[-1], "object": row["o"].value,
                "confidence": float(row["confidence"].value), "justification": row["why"].value.rsplit("/", 1)[-1],
                "subject_label": row["sl"].value if row["sl"] else "",
                "object_label": row["ol"].value if row["ol"] else "",
                "evidence": row["evidence"].value if row["evidence"] else "", "published": graph == links,
                "negated": row["not"] is not None,
            })
    return rows


def export_mappings(store_path: Store | str | os.PathLike, base: str, out: str | os.PathLike | io.TextIOBase) -> int:
    """Write every link and candidate of the published store to ``out`` (a path or a text stream) as SSSOM
    TSV; the ``comment`` column says the evidence class and whether the link is published. Returns the
    number of mappings written."""
    import sssom_pydantic
    from curies import NamableReference, Reference

    converter = _converter(base)
    mappings = []
    for row in stored_mappings(store_path, base):
        state = "rejected" if row["negated"] else "published" if row["published"] else "candidate"
        mappings.append(sssom_pydantic.SemanticMapping(
            subject=NamableReference.from_curie(converter.compress(row["subject"], strict=True), name=row["subject_label"] or None),
            predicate=Reference(prefix="skos", identifier=row["predicate"]),
            object=NamableReference.from_curie(converter.compress(row["object"], strict=True), name=row["object_label"] or None),
            justification=Reference(prefix="semapv", identifier=row["justification"]),
            predicate_modifier="Not" if row["negated"] else None,
            confidence=row["confidence"],
            comment=f"{state}; {row['evidence']}" if row["evidence"] else state,
            mapping_tool=sssom_pydantic.MappingTool(name="rolegraph link"),
        ))
    metadata = sssom_pydantic.MappingSet(
        id=f"{base}graph/{LINKS_GRAPH}.sssom.tsv", license="https://creativecommons.org/licenses/by/4.0/",
        title="Links from rolegraph entities to ESCO and ROME, with the candidates")
    try:
        sssom_pydantic.write(mappings, out, metadata=metadata, converter=converter)
    except OSError as error:
        raise InputError(f"cannot write the mappings file {out}: {error.strerror or error}", file=str(out)) from None
    return len(mappings)

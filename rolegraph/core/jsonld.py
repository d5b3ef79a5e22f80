"""Compacted JSON-LD written as a stream: our published ``@context`` (the project's prefix map) and
one node object per run of triples sharing a subject.

Oxigraph writes expanded JSON-LD only; compaction with a context of prefixes needs no JSON-LD
processor, since every key and ``@id`` is either a compact IRI ``prefix:suffix`` or an absolute IRI.
Literal values keep their lexical form (no native JSON numbers), so the graph round-trips exactly.
"""
from __future__ import annotations

import json
from typing import Iterable, Iterator

import pyoxigraph as ox

from rolegraph.core.errors import UsageError
from rolegraph.core.vocabulary import OX, PREFIXES

#: Literals whose datatype JSON-LD leaves implicit: a plain string, or a string with a language.
_IMPLICIT_DATATYPES = (OX.XSD.string.value, OX.RDF.langString.value)
_RDF_TYPE = OX.RDF.type.value


def context() -> dict:
    """The ``@context`` object every JSON-LD answer of rolegraph uses (published at /context.jsonld)."""
    return {"@version": 1.1, **PREFIXES}


def compact(iri: str) -> str:
    """``prefix:suffix`` for an IRI under one of our prefixes (longest namespace wins), else the IRI."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    suffix = iri[len(PREFIXES[best]):] if best else ""
    # A suffix starting with // would read as an absolute IRI; an empty one is the namespace itself.
    if not best or not suffix or suffix.startswith("//"):
        return iri
    return f"{best}:{suffix}"


def _id(term) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else compact(term.value)


def _value(term) -> object:
    if isinstance(term, ox.Triple):
        raise UsageError(f"JSON-LD cannot write the triple term {term}: ask for Turtle or N-Triples",
                         format="jsonld")
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value in _IMPLICIT_DATATYPES:
            return term.value
        return {"@value": term.value, "@type": compact(term.datatype.value)}
    return {"@id": _id(term)}


def _node(subject, pairs: list[tuple]) -> dict:
    node: dict = {"@id": _id(subject)}
    for predicate, obj in pairs:
        if predicate.value == _RDF_TYPE and not isinstance(obj, ox.Literal):
            node.setdefault("@type", []).append(_id(obj))
        else:
            node.setdefault(compact(predicate.value), []).append(_value(obj))
    return node


def write(triples: Iterable) -> Iterator[str]:
    """Chunks of one JSON-LD document ``{"@context": …, "@graph": [...]}`` holding ``triples``
    (``Triple`` or ``Quad``; graph names are dropped). Triples of one subject should come together:
    a subject met again later gets a second node object, which JSON-LD merges."""
    separator = ",\n"
    yield '{"@context":' + json.dumps(context(), ensure_ascii=False) + ',\n"@graph":[\n'
    first, subject, pairs = True, None, []
    for triple in triples:
        if triple.subject != subject:
            if subject is not None:
                yield ("" if first else separator) + json.dumps(_node(subject, pairs), ensure_ascii=False)
                first = False
            subject, pairs = triple.subject, []
        pairs.append((triple.predicate, triple.object))
    if subject is not None:
        yield ("" if first else separator) + json.dumps(_node(subject, pairs), ensure_ascii=False)
    yield "\n]}\n"

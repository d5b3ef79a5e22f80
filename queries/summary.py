"""What a generation holds, for the home page and the VoID description: entities per class, named graphs
and their sizes, imported taxonomies and source documents, gathered with the named queries.

The loader gathers it when it publishes a generation and stores it with it (``SUMMARY``), so that the
first request after a build reads a file instead of counting the graph; ``stored`` reads it back.
"""
from __future__ import annotations

import json

import pyoxigraph as ox

from rolegraph.core.store import Readable

from rolegraph.core.vocabulary import OX

from . import get

#: The state file of a generation that holds its summary (never carried to the next generation).
SUMMARY = "summary.json"
#: The named queries gathered, each under its own name ("roles": the home page's list of roles).
PARTS = ("counts", "graphs", "datasets", "documents", "roles")


def plain(term):
    """A JSON value for an RDF term: numbers as numbers, everything else as its lexical form."""
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value.rsplit("#", 1)[-1]
        if datatype in ("integer", "int", "long", "nonNegativeInteger"):
            return int(term.value)
        if datatype in ("decimal", "double", "float"):
            return float(term.value)
        return term.value
    return term.value


def gather(readable: Readable) -> dict:
    """The summary of what ``readable`` holds (every graph: queries see their union)."""
    facts = {name: gather_one(readable, name) for name in PARTS}
    facts["triples"] = sum(g["triples"] for g in facts["graphs"])
    return facts


def gather_one(readable: Readable, name: str) -> list[dict]:
    """The rows of the named query ``name`` of the summary, on the union of every graph."""
    return _rows(readable.query(get(name).text, use_default_graph_as_union=True))


def _rows(solutions) -> list[dict]:
    return [{v.value: plain(row[v]) for v in solutions.variables if row[v] is not None} for row in solutions]


def store_summary(writable) -> dict:
    """Gather the summary of the generation being written and publish it with it."""
    facts = gather(writable)
    writable.put_state(SUMMARY, json.dumps(facts, ensure_ascii=False).encode("utf-8"))
    return facts


def changed_summary(writable, previous: dict | None, sizes: dict[str, int | None], documents: set[str],
                    nodes: set[str] | None = None, typed: tuple[str, dict[str, int]] | None = None) -> dict:
    """``store_summary`` of a generation that a change made from the one ``previous`` summarises: only
    what the change touched is counted again. ``sizes`` names each graph it may have changed with its
    new number of triples when the change knows it (None: counted here); ``documents`` are the IRIs of
    the documents it added or removed (the others' rows stay: a document's facts and passages are its
    own); ``nodes`` the IRIs of every subject and object of the triples it changed, whose rows of roles
    are the only ones that can change (None: every role is listed again); ``typed`` the graph the change
    was made in and, for each class, how many more ``rdf:type`` triples of it that graph holds (negative:
    fewer), counted from the previous counts (None: counted again). Without ``previous`` (a generation
    published before summaries were kept), everything is."""
    if previous is None or any(name not in previous for name in PARTS):
        return store_summary(writable)
    facts = {"counts": _counts(writable, previous, typed), "datasets": gather_one(writable, "datasets")}
    graphs = {g["graph"]: g for g in previous["graphs"]}
    for graph, size in sizes.items():
        target = ox.NamedNode(graph)
        graphs.pop(graph, None)
        if not writable.contains_named_graph(target):
            continue
        if size is None:
            size = sum(1 for _ in writable.quads_for_pattern(None, None, None, target))
        if size == 0:  # a graph emptied by the change: the named query lists only graphs with triples
            continue
        row = {"graph": graph, "triples": size}
        for key, predicate in (("title", OX.DCTERMS.title), ("version", OX.DCTERMS.hasVersion)):
            value = next(writable.quads_for_pattern(target, predicate, None, target), None)
            if value is not None:
                row[key] = plain(value.object)
        graphs[graph] = row
    facts["graphs"] = [graphs[g] for g in sorted(graphs)]
    rows = [row for row in previous["documents"] if row["document"] not in documents]
    facts["documents"] = sorted(rows + _rows_of(writable, "documents", "document", documents),
                                key=lambda row: row["file"])
    if nodes is None:
        facts["roles"] = gather_one(writable, "roles")
    else:
        rows = [row for row in previous["roles"] if row["role"] not in nodes]
        facts["roles"] = sorted(rows + _rows_of(writable, "roles", "role", nodes),
                                key=lambda row: (-row["facts"], row["label"], row["role"]))
    facts["triples"] = sum(g["triples"] for g in facts["graphs"])
    writable.put_state(SUMMARY, json.dumps(facts, ensure_ascii=False).encode("utf-8"))
    return facts


def _counts(writable, previous: dict, typed: tuple[str, dict[str, int]] | None) -> list[dict]:
    """The rows of the named query "counts" after a change (``changed_summary``'s ``typed``): the previous
    counts moved by the change's types where no other graph types a node with a class that changed (then
    a node's type triple in the changed graph is its only one, and counting distinct nodes counts them);
    a class that the previous counts do not have is counted in the store (it may not be one counted)."""
    if typed is None:
        return gather_one(writable, "counts")
    graph, change = typed
    kind = OX.RDF.type
    changed = {cls for cls, n in change.items() if n}
    others = [g for g in writable.named_graphs() if g.value != graph]
    if any(next(iter(writable.quads_for_pattern(None, kind, ox.NamedNode(cls), g)), None) is not None
           for cls in changed for g in others):
        return gather_one(writable, "counts")
    counts = {row["class"]: row["count"] for row in previous["counts"]}
    for cls in changed & set(counts):
        counts[cls] += change[cls]
    unknown = changed - set(counts)
    for row in _rows_of(writable, "counts", "class", unknown):
        counts[row["class"]] = row["count"]
    return [{"class": cls, "count": n} for cls, n in sorted(counts.items()) if n > 0]


def _rows_of(readable: Readable, name: str, variable: str, iris: set[str]) -> list[dict]:
    """The rows of the named query ``name`` whose ``variable`` is one of ``iris`` (none when empty)."""
    if not iris:
        return []
    text = get(name).text
    where = text.index("{")
    values = " ".join(f"<{iri}>" for iri in sorted(iris))
    restricted = f"{text[:where + 1]} VALUES ?{variable} {{ {values} }} {text[where + 1:]}"
    return _rows(readable.query(restricted, use_default_graph_as_union=True))


def stored(readable: Readable) -> dict | None:
    """The summary published with a generation, or None when it was published without one."""
    data = readable.state(SUMMARY)
    return json.loads(data) if data is not None else None

"""What a generation holds, for the home page and the VoID description: entities per class, named graphs
and their sizes, imported taxonomies and source documents, gathered with the named queries.

The loader gathers it when it publishes a generation and stores it with it (``SUMMARY``), so that the
first request after a build reads a file instead of counting the graph; ``stored`` reads it back.
"""
from __future__ import annotations

import json

import pyoxigraph as ox

from rolegraph.core.store import Readable

from . import get

#: The state file of a generation that holds its summary (never carried to the next generation).
SUMMARY = "summary.json"
#: The named queries gathered, each under its own name.
PARTS = ("counts", "graphs", "datasets", "documents")


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
    facts = {}
    for name in PARTS:
        solutions = readable.query(get(name).text, use_default_graph_as_union=True)
        facts[name] = [{v.value: plain(row[v]) for v in solutions.variables if row[v] is not None}
                       for row in solutions]
    facts["triples"] = sum(g["triples"] for g in facts["graphs"])
    return facts


def store_summary(writable) -> dict:
    """Gather the summary of the generation being written and publish it with it."""
    facts = gather(writable)
    writable.put_state(SUMMARY, json.dumps(facts, ensure_ascii=False).encode("utf-8"))
    return facts


def stored(readable: Readable) -> dict | None:
    """The summary published with a generation, or None when it was published without one."""
    data = readable.state(SUMMARY)
    return json.loads(data) if data is not None else None

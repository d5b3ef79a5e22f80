"""Running SPARQL for the CLI: on the local store, or on a remote endpoint through SPARQLWrapper."""
from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass

import pyoxigraph as ox

from .core import formats
from .core.errors import QueryError
from .core.store import Store, open_store


@dataclass
class Table:
    variables: list[str]
    rows: list[dict[str, str]]
    boolean: bool | None = None
    graph: str | None = None  # N-Triples of a CONSTRUCT/DESCRIBE result


def run_local(store_path: Store | str | os.PathLike, text: str) -> Table:
    store = open_store(store_path).open()
    try:
        results = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from exc
    if isinstance(results, ox.QueryBoolean):
        return Table([], [], boolean=bool(results))
    if isinstance(results, ox.QueryTriples):
        return Table([], [], graph=formats.serialize_graph(results, formats.get("nt")).decode("utf-8"))
    variables = [v.value for v in results.variables]
    rows = [{name: solution[name].value for name in variables if solution[name] is not None} for solution in results]
    return Table(variables, rows)


def run_remote(endpoint: str, text: str) -> Table:
    from SPARQLWrapper import JSON, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.setReturnFormat(JSON)
    try:
        answer = client.queryAndConvert()
    except SPARQLWrapperException as exc:
        raise QueryError(f"endpoint {endpoint} refused the query: {exc}") from exc
    except OSError as exc:
        raise QueryError(f"cannot reach endpoint {endpoint}: {exc}") from exc
    if "boolean" in answer:
        return Table([], [], boolean=answer["boolean"])
    variables = answer["head"]["vars"]
    rows = [{k: v["value"] for k, v in binding.items()} for binding in answer["results"]["bindings"]]
    return Table(variables, rows)


def render(table: Table, fmt: str) -> str:
    """``table`` as ``rolegraph query`` prints it in ``fmt``, one of ``RENDERINGS``; a graph as N-Triples."""
    if table.boolean is not None:
        return json.dumps({"boolean": table.boolean}) if fmt == "json" else str(table.boolean).lower()
    if table.graph is not None:
        return table.graph
    return RENDERINGS[fmt](table)


def _json(table: Table) -> str:
    return json.dumps({"variables": table.variables, "rows": table.rows}, indent=2, ensure_ascii=False)


def _csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=table.variables, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table.rows)
    return out.getvalue().rstrip("\n")


def _columns(table: Table) -> str:
    widths = {v: max([len(v)] + [len(r.get(v, "")) for r in table.rows]) for v in table.variables}
    widths = {v: min(w, 60) for v, w in widths.items()}
    lines = ["  ".join(v.ljust(widths[v]) for v in table.variables)]
    for row in table.rows:
        lines.append("  ".join(row.get(v, "")[:60].ljust(widths[v]) for v in table.variables))
    lines.append(f"({len(table.rows)} row{'s' if len(table.rows) != 1 else ''})")
    return "\n".join(lines)


#: How ``rolegraph query --format`` prints solutions.
RENDERINGS = {"table": _columns, "json": _json, "csv": _csv}

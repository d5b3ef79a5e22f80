"""Running SPARQL for the CLI: on the local store, or on a remote endpoint through SPARQLWrapper."""
from __future__ import annotations

import ast
import csv
import io
import json
import os
import urllib.error
from dataclasses import dataclass

import pyoxigraph as ox

from .core import formats
from .core.errors import QueryError
from .core.store import Store, open_store
from .queries.lexer import query_form


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
    """``text`` on the SPARQL endpoint at ``endpoint`` (SPARQLWrapper): solutions and booleans asked for in
    SPARQL results JSON, graphs by content negotiation (N-Triples first). A refusal is a ``QueryError``
    with the endpoint's status and message; ``cannot reach`` only when no answer came."""
    from SPARQLWrapper import JSON, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    try:
        form = query_form(text)
    except QueryError:
        form = None  # not read here: the endpoint says what is wrong with it
    try:
        if form in ("CONSTRUCT", "DESCRIBE"):
            client.setOnlyConneg(True)
            client.addCustomHttpHeader("Accept", GRAPH_ACCEPT)
            response = client.query().response
            media = (response.headers.get("Content-Type") or "").split(";")[0].strip()
            return Table([], [], graph=_as_ntriples(response.read(), media, endpoint))
        client.setReturnFormat(JSON)
        answer = client.queryAndConvert()
    except (SPARQLWrapperException, urllib.error.HTTPError) as exc:
        raise _refused(endpoint, exc) from None
    except OSError as exc:
        raise QueryError(f"cannot reach endpoint {endpoint}: {exc}") from exc
    if "boolean" in answer:
        return Table([], [], boolean=answer["boolean"])
    variables = answer["head"]["vars"]
    rows = [{k: v["value"] for k, v in binding.items()} for binding in answer["results"]["bindings"]]
    return Table(variables, rows)


#: What ``run_remote`` asks a CONSTRUCT or DESCRIBE answer in, best first.
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8, application/ld+json;q=0.5"


def _as_ntriples(body: bytes, media: str, endpoint: str) -> str:
    fmt = ox.RdfFormat.from_media_type(media) if media else None
    if fmt is None:
        raise QueryError(f"endpoint {endpoint} answered the graph in {media or 'no media type'}, not an RDF format")
    try:
        triples = ox.parse(body, format=fmt)
        return formats.serialize_graph(triples, formats.get("nt")).decode("utf-8")
    except SyntaxError as exc:
        raise QueryError(f"endpoint {endpoint} answered {fmt.name} that does not parse: {exc}") from None


def _refused(endpoint: str, exc: Exception) -> QueryError:
    """The endpoint's refusal as a ``QueryError``: its status and, in our JSON error shape, its message."""
    # SPARQLWrapper turns some statuses into its own exceptions, the answer's body in their message.
    http = exc if isinstance(exc, urllib.error.HTTPError) else exc.__context__
    status = http.code if isinstance(http, urllib.error.HTTPError) else None
    if isinstance(exc, urllib.error.HTTPError):
        body = exc.read()
    else:
        _, _, shown = str(exc).partition("Response:\n")
        try:
            body = ast.literal_eval(shown) if shown else b""
        except (ValueError, SyntaxError):
            body = shown.encode("utf-8")
    try:
        error = json.loads(body)["error"]
        message, position = error["message"], error.get("details", {}).get("position")
    except (ValueError, KeyError, TypeError):
        message, position = (body.decode("utf-8", "replace").strip() if isinstance(body, bytes) else str(body)) or str(exc), None
    answered = f"answered {status}" if status else "refused the query"
    return QueryError(f"endpoint {endpoint} {answered}: {message}", position=position, status=status)


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

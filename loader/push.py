"""Publishing the built dataset to an external SPARQL store, named graph by named graph.

The guarantee: the store switches from one pushed version to the next in one SPARQL Update request.
Each changed graph is first written to a staging graph of its own (Graph Store Protocol requests of at
most ``batch_bytes``: one PUT, then POSTs; or SPARQL Update ``INSERT DATA`` requests of at most 500 kB),
which nothing serves; then one
last update request moves every staged graph onto its graph, entity graphs before link graphs,
drops the graphs no longer built and writes the status graph. A store that applies an update request
as one transaction (the Oxigraph server does) therefore never shows a mix of two versions; one that
applies its operations one by one (Virtuoso over HTTP) shows a mix only for the time of that last
request, and never a link whose entity is missing. A push that fails before that request leaves the
served version whole and says which graphs were staged; a rerun stages what changed and completes it.

Graphs whose checksum (SHA-256 of their sorted N-Triples lines) is the one the store's status graph
records are not sent again: a second push of the same build changes nothing. A graph staged whole is
recorded, with its checksum and triple count, in the graph ``staged_records`` (dropped by the last
request): a rerun after a failure reuses the staged graphs whose checksum and count still match and
stages only the others.

A staging write that Virtuoso ends in a deadlock (SR172, SQL state 40001: it rolled the write back)
is sent again, up to ``ATTEMPTS`` times; the last request never is (the store may have applied it).
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from typing import Callable

import pyoxigraph as ox

from rolegraph.core.errors import StoreError, UsageError
from rolegraph.core.naming import CANDIDATES_GRAPH, LINKS_GRAPH, graph_iri, normal_base
from rolegraph.core.remote import PROV, RG_CHECKSUM, VOID, Endpoint, read_status, status_graph, status_triples
from rolegraph.core.settings import BY_NAME
from rolegraph.core.store import Store, open_store

#: Largest body of one INSERT DATA request when the store has no Graph Store Protocol endpoint (Virtuoso's
#: SPARQL compiler runs out of memory on 4 MB).
UPDATE_BATCH_BYTES = 500_000
#: Largest Graph Store Protocol request by default (the ``push_batch_bytes`` setting): Virtuoso deadlocks
#: on one PUT of a 100 MB graph.
BATCH_BYTES = BY_NAME["push_batch_bytes"].default
#: How many times a staging write that deadlocked is sent, and the first wait between two (doubled each time).
ATTEMPTS, BACKOFF = 5, 0.5
#: Graphs that say things about the entities of the others: pushed after them.
LINK_GRAPHS = (LINKS_GRAPH, CANDIDATES_GRAPH)


@dataclass
class Pushed:
    """One graph of a push: its IRI, triples, checksum, whether it was sent (``reused``: staged whole by
    an earlier push that stopped before publishing), and the seconds it took."""

    graph: str
    triples: int
    checksum: str
    sent: bool = False
    seconds: float = 0.0
    reused: bool = False


@dataclass
class PushResult:
    """What a push did: the ``version`` (local generation) now served by the store, each graph in push
    order, the graphs dropped from the store, and the per-graph triple counts that differ after the
    push ({graph: (local, remote)}; empty when the store holds what was built)."""

    version: str
    graphs: list[Pushed] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    mismatches: dict[str, tuple[int, int]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def sent(self) -> list[Pushed]:
        return [g for g in self.graphs if g.sent]

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.sent)

    @property
    def rate(self) -> float:
        return self.triples / self.seconds if self.seconds > 0 else 0.0


def push_order(graphs: list[str], base: str) -> list[str]:
    """``graphs`` in the order a push writes them: entity graphs first, then the link graphs."""
    links = {str(graph_iri(normal_base(base), name)) for name in LINK_GRAPHS}
    return sorted(graphs, key=lambda g: (g in links, g))


def staging_graph(base: str, graph: str) -> str:
    """The graph a push writes ``graph`` to before its last request moves it into place."""
    return f"{status_graph(base)}/staging/{hashlib.sha256(graph.encode('utf-8')).hexdigest()[:16]}"


def staged_records(base: str) -> str:
    """The graph in which a push records each graph it has staged whole (checksum, triples)."""
    return f"{status_graph(base)}/staged"


def read_staged(endpoint: Endpoint, base: str) -> dict[str, dict]:
    """The graphs an unfinished push staged whole: {graph IRI: {"checksum", "triples"}}."""
    rows = endpoint.select(f"SELECT ?g ?c ?n WHERE {{ GRAPH <{staged_records(base)}> {{ "
                           f"?g <{RG_CHECKSUM}> ?c ; <{VOID}triples> ?n }} }}")
    return {row["g"]: {"checksum": row["c"], "triples": int(row["n"])} for row in rows}


def push(store: Store | str | os.PathLike, endpoint: Endpoint, base: str, only: str | None = None,
         batch_bytes: int = BATCH_BYTES, progress: Callable[[Pushed, int, int], None] | None = None) -> PushResult:
    """Push the published generation of ``store`` (every named graph, or the graph ``only``) to
    ``endpoint``; ``progress(graph, index, total)`` is called after each graph is staged. Raises
    ``StoreError`` (naming the graphs staged so far) when the store cannot be reached or refuses."""
    started = time.monotonic()
    base = normal_base(base)
    snapshot = open_store(store).open()
    local = {g.value: g for g in snapshot.named_graphs() if isinstance(g, ox.NamedNode)}
    if only is not None and only not in local:
        raise UsageError(f"--graph {only}: no such graph in the local store (it has {', '.join(sorted(local))})",
                         setting="graph")
    chosen = push_order([only] if only else list(local), base)
    remote = read_status(endpoint, base)
    result = PushResult(snapshot.generation)
    bodies: dict[str, bytes] = {}
    for graph in chosen:
        lines = sorted(line for line in snapshot.dump(format=ox.RdfFormat.N_TRIPLES,
                                                      from_graph=local[graph]).splitlines() if line)
        body = b"\n".join(lines) + b"\n" if lines else b""
        checksum = "sha256:" + hashlib.sha256(body).hexdigest()
        result.graphs.append(Pushed(graph, len(lines), checksum))
        if remote["graphs"].get(graph, {}).get("checksum") != checksum:
            bodies[graph] = body
    recorded = dict(remote["graphs"]) if only else {}
    recorded.update({g.graph: {"triples": g.triples, "checksum": g.checksum} for g in result.graphs})
    if not only:
        result.dropped = sorted(set(remote["graphs"]) - set(local))
    if not bodies and not result.dropped and remote["version"] == result.version and not remote["pushing"]:
        result.mismatches = _check(endpoint, result.graphs)
        result.seconds = time.monotonic() - started
        return result
    status, records = status_graph(base), staged_records(base)
    sending = [g for g in result.graphs if g.graph in bodies]
    reusable = _reusable(endpoint, base, sending)
    stale = [g for g in sending if g.graph not in reusable]
    operations = [f"DELETE {{ GRAPH <{records}> {{ <{g.graph}> ?p ?o }} }} WHERE {{ GRAPH <{records}> {{ "
                  f"<{g.graph}> ?p ?o }} }}" for g in stale]
    operations.append(f'INSERT DATA {{ GRAPH <{status}> {{ <{status}#push> <{PROV}startedAtTime> '
                      f'"{time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}"^^<http://www.w3.org/2001/XMLSchema#dateTime> }} }}')
    _retrying(lambda: endpoint.update(" ;\n".join(operations)))
    staged: list[str] = []
    publishing = False
    try:
        for index, graph in enumerate(sending, 1):
            began = time.monotonic()
            body = bodies.pop(graph.graph)
            if graph.graph in reusable:
                graph.reused = True
            else:
                _stage(endpoint, staging_graph(base, graph.graph), body, batch_bytes)
                _retrying(lambda: endpoint.update(
                    f'INSERT DATA {{ GRAPH <{records}> {{ <{graph.graph}> <{RG_CHECKSUM}> "{graph.checksum}" ; '
                    f'<{VOID}triples> {graph.triples} }} }}'))
            graph.sent, graph.seconds = True, time.monotonic() - began
            staged.append(graph.graph)
            if progress is not None:
                progress(graph, index, len(sending))
        operations = [f"MOVE SILENT <{staging_graph(base, g)}> TO <{g}>" for g in staged]
        operations += [f"DROP SILENT GRAPH <{g}>" for g in result.dropped]
        operations += [f"DROP SILENT GRAPH <{records}>", f"DROP SILENT GRAPH <{status}>",
                       f"INSERT DATA {{ GRAPH <{status}> {{ {status_triples(base, result.version, recorded)} }} }}"]
        publishing = True
        endpoint.update(" ;\n".join(operations))
    except StoreError as error:
        done = ", ".join(staged) if staged else "none"
        hint = _log_full(publishing, batch_bytes) if error.details.get("reason") == "log-full" else ""
        raise StoreError(f"{error.message}{hint}. The push stopped before publishing: the store still serves version "
                         f"{remote['version'] or '(none)'}; graphs staged: {done}. Run the push again to complete it.",
                         **error.details, staged=staged) from None
    result.mismatches = _check(endpoint, result.graphs)
    result.seconds = time.monotonic() - started
    return result


def _log_full(publishing: bool, batch_bytes: int) -> str:
    """What to change when the store's transaction log refused a write (Virtuoso's SR325)."""
    if publishing:
        return (". That last request moves every staged graph in one transaction: raise Virtuoso's "
                "TransactionAfterImageLimit ([Parameters] of virtuoso.ini) above the size of the graphs pushed")
    return (f". Lower --batch-bytes (ROLEGRAPH_PUSH_BATCH_BYTES, now {batch_bytes}), or raise Virtuoso's "
            "TransactionAfterImageLimit ([Parameters] of virtuoso.ini)")


def _reusable(endpoint: Endpoint, base: str, sending: list[Pushed]) -> set[str]:
    """The graphs of ``sending`` an earlier push staged whole with the same checksum, whose staging
    graph still holds as many triples as the record says."""
    records = read_staged(endpoint, base)
    matching = [g for g in sending if records.get(g.graph, {}).get("checksum") == g.checksum
                and records[g.graph]["triples"] == g.triples]
    if not matching:
        return set()
    names = {staging_graph(base, g.graph): g for g in matching}
    rows = endpoint.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } VALUES ?g { "
                           + " ".join(f"<{name}>" for name in names) + " } } GROUP BY ?g")
    counts = {row["g"]: int(row["n"]) for row in rows if "g" in row}
    return {g.graph for name, g in names.items() if counts.get(name, 0) == g.triples}


def _stage(endpoint: Endpoint, target: str, body: bytes, batch_bytes: int) -> None:
    """Write ``body`` (N-Triples lines) as the graph ``target``, in pieces of at most ``batch_bytes``:
    a PUT then POSTs, or DROP then INSERT DATA batches; each piece is one transaction of the store."""
    if endpoint.graph_store_url is not None:
        for index, piece in enumerate(_pieces(body, batch_bytes) or [b""]):
            write = endpoint.put if index == 0 else endpoint.append
            _retrying(lambda: write(target, piece))
        return
    first = f"DROP SILENT GRAPH <{target}>"
    for piece in _pieces(body, min(batch_bytes, UPDATE_BATCH_BYTES)) or [b""]:
        _retrying(lambda: endpoint.update(_insert(first, target, piece)))
        first = ""


def _pieces(body: bytes, limit: int) -> list[bytes]:
    """``body``'s lines cut into pieces of at most ``limit`` bytes (a longer line alone in its piece)."""
    pieces: list[bytes] = []
    start = end = 0
    while end < len(body):
        stop = body.find(b"\n", end)
        stop = len(body) if stop < 0 else stop + 1
        if stop - start > limit and end > start:
            pieces.append(body[start:end])
            start = end
        end = stop
    if end > start:
        pieces.append(body[start:end])
    return pieces


def _retrying(write: Callable[[], None]) -> None:
    """``write()``, sent again after a wait when the store ends it in a deadlock (it rolled it back)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return write()
        except StoreError as error:
            if error.details.get("reason") != "deadlock" or attempt == ATTEMPTS:
                if error.details.get("reason") == "deadlock":
                    raise StoreError(f"{error.message} (sent {ATTEMPTS} times)", **error.details) from None
                raise
            time.sleep(BACKOFF * 2 ** (attempt - 1))


def _insert(first: str, target: str, piece: bytes) -> str:
    insert = f"INSERT DATA {{ GRAPH <{target}> {{\n{piece.decode('utf-8')}}} }}" if piece else ""
    return " ;\n".join(part for part in (first, insert) if part)


def _check(endpoint: Endpoint, graphs: list[Pushed]) -> dict[str, tuple[int, int]]:
    """The graphs whose triple count in the store differs from the local one: {graph: (local, remote)}."""
    rows = endpoint.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    counts = {row["g"]: int(row["n"]) for row in rows if "g" in row}
    return {g.graph: (g.triples, counts.get(g.graph, 0)) for g in graphs if counts.get(g.graph, 0) != g.triples}

"""Publishing to and serving from an external SPARQL store: a real Oxigraph server (the ``oxigraph serve``
command of the PyPI wheel), started here on 127.0.0.1, filled by ``rolegraph push`` and served by
``rolegraph serve --backend``; every answer is compared with the embedded store's."""
from __future__ import annotations

import csv
import io
import json
import shutil
import socket
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from conftest import BASE
from serving import HOST, free_port, rolegraph_serve, start
from rolegraph import queries
from rolegraph.cli import main
from rolegraph.core.errors import StoreError
from rolegraph.core.remote import Endpoint, RemoteStore, read_status, refusal, status_graph
from rolegraph.core.store import open_store
from rolegraph.loader.push import push, read_staged
from rolegraph.server import create_app

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
ROLE = "/id/role/back-end-developer"


def oxigraph(folder: Path, *options: str):
    """An Oxigraph server on its own database in ``folder``, on a free port of 127.0.0.1."""
    port = free_port()
    return start([OXIGRAPH, "serve", "--location", str(folder), "--bind", f"{HOST}:{port}", *options],
                 f"http://{HOST}:{port}", health="/query?query=ASK%7B%7D")


def endpoints(server) -> list[str]:
    return ["--query-endpoint", f"{server.url}/query", "--update-endpoint", f"{server.url}/update"]


@pytest.fixture(scope="module")
def remote(tmp_path_factory, built_store):
    """An Oxigraph server into which the fixture corpus's build was pushed (Graph Store Protocol)."""
    from click.testing import CliRunner

    with oxigraph(tmp_path_factory.mktemp("oxigraph")) as server:
        result = CliRunner().invoke(main, ["--store", str(built_store), "--base-iri", BASE, "push",
                                           *endpoints(server), "--graph-store", f"{server.url}/store"])
        assert result.exit_code == 0, result.output
        assert "triples/s" in result.output
        yield server


def clients(built_store, remote):
    embedded = create_app({"store": str(built_store), "base_iri": BASE, "testing": True, "query_workers": 1})
    served = create_app({"backend": f"{remote.url}/query", "base_iri": BASE, "testing": True, "store": "/nonexistent"})
    try:
        yield embedded.test_client(), served.test_client()
    finally:
        embedded.extensions["rolegraph.executor"].close()


@pytest.fixture(scope="module")
def both(built_store, remote):
    yield from clients(built_store, remote)


def _rows(response) -> set:
    assert response.status_code == 200, response.data[:300]
    media = response.content_type.split(";")[0]
    if media == "application/json":
        body = response.get_json()
        return {json.dumps(row, sort_keys=True) for row in body["rows"]}
    if ox.RdfFormat.from_media_type(media) is not None:  # a graph, without blank nodes: its triples
        return {str(t) for t in ox.parse(response.data, format=ox.RdfFormat.from_media_type(media))}
    fmt = ox.QueryResultsFormat.from_media_type(media)
    if media == "text/csv":  # lossy: plain text cells
        return {tuple(sorted(row.items())) for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    parsed = ox.parse_query_results(response.data, format=fmt)
    if isinstance(parsed, ox.QueryBoolean):
        return {bool(parsed)}
    names = [v.value for v in parsed.variables]
    return {tuple(sorted((n, str(t)) for n, t in zip(names, row) if t is not None)) for row in parsed}


def _graph(response) -> Graph:
    assert response.status_code == 200, response.data[:300]
    media = response.content_type.split(";")[0]
    return Graph().parse(data=response.data, format={"application/ld+json": "json-ld"}.get(media, media))


def test_the_named_queries_answer_the_same_rows(both):
    embedded, served = both
    for query in queries.catalogue().values():
        params = {p.name: p.example for p in query.parameters}
        ours, theirs = (c.get(f"/api/queries/{query.name}", query_string=params) for c in (embedded, served))
        assert _rows(theirs) == _rows(ours), query.name


SELECT = ("SELECT ?role ?label WHERE { ?role a <https://w3id.org/rolegraph/ontology#Role> ; "
          "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label }")
PATHS = ("SELECT ?g ?a ?b WHERE { GRAPH ?g { ?a (<http://www.w3.org/2000/01/rdf-schema#subClassOf>|"
         "<https://w3id.org/rolegraph/ontology#progressesTo>)+ ?b } }")
CONSTRUCT = ("CONSTRUCT { ?role ?p ?o } WHERE { ?role a <https://w3id.org/rolegraph/ontology#Role> ; ?p ?o }")


@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml",
                                   "text/tab-separated-values", "text/csv"])
@pytest.mark.parametrize("query", [SELECT, PATHS, "ASK { ?s a <https://w3id.org/rolegraph/ontology#Tool> }"])
def test_sparql_results_are_the_same_in_every_format(both, media, query):
    embedded, served = both
    if query.startswith("ASK") and media in ("text/csv", "text/tab-separated-values"):
        pytest.skip("ASK has no CSV or TSV form")
    answers = [c.get("/sparql", query_string={"query": query}, headers={"Accept": media}) for c in both]
    assert answers[1].content_type.split(";")[0] == media
    assert _rows(answers[1]) == _rows(answers[0]) and _rows(answers[0])


@pytest.mark.parametrize("media", ["text/turtle", "application/n-triples", "application/rdf+xml",
                                   "application/ld+json"])
def test_graph_answers_are_isomorphic(both, media):
    answers = [c.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": media}) for c in both]
    assert len(_graph(answers[0])) > 100
    assert isomorphic(_graph(answers[0]), _graph(answers[1]))


@pytest.mark.parametrize("path", ["/export.nq", "/export.trig"])
def test_dataset_exports_hold_the_same_quads(both, path):
    """Named graphs kept: the same quads (the published graphs have no blank node to tell apart)."""
    ours, theirs = ({str(q) for q in ox.parse(c.get(path).data, format=ox.RdfFormat.from_media_type(
        c.get(path).content_type.split(";")[0]))} for c in both)
    assert len(ours) > 1000 and ours == theirs


@pytest.mark.parametrize("path", ["/export.nt", "/export.ttl", "/export.jsonld",
                                  f"/store?graph={BASE}graph/ontology", "/store?default"])
def test_exports_are_the_same_graphs(both, path):
    embedded, served = both
    ours, theirs = (_graph(c.get(path)) for c in both)
    assert len(ours) > 1000 and isomorphic(ours, theirs)


def test_a_role_page_and_its_linked_data_are_the_same(both):
    embedded, served = both
    page = served.get(ROLE, headers={"Accept": "text/html"})
    assert page.status_code == 200 and b"Back-end developer" in page.data
    assert page.data == embedded.get(ROLE, headers={"Accept": "text/html"}).data
    ours, theirs = (_graph(c.get(ROLE, headers={"Accept": "text/turtle"})) for c in both)
    assert len(ours) > 10 and isomorphic(ours, theirs)


def test_updates_are_refused_on_a_remote_backend(remote):
    app = create_app({"backend": f"{remote.url}/query", "base_iri": BASE, "update_token": "secret", "store": "/x"})
    answer = app.test_client().post("/sparql", data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"},
                                    headers={"Authorization": "Bearer secret"})
    assert answer.status_code == 403 and b"rolegraph push" in answer.data
    ask = app.test_client().get("/sparql", query_string={"query": "ASK { <urn:a> ?p ?o }"},
                                headers={"Accept": "application/sparql-results+json"})
    assert ask.get_json()["boolean"] is False


def test_the_row_cap_applies_to_remote_answers(remote):
    app = create_app({"backend": f"{remote.url}/query", "base_iri": BASE, "max_rows": 5, "store": "/x"})
    answer = app.test_client().get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"},
                                   headers={"Accept": "application/sparql-results+json"})
    assert answer.headers["X-Rolegraph-Truncated"] == "5" and len(answer.get_json()["results"]["bindings"]) == 5


def test_a_second_push_changes_nothing(remote, built_store, runner):
    endpoint = Endpoint(f"{remote.url}/query", f"{remote.url}/update")
    before = read_status(endpoint, BASE)
    result = runner.invoke(main, ["--store", str(built_store), "--base-iri", BASE, "push", *endpoints(remote)])
    assert result.exit_code == 0, result.output
    assert "0 graphs sent" in result.output
    assert read_status(endpoint, BASE) == before  # not even the status graph was written again


def test_a_push_cut_half_way_leaves_one_whole_version_served(tmp_path, built_store, mixed_store, runner):
    """v1 is pushed; the push of v2 stops after its first graph (as a kill would stop it); the store keeps
    serving v1, whole, /healthz says a push is under way, and a rerun publishes v2, whole."""
    def served_quads(endpoint):
        rows = endpoint.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {r["g"]: int(r["n"]) for r in rows}

    def local_counts(store):
        snapshot = create_app({"store": str(store)}).extensions["rolegraph.store"].open()
        return {g.value: sum(1 for _ in snapshot.quads_for_pattern(None, None, None, g)) for g in snapshot.named_graphs()}

    with oxigraph(tmp_path / "db") as server:
        endpoint = Endpoint(f"{server.url}/query", f"{server.url}/update")
        push(built_store, endpoint, BASE)
        v1 = local_counts(built_store)

        def killed(graph, index, total):
            raise KeyboardInterrupt  # the push dies after staging its first graph

        with pytest.raises(KeyboardInterrupt):
            push(mixed_store, endpoint, BASE, progress=killed)
        app = create_app({"backend": f"{server.url}/query", "base_iri": BASE, "store": "/x"})
        health = app.test_client().get("/healthz").get_json()
        assert health["generation"] == read_status(endpoint, BASE)["version"] and "pushing_since" in health
        assert {g: n for g, n in served_quads(endpoint).items() if g in v1} == v1
        export = ox.parse(app.test_client().get("/export.nq").data, format=ox.RdfFormat.N_QUADS)
        assert len(list(export)) == sum(v1.values())
        result = runner.invoke(main, ["--store", str(mixed_store), "--base-iri", BASE, "push",
                                      *endpoints(server)])  # SPARQL Update batches this time
        assert result.exit_code == 0, result.output
        v2 = local_counts(mixed_store)
        assert v2 != v1
        assert {g: n for g, n in served_quads(endpoint).items() if g in v2} == v2
        time.sleep(RemoteStore.STATUS_SECONDS + 0.2)  # the server re-reads the status graph
        assert "pushing_since" not in app.test_client().get("/healthz").get_json()


def test_an_unreachable_store_is_exit_3_without_the_password(built_store, runner):
    port = free_port()
    result = runner.invoke(main, ["--store", str(built_store), "push", "--query-endpoint", f"http://{HOST}:{port}/query",
                                  "--update-endpoint", f"http://{HOST}:{port}/update", "--user", "ann",
                                  "--password", "hunter2-secret"])
    assert result.exit_code == 3
    assert f"cannot reach the store at http://{HOST}:{port}/query" in result.output
    assert "hunter2-secret" not in result.output and "Traceback" not in result.output


def test_a_store_that_does_not_answer_is_exit_3(built_store, runner):
    with socket.socket() as silent:  # accepts connections and never answers
        silent.bind((HOST, 0))
        silent.listen(8)
        url = f"http://{HOST}:{silent.getsockname()[1]}"
        result = runner.invoke(main, ["--store", str(built_store), "push", "--query-endpoint", url + "/query",
                                      "--update-endpoint", url + "/update", "--timeout", "1", "--token", "tok-secret"])
    assert result.exit_code == 3
    assert "did not answer this query within 1 s" in result.output and "tok-secret" not in result.output


def test_a_cut_short_answer_of_the_oxigraph_server_is_a_timeout(tmp_path, built_store):
    """The Oxigraph server ends a query past its --timeout-s with status 200 and a truncated body."""
    with oxigraph(tmp_path / "db", "--timeout-s", "1") as server:
        push(built_store, Endpoint(f"{server.url}/query", f"{server.url}/update"), BASE)
        app = create_app({"backend": f"{server.url}/query", "base_iri": BASE, "store": "/x", "query_timeout": 30})
        answer = app.test_client().get("/sparql", query_string={
            "query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"},
            headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 504 or answer.status_code == 503, answer.data[:300]
    assert b"cut short" in answer.data


def test_serve_backend_is_a_real_server(remote, built_store):
    port = free_port()
    command = rolegraph_serve("/nonexistent", port, "--backend", f"{remote.url}/query")
    with start([*command[:5], "--base-iri", BASE, *command[5:]], f"http://{HOST}:{port}") as server:
        import urllib.request
        with urllib.request.urlopen(f"{server.url}/api/queries/counts") as response:
            rows = json.load(response)["rows"]
        assert rows and all(row["count"] > 0 for row in rows)
        request = urllib.request.Request(f"{server.url}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
                                         headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request) as response:
            assert json.load(response)["boolean"] is True


def test_nothing_pushed_is_a_clear_store_error(tmp_path):
    with oxigraph(tmp_path / "db") as server:
        with pytest.raises(StoreError, match="nothing was pushed"):
            create_app({"backend": f"{server.url}/query", "base_iri": BASE, "store": "/x"}).extensions[
                "rolegraph.store"].open()


def _served_counts(endpoint) -> dict[str, int]:
    rows = endpoint.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {r["g"]: int(r["n"]) for r in rows}


def _local_counts(store) -> dict[str, int]:
    snapshot = open_store(store).open()
    return {g.value: sum(1 for _ in snapshot.quads_for_pattern(None, None, None, g)) for g in snapshot.named_graphs()}


def test_a_graph_bigger_than_batch_bytes_is_staged_in_pieces(tmp_path, mixed_store):
    """A PUT then POSTs of at most 2,000 bytes (hundreds of requests): the store holds every triple,
    where a second PUT in place of a POST would have kept only the last piece."""
    with oxigraph(tmp_path / "db") as server:
        endpoint = Endpoint(f"{server.url}/query", f"{server.url}/update", f"{server.url}/store")
        graph = max(_local_counts(mixed_store).items(), key=lambda item: item[1])[0]
        body = open_store(mixed_store).open().dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        assert len(body) > 100 * 2000
        result = push(mixed_store, endpoint, BASE, batch_bytes=2000)
        assert result.mismatches == {} and len(result.sent) == len(result.graphs)
        served = _served_counts(endpoint)
        assert {p.graph: served.get(p.graph, 0) for p in result.graphs} == _local_counts(mixed_store)


def test_a_rerun_reuses_the_graphs_staged_whole(tmp_path, mixed_store):
    """The first push stops after its first graph; the rerun does not send that graph again (its
    staged record's checksum and count match), stages the other and publishes the build whole."""
    with oxigraph(tmp_path / "db") as server:
        endpoint = Endpoint(f"{server.url}/query", f"{server.url}/update", f"{server.url}/store")
        first: list[str] = []

        def stopped(graph, index, total):
            first.append(graph.graph)
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            push(mixed_store, endpoint, BASE, progress=stopped)
        assert list(read_staged(endpoint, BASE)) == first
        seen: list[tuple[str, bool]] = []
        result = push(mixed_store, endpoint, BASE, progress=lambda g, i, n: seen.append((g.graph, g.reused)))
        assert seen[0] == (first[0], True) and len(seen) > 1 and not any(reused for _, reused in seen[1:])
        assert result.mismatches == {} and read_staged(endpoint, BASE) == {}
        served = _served_counts(endpoint)
        assert {p.graph: served.get(p.graph, 0) for p in result.graphs} == _local_counts(mixed_store)


def test_a_staged_record_whose_graph_changed_is_staged_again(tmp_path, built_store, mixed_store):
    """A record of another build's graph (another checksum) is not reused: that graph is staged again."""
    with oxigraph(tmp_path / "db") as server:
        endpoint = Endpoint(f"{server.url}/query", f"{server.url}/update")

        def stopped(graph, index, total):
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            push(built_store, endpoint, BASE, progress=stopped)
        assert len(read_staged(endpoint, BASE)) == 1
        result = push(mixed_store, endpoint, BASE)
        assert not any(g.reused for g in result.graphs) and result.mismatches == {}


def test_a_push_killed_with_sigkill_leaves_one_whole_version(tmp_path, built_store, mixed_store):
    """``rolegraph push`` as its own process, killed with SIGKILL while it stages v2 in 1 kB pieces: the
    store still serves v1, every graph of it whole; a rerun publishes v2, whole."""
    import os
    import signal
    import subprocess

    with oxigraph(tmp_path / "db") as server:
        endpoint = Endpoint(f"{server.url}/query", f"{server.url}/update", f"{server.url}/store")
        push(built_store, endpoint, BASE)
        v1 = _local_counts(built_store)
        command = [sys.executable, "-m", "rolegraph", "--store", str(mixed_store), "--base-iri", BASE, "push",
                   *endpoints(server), "--graph-store", f"{server.url}/store", "--batch-bytes", "1000"]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        staging = f"{status_graph(BASE)}/staging/"
        deadline = time.monotonic() + 60
        try:
            while not any(g.startswith(staging) for g in _served_counts(endpoint)):
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "the push staged nothing within 60 s"
                time.sleep(0.02)
        finally:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        assert process.returncode == -signal.SIGKILL  # killed, not finished
        status = read_status(endpoint, BASE)
        assert status["pushing"] and status["version"] == open_store(built_store).open().generation
        served = _served_counts(endpoint)
        assert {g: served.get(g, 0) for g in v1} == v1
        app = create_app({"backend": f"{server.url}/query", "base_iri": BASE, "store": "/x"})
        export = ox.parse(app.test_client().get("/export.nq").data, format=ox.RdfFormat.N_QUADS)
        assert len(list(export)) == sum(v1.values())
        rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        v2 = _local_counts(mixed_store)
        served = _served_counts(endpoint)
        assert {g: served.get(g, 0) for g in v2} == v2 and v2 != v1
        assert not read_status(endpoint, BASE)["pushing"]
        assert not any(g.startswith(staging) for g in served)  # every staging graph moved into place


VIRTUOSO_DEADLOCK = ('<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html>\n  <head>\n    <title>SPARQL Graph '
                     'Protocol request failed</title>\n  </head>\n  <body>\n    <h1>HTTP/1.1 500 Request Failed</h1>\n'
                     '    <h3>Error 40001</h3>\n<xmp>SR172: Transaction deadlocked</xmp></body></html>')


def test_a_refusal_is_one_line_and_keeps_iris():
    assert refusal(VIRTUOSO_DEADLOCK) == "HTTP/1.1 500 Request Failed Error 40001 SR172: Transaction deadlocked"
    assert refusal("Virtuoso 37000 Error\n\nSPARQL query:\nMOVE <urn:a> TO <urn:b>") == \
        "Virtuoso 37000 Error SPARQL query: MOVE <urn:a> TO <urn:b>"
    assert len(refusal("x " * 1000)) == 300


def test_a_deadlocked_staging_write_is_sent_again(monkeypatch):
    from rolegraph.loader import push as pushing

    monkeypatch.setattr(pushing, "BACKOFF", 0.0)
    calls = []

    def deadlocking(times: int, reason: str = "deadlock"):
        def write():
            calls.append(reason)
            if len(calls) <= times:
                raise StoreError("the store refused this PUT: SR172: Transaction deadlocked", reason=reason)
        return write

    pushing._retrying(deadlocking(2))
    assert len(calls) == 3
    calls.clear()
    with pytest.raises(StoreError, match=f"sent {pushing.ATTEMPTS} times"):
        pushing._retrying(deadlocking(99))
    assert len(calls) == pushing.ATTEMPTS
    calls.clear()
    with pytest.raises(StoreError):
        pushing._retrying(deadlocking(1, reason="refused"))  # any other refusal: sent once
    assert calls == ["refused"]

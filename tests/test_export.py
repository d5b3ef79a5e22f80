"""Exports: the same streamed implementation over HTTP and from the CLI, every format holding the
store's triples, JSON-LD round-tripping through a JSON-LD processor to the store's graph."""
import json

import pyoxigraph as ox
import pytest
import rdflib
from pyld import jsonld as pyld
from rdflib.compare import isomorphic

from conftest import BASE
from rolegraph.core import jsonld
from rolegraph.cli import main
from rolegraph.core.store import open_read_only

FICHES = BASE + "graph/fiches"


def store_quads(store_path, graph=None):
    store = open_read_only(store_path)
    return list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph) if graph else None))


def store_graph(store_path, graph=None) -> rdflib.Graph:
    data = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in store_quads(store_path, graph)],
                        format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data, format="nt")


@pytest.mark.parametrize("fmt,parser", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_triple_exports_hold_every_triple_of_the_store(client, built_store, fmt, parser):
    response = client.get(f"/export.{fmt}")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Disposition"] == f'attachment; filename="rolegraph.{fmt}"'
    graph = rdflib.Graph().parse(data=response.get_data(), format=parser)
    assert len(graph) == len(store_quads(built_store)) == 4370


@pytest.mark.parametrize("fmt,parser", [("nq", "nquads"), ("trig", "trig")])
def test_quad_exports_keep_the_named_graphs(client, built_store, fmt, parser):
    dataset = rdflib.Dataset().parse(data=client.get(f"/export.{fmt}").get_data(), format=parser)
    sizes = {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}
    store = open_read_only(built_store)
    assert sizes == {g.value: len(store_quads(built_store, g.value)) for g in store.named_graphs()}
    assert sizes[FICHES] == 3253


def test_the_graph_parameter_exports_one_graph(client, built_store):
    response = client.get("/export.nt", query_string={"graph": FICHES})
    lines = [line for line in response.get_data(as_text=True).splitlines() if line.strip()]
    assert len(lines) == len(store_quads(built_store, FICHES))
    missing = client.get("/export.nt", query_string={"graph": BASE + "graph/none"})
    assert missing.status_code == 404 and missing.json["error"]["details"]["graph"] == BASE + "graph/none"
    unknown = client.get("/export.xml")
    assert unknown.status_code == 400 and unknown.json["error"]["code"] == "usage"


def test_json_ld_round_trips_through_a_json_ld_processor_to_the_stores_graph(client, built_store):
    document = json.loads(client.get("/export.jsonld").get_data())
    assert document["@context"] == jsonld.context()
    assert any(node.get("@type") == ["rg:Role"] for node in document["@graph"])
    nquads = pyld.to_rdf(document, {"format": "application/n-quads"})
    assert isomorphic(rdflib.Graph().parse(data=nquads, format="nt"), store_graph(built_store))


def test_the_cli_writes_the_same_bytes_as_the_server(client, built_store, runner, tmp_path):
    for fmt in ("ttl", "jsonld", "nq", "trig", "nt"):
        target = tmp_path / f"out.{fmt}"
        result = runner.invoke(main, ["--store", str(built_store), "export", "--format", fmt, "-o", str(target)])
        assert result.exit_code == 0, result.output
        assert target.read_bytes() == client.get(f"/export.{fmt}").get_data()
    one = runner.invoke(main, ["--store", str(built_store), "export", "--format", "nt", "--graph", FICHES])
    assert one.exit_code == 0 and len(one.stdout_bytes.splitlines()) == 3253


def test_turtle_batches_do_not_repeat_the_prefixes(client):
    text = client.get("/export.ttl").get_data(as_text=True)
    assert text.count("@prefix rg:") == 1 and text.startswith("@prefix ")


def test_the_published_context_is_made_from_the_prefix_map(client):
    from rolegraph.core.vocabulary import PREFIXES

    response = client.get("/context.jsonld")
    assert response.mimetype == "application/ld+json"
    context = response.json["@context"]
    assert {k: v for k, v in context.items() if not k.startswith("@")} == PREFIXES
    expanded = pyld.expand({"@context": context, "@id": "rg:x", "skos:prefLabel": "y"})
    assert expanded[0]["http://www.w3.org/2004/02/skos/core#prefLabel"] == [{"@value": "y"}]
    assert expanded[0]["@id"] == "https://w3id.org/rolegraph/ontology#x"

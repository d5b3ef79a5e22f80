"""The VoID/DCAT description at /.well-known/void: its numbers are the store's, its sources and the
taxonomies' attribution come from the store."""
import json

import rdflib
from rdflib.namespace import DCTERMS, RDF, VOID

import rolegraph
from rolegraph import queries
from conftest import BASE
from rolegraph.core.vocabulary import RG, sparql_prologue
from rolegraph.core.store import open_read_only
from rolegraph.server import create_app

ESCO_GRAPH = rdflib.URIRef(BASE + "graph/esco-en")


def count(store_path, text):
    store = open_read_only(store_path)
    return int(next(iter(store.query(sparql_prologue() + text, use_default_graph_as_union=True)))[0].value)


def void_graph(client, accept="text/turtle", fmt="turtle") -> rdflib.Graph:
    response = client.get("/.well-known/void", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    return rdflib.Graph().parse(data=response.data, format=fmt)


def dataset(graph):
    (node,) = [s for s in graph.subjects(RDF.type, VOID.Dataset) if str(s).endswith("/.well-known/void")]
    return node


def test_void_counts_equal_count_queries_on_the_store(client, built_store):
    graph = void_graph(client)
    root = dataset(graph)
    assert int(graph.value(root, VOID.triples)) == count(built_store, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    partitions = {graph.value(p, VOID["class"]): int(graph.value(p, VOID.entities))
                  for p in graph.objects(root, VOID.classPartition)}
    assert partitions[RG.Role] == count(built_store, "SELECT (COUNT(DISTINCT ?r) AS ?n) { ?r a rg:Role }") == 13
    assert partitions[RG.Evidence] == 115 and len(partitions) == 12
    subsets = {s: int(graph.value(s, VOID.triples)) for s in graph.objects(root, VOID.subset)}
    assert subsets[rdflib.URIRef(BASE + "graph/fiches")] == count(
        built_store, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{BASE}graph/fiches> {{ ?s ?p ?o }} }}")


def test_void_names_version_build_date_sources_licence_and_dumps(client):
    graph = void_graph(client)
    root = dataset(graph)
    assert str(graph.value(root, DCTERMS.hasVersion)) == rolegraph.__version__
    assert graph.value(root, DCTERMS.modified).datatype == rdflib.XSD.dateTime
    assert str(graph.value(root, DCTERMS.license)) == "https://creativecommons.org/licenses/by/4.0/"
    sources = set(graph.objects(root, DCTERMS.source))
    assert len([s for s in sources if str(s).startswith(BASE + "document/")]) == 6
    dumps = {str(d).rsplit("/", 1)[1] for d in graph.objects(root, VOID.dataDump)}
    assert dumps == {"export.ttl", "export.nt", "export.jsonld", "export.nq", "export.trig"}


def test_void_in_json_ld(client):
    body = json.loads(client.get("/.well-known/void", headers={"Accept": "application/ld+json"}).data)
    graph = rdflib.Graph().parse(data=json.dumps(body), format="json-ld")
    assert int(graph.value(dataset(graph), VOID.triples)) == 4370


def test_the_datasets_query_and_void_carry_the_esco_attribution_and_version(linked_store):
    solutions = open_read_only(linked_store).query(queries.get("datasets").text, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    (esco,) = [{n: s[n].value for n in names if s[n] is not None} for s in solutions]
    assert esco["graph"] == str(ESCO_GRAPH) and esco["version"] == "1.2.0" and esco["publisherName"] == "European Commission"
    client = create_app({"store": str(linked_store), "base_iri": BASE}).test_client()
    graph = void_graph(client)
    assert ESCO_GRAPH in set(graph.objects(dataset(graph), DCTERMS.source))
    assert str(graph.value(ESCO_GRAPH, DCTERMS.hasVersion)) == "1.2.0"
    assert "ESCO classification of the European Commission" in str(graph.value(ESCO_GRAPH, DCTERMS.rights))
    home = client.get("/").get_data(as_text=True)
    assert "This service uses the ESCO classification of the European Commission." in home


def test_the_summary_is_stored_with_each_generation_and_counted_only_without_one(tmp_path, monkeypatch):
    """A build stores the counts with the generation it publishes: the home page and the description
    run no counting query and tell the true sizes. A generation published without them (a bare change)
    is counted once, for every request after it."""
    from rolegraph.core.store import publishing
    from rolegraph.loader.build import build
    from rolegraph.queries.summary import gather, stored
    from rolegraph.core.store import open_store
    from conftest import SAMPLES
    from rolegraph.server import void

    store = tmp_path / "store"
    build([SAMPLES / "data-engineer.html"], store, BASE)
    assert stored(open_store(store).open()) == gather(open_store(store).open())
    app = create_app({"store": str(store), "base_iri": BASE, "testing": True, "result_cache_mb": 0})
    counted = []
    rows = void._rows
    monkeypatch.setattr(void, "_rows", lambda name: counted.append(name) or rows(name))
    client = app.test_client()
    first = int(void_graph(client).value(dataset(void_graph(client)), VOID.triples))
    assert client.get("/").status_code == 200
    assert counted == []  # read from the generation
    assert first == count(store, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    build([SAMPLES], store, BASE)
    second = void_graph(client)
    assert counted == [] and int(second.value(dataset(second), VOID.triples)) == count(
        store, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }") > first
    with publishing(store) as writable:
        writable.update('INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/s> '
                        '<https://example.org/p> "o" } }')
    third = void_graph(client)
    assert client.get("/").status_code == 200
    assert counted == ["counts", "graphs", "datasets", "documents", "roles"]  # once for both requests
    assert int(third.value(dataset(third), VOID.triples)) == int(second.value(dataset(second), VOID.triples)) + 1

"""Writing named graphs in batches: what ``clear_graph``, ``load_ntriples`` and ``extend_in_batches`` leave in
the store is what one transaction or one bulk load would have left, whatever the batch size."""
import io

import pyoxigraph as ox
import pytest

from rolegraph.loader import publish

EX = "https://example.org/"
TARGET, OTHER = ox.NamedNode(f"{EX}target"), ox.NamedNode(f"{EX}other")


def _lines(count: int, graph: str) -> bytes:
    # Literals with an escaped newline and quotes: a batch boundary never falls inside a triple.
    return "".join(f'<{EX}{graph}/s{i}> <{EX}label> "line {i}\\nwith \\"quotes\\""@en .\n'
                   for i in range(count)).encode("utf-8")


def _triples(store: ox.Store, graph: ox.NamedNode) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)}


@pytest.mark.parametrize("batch", [1, 7, 100, 1000])
def test_loading_in_batches_gives_the_graph_one_bulk_load_gives(monkeypatch, batch):
    data = _lines(250, "t")
    whole = ox.Store()
    whole.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=TARGET)
    monkeypatch.setattr(publish, "LOAD_BATCH", batch)
    batched = ox.Store()
    publish.load_ntriples(batched, io.BytesIO(data), TARGET)
    assert len(_triples(batched, TARGET)) == 250
    assert _triples(batched, TARGET) == _triples(whole, TARGET)


def test_loading_an_empty_file_writes_nothing():
    store = ox.Store()
    publish.load_ntriples(store, io.BytesIO(b""), TARGET)
    assert len(store) == 0


@pytest.mark.parametrize("batch", [1, 7, 1000])
def test_clearing_in_batches_removes_the_graph_and_only_it(monkeypatch, batch):
    store = ox.Store()
    store.bulk_load(_lines(60, "t"), format=ox.RdfFormat.N_TRIPLES, to_graph=TARGET)
    store.bulk_load(_lines(20, "o"), format=ox.RdfFormat.N_TRIPLES, to_graph=OTHER)
    monkeypatch.setattr(publish, "CLEAR_BATCH", batch)
    publish.clear_graph(store, TARGET)
    assert not store.contains_named_graph(TARGET)
    assert _triples(store, TARGET) == set()
    assert len(_triples(store, OTHER)) == 20
    publish.clear_graph(store, TARGET)  # a graph that is not there: nothing to do, no error
    assert len(store) == 20


def test_extending_in_batches_adds_every_quad(monkeypatch):
    monkeypatch.setattr(publish, "LOAD_BATCH", 3)
    quads = (ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(str(i)), TARGET) for i in range(10))
    store = ox.Store()
    publish.extend_in_batches(store, quads)
    assert len(_triples(store, TARGET)) == 10


def _graph(*labels: str):
    from rdflib import Graph, Literal, URIRef

    graph = Graph()
    for label in labels:
        graph.add((URIRef(f"{EX}thing"), URIRef(f"{EX}label"), Literal(label)))
    return graph


def test_a_graph_of_known_source_is_made_only_when_its_digest_is_not_the_published_one(tmp_path):
    """A change of the documents leaves the ontology as it is without parsing it: ``Sourced`` is read
    only when the generation holds no graph published with its digest."""
    iri, made = f"{EX}ontology", []

    def source(digest: str, label: str):
        return publish.Sourced(digest, lambda: made.append(label) or _graph(label))

    def labels() -> set[str]:
        snapshot = ox.Store.read_only(str(tmp_path / "current"))
        return {q.object.value for q in snapshot.quads_for_pattern(None, None, None, ox.NamedNode(iri))}

    publish.publish(tmp_path, {iri: source("one", "first")}, optimize=False)
    publish.publish_change(tmp_path, f"{EX}fiches", set(), set(), {iri: source("one", "changed")})
    assert made == ["first"] and labels() == {"first"}  # same digest: not made again, not replaced
    publish.publish_change(tmp_path, f"{EX}fiches", set(), set(), {iri: source("two", "second")})
    assert made == ["first", "second"] and labels() == {"second"}
    publish.publish(tmp_path, {iri: _graph("plain")}, optimize=False)  # of no known source: its digest forgotten
    publish.publish_change(tmp_path, f"{EX}fiches", set(), set(), {iri: source("two", "again")})
    assert made == ["first", "second", "again"] and labels() == {"again"}

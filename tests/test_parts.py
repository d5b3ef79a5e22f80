"""A full build at scale: documents made into parts by worker processes and cached by content, the graph
streamed into the store (``graph.stream``) and a set mostly published already published as a delta; each
gives the graph that ``consolidate`` makes of the same parts."""
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from conftest import BASE, CORPUS, SAMPLES
from rolegraph.core.naming import FICHES_GRAPH, graph_iri
from rolegraph.core.store import open_read_only
from rolegraph.loader import parts as parts_module
from rolegraph.loader.build import build
from rolegraph.loader.catalogue import part_content
from rolegraph.loader.documents import read_document
from rolegraph.loader.extract import extract
from rolegraph.loader.graph import consolidate, document_part
from rolegraph.loader.graph.stream import stream
from rolegraph.loader.lexicon import load_lexicon

POOL = sorted([*CORPUS.iterdir(), *SAMPLES.iterdir()])


def fiches(store: Path) -> rdflib.Graph:
    quads = open_read_only(store).quads_for_pattern(None, None, None, ox.NamedNode(str(graph_iri(BASE, FICHES_GRAPH))))
    data = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data, format="nt")


def reference(paths) -> rdflib.Graph:
    """The graph ``consolidate`` makes of the documents at ``paths``, as the store holds it."""
    lexicon = load_lexicon()
    built = consolidate([document_part(extract(read_document(p), lexicon), BASE, lexicon) for p in paths], BASE)
    store = ox.Store()
    store.load(built.graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()),
                                format="nt")


def test_the_streamed_graph_is_the_consolidated_graph(tmp_path):
    lexicon = load_lexicon()
    made = [document_part(extract(read_document(p), lexicon), BASE, lexicon) for p in POOL]
    out = tmp_path / "graph.nt"
    with open(out, "wb") as handle:
        streamed = stream([(str(i), p.checksum, part_content(p)) for i, p in enumerate(made)], BASE, handle)
    graph = rdflib.Graph().parse(out, format="nt")
    built = consolidate(made, BASE)
    assert set(graph) == set(built.graph) and streamed.facts == built.claims
    assert streamed.locations and all(built.locations[k] == v for k, v in streamed.locations.items())


def test_a_build_in_worker_processes_gives_the_graph_of_one_process_and_names_a_broken_file(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in POOL:
        shutil.copy(path, docs / path.name)
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    parallel = build([docs], tmp_path / "parallel", BASE, workers=2)
    assert len(POOL) >= parts_module.MIN_PARALLEL
    assert [f.details.get("file") for f in parallel.failures] == [str(docs / "broken.pdf")]
    assert parallel.documents == len(POOL) and parallel.report.conforms
    alone = build([docs], tmp_path / "alone", BASE, workers=1)
    assert isomorphic(fiches(tmp_path / "parallel"), fiches(tmp_path / "alone"))
    assert isomorphic(fiches(tmp_path / "parallel"), reference(POOL))
    assert parallel.facts == alone.facts > 0 and parallel.entities == alone.entities
    # each worker's own peak memory is reported (the build's process cannot read it), none without workers
    assert 1 <= len(parallel.worker_memory) <= 2 and os.getpid() not in parallel.worker_memory
    assert all(peak > 20 for peak in parallel.worker_memory.values()) and alone.worker_memory == {}
    assert parallel.summary()["worker_peak_rss_mb"] == round(max(parallel.worker_memory.values()), 1)


def test_a_document_made_before_is_read_from_the_cache_and_a_new_lexicon_makes_it_again(tmp_path, monkeypatch):
    store = tmp_path / "store"
    first = build([SAMPLES], store, BASE)
    cached = list((store / "cache" / "parts").rglob("*.gz"))
    assert len(cached) == 3

    def not_again(*args, **kwargs):
        raise AssertionError("a cached document was read again")

    monkeypatch.setattr(parts_module, "read_document", not_again)
    other = tmp_path / "other"
    shutil.copytree(store / "cache", other / "cache")  # a new store with the same cache: the whole graph again
    again = build([SAMPLES], other, BASE)
    assert "load" in again.stages
    assert again.facts == first.facts and isomorphic(fiches(other), fiches(store))
    assert again.report.warnings == first.report.warnings
    monkeypatch.undo()
    monkeypatch.setattr(parts_module, "_code_digest", lambda: "another version of the code")
    made = []
    real = parts_module.make
    monkeypatch.setattr(parts_module, "make", lambda *a, **k: made.append(a[0]) or real(*a, **k))
    build([SAMPLES], other, BASE)
    assert len(made) == 3
    assert len(list((other / "cache" / "parts").iterdir())) == 1  # the old fingerprint's records are gone


def test_a_build_of_a_set_mostly_published_gives_the_graph_of_a_fresh_build(tmp_path):
    store = tmp_path / "store"
    build([CORPUS, SAMPLES], store, BASE)
    kept = [p for p in POOL if p.name != "testeur-logiciel.md"]
    again = build(kept, store, BASE)
    assert "graph" in again.stages and "load" not in again.stages  # published as a delta
    assert again.documents == len(kept) and again.replaced_set
    fresh_report = build(kept, tmp_path / "fresh", BASE).report
    own = {f for f in fresh_report.warnings if "/evidence/" in f.focus or "/salary/" in f.focus or "/document/" in f.focus}
    assert own and own <= set(again.report.warnings)  # the kept documents' own warnings are reported again
    assert isomorphic(fiches(store), reference(kept))
    assert isomorphic(fiches(store), fiches(tmp_path / "fresh"))


def test_a_broken_part_fails_the_build_and_publishes_nothing(tmp_path, monkeypatch):
    store = tmp_path / "store"
    build([CORPUS], store, BASE)
    before = fiches(store)
    real = parts_module.document_part

    def broken(*args, **kwargs):
        part = real(*args, **kwargs)
        part.own = {(s, p, rdflib.Literal("") if str(p).endswith("#quote") else o) for s, p, o in part.own}
        return part

    monkeypatch.setattr(parts_module, "document_part", broken)
    from rolegraph.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        build([SAMPLES], store, BASE, workers=1)
    assert {f.shape for f in caught.value.report.violations} == {"rgsh:Evidence-quote"}
    assert all(f.where for f in caught.value.report.violations)
    assert isomorphic(fiches(store), before)


def test_a_part_is_the_same_whatever_parts_were_made_before_it_in_the_process():
    """Entities are described once a process and their JSON written once: a document's part made after
    every other has the very bytes it has when made first, in a process that made none."""
    from rolegraph.loader import catalogue
    from rolegraph.loader import graph as graph_module

    lexicon = load_lexicon()
    documents = [read_document(p) for p in POOL[:6]]

    def content(document) -> bytes:
        return part_content(document_part(extract(document, lexicon), BASE, lexicon))

    after_others = [content(d) for d in documents]
    for document, expected in zip(documents, after_others):
        graph_module._DESCRIBED.clear()
        catalogue._WRITTEN.clear()
        assert content(document) == expected
    shared = [set(document_part(extract(d, lexicon), BASE, lexicon).entities) for d in documents]
    assert set.intersection(*shared[:2]) or set.intersection(*shared[2:4])  # some entities do recur

"""The delta of a change of the document set: applied to the graph of the parts before it, it gives the
graph that ``consolidate`` makes of the parts after it, for any sequence of adds and removes."""
import hashlib

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from rdflib import Literal
from rdflib.namespace import RDFS

from conftest import BASE, CORPUS, SAMPLES
from rolegraph.core.naming import Minter
from rolegraph.core.vocabulary import RG
from rolegraph.loader.catalogue import part_key
from rolegraph.loader.documents import read_document
from rolegraph.loader.extract import extract
from rolegraph.loader.graph import Part, consolidate, document_part
from rolegraph.loader.graph.delta import Index, build_index, delta
from rolegraph.loader.lexicon import load_lexicon

POOL = sorted([*CORPUS.iterdir(), *SAMPLES.iterdir()])


def _tagged(part: Part) -> Part:
    """``part`` with each triple subject of its descriptions also labelled with its checksum: documents
    read with other lexicons describe an entity differently, so which one describes it matters."""
    tag = Literal(part.checksum[:12])
    entities = {node: triples | {(s, RDFS.comment, tag) for s, _, _ in triples} for node, triples in part.entities.items()}
    return Part(part.checksum, part.own, entities, part.claims, part.locations)


@pytest.fixture(scope="module")
def parts() -> dict[str, Part]:
    lexicon = load_lexicon()
    found = {}
    for path in POOL:
        part = _tagged(document_part(extract(read_document(path), lexicon), BASE, lexicon))
        found[part_key(part)] = part
    return found


def _support(graph: set):
    """Each fact's support count in ``graph``, read from its claim as the store is read."""
    counts = {s: int(o) for s, p, o in graph if p == RG.supportCount}
    mint = Minter(BASE)
    return lambda facts: {f: counts[mint.claim(*f)] for f in facts if mint.claim(*f) in counts}


def _apply(graph: set, index: Index, kept: dict, parts: dict, remove: list[str], add: list[str]) -> None:
    removed = {k: parts[k] for k in remove}
    added = {k: parts[k] for k in add}
    change = delta(index, removed, added, lambda key: kept[key], _support(graph), BASE)
    assert change.removed <= graph and not change.added & graph  # a delta of the graph as it is
    graph -= change.removed
    graph |= change.added
    for key in remove:
        del kept[key]
    kept.update(added)


STEPS = st.lists(st.tuples(st.booleans(), st.integers(0, len(POOL) - 1)), min_size=1, max_size=12)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          derandomize=True)
@given(steps=STEPS)
def test_any_sequence_of_deltas_gives_the_consolidated_graph_of_the_final_set(parts, steps):
    keys = sorted(parts, key=lambda k: parts[k].checksum)
    graph, index, kept = set(), build_index({}), {}
    for adding, number in steps:
        key = keys[number]
        if adding and key not in kept:
            _apply(graph, index, kept, parts, [], [key])
        elif not adding and key in kept:
            _apply(graph, index, kept, parts, [key], [])
    assert graph == set(consolidate(list(kept.values()), BASE).graph)
    assert index.entities == build_index(kept).entities


def test_a_document_replaced_by_its_new_version_in_one_change(parts):
    keys = sorted(parts, key=lambda k: parts[k].checksum)
    graph, index, kept = set(), build_index({}), {}
    _apply(graph, index, kept, parts, [], keys[:4])
    _apply(graph, index, kept, parts, [keys[0]], [keys[5]])
    assert graph == set(consolidate([parts[k] for k in keys[1:4] + [keys[5]]], BASE).graph)
    _apply(graph, index, kept, parts, keys[1:4] + [keys[5]], [])
    assert graph == set() and index.entities == {}


def test_an_entity_described_by_another_document_takes_its_description_when_the_first_leaves(parts):
    keys = sorted(parts, key=lambda k: parts[k].checksum)
    shared = next((a, b) for a in keys for b in keys if a < b and set(parts[a].entities) & set(parts[b].entities))
    first, second = sorted(shared, key=lambda k: parts[k].checksum)
    entity = sorted(set(parts[first].entities) & set(parts[second].entities))[0]
    graph, index, kept = set(), build_index({}), {}
    _apply(graph, index, kept, parts, [], [second, first])
    owned = lambda key: (entity, RDFS.comment, Literal(parts[key].checksum[:12]))
    assert owned(first) in graph and owned(second) not in graph
    _apply(graph, index, kept, parts, [first], [])
    assert owned(second) in graph and owned(first) not in graph


def test_the_index_reads_back_as_it_was_written(parts):
    index = build_index(parts)
    again = Index.decode(index.encode())
    assert again == index
    entity = next(iter(index.entities))
    assert again.owner(entity) == min(index.entities[entity], key=lambda k: parts[k].checksum)
    assert Index.decode(Index().encode()) == Index()


def test_an_index_of_another_layout_is_not_read():
    import gzip
    import json

    assert Index.decode(gzip.compress(json.dumps({"layout": 99}).encode())) is None


def test_a_certification_issuer_stays_while_another_description_states_it(parts):
    """The issuer of a certification is described with the certification: it leaves the graph only when
    no description that states it is left."""
    issued = [(k, n) for k, p in parts.items() for n, triples in p.entities.items()
              if any(t[0] != n for t in triples)]
    if len({k for k, _ in issued}) < 2:
        pytest.skip("the fixtures name no issuer in two documents")
    keys = sorted({k for k, _ in issued}, key=lambda k: parts[k].checksum)[:2]
    graph, index, kept = set(), build_index({}), {}
    _apply(graph, index, kept, parts, [], keys)
    _apply(graph, index, kept, parts, [keys[0]], [])
    assert graph == set(consolidate([parts[keys[1]]], BASE).graph)


def test_publishing_a_change_leaves_the_ontology_graph_unwritten_when_it_holds_the_same_triples():
    """An add or remove replaces the small graphs it publishes (the ontology) only when they changed."""
    import pyoxigraph as ox

    from rolegraph.core.naming import ONTOLOGY_GRAPH, graph_iri
    from rolegraph.core.tbox import tbox
    from rolegraph.loader.publish import _load

    class Recording:
        def __init__(self, store):
            self.store, self.calls = store, []

        def __getattr__(self, name):
            if name in ("remove_graph", "bulk_load"):
                self.calls.append(name)
            return getattr(self.store, name)

    iri = graph_iri(BASE, ONTOLOGY_GRAPH)
    store = Recording(ox.Store())
    _load(store, iri, tbox(), unless_same=True)
    assert store.calls == ["bulk_load"]
    _load(store, iri, tbox(), unless_same=True)
    assert store.calls == ["bulk_load"]  # the same triples: nothing written
    from rdflib import Graph

    changed = Graph()
    changed += tbox()
    changed.add((RG.Role, RDFS.comment, Literal("another comment")))
    _load(store, iri, changed, unless_same=True)
    assert store.calls == ["bulk_load", "remove_graph", "bulk_load"]
    assert len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(str(iri))))) == len(changed)

"""Naming: every minted IRI under the base; slugs of labels as IRI segments."""
import pytest

from rolegraph.core.naming import DEFAULT_BASE, Minter, graph_iri, slug


@pytest.mark.parametrize("label, segment", [
    ("Savoir-être professionnel", "savoir-etre-professionnel"),
    ("  Travail en équipe !", "travail-en-equipe"),
    ("cœur de métier", "cur-de-metier"),  # unlike fold, what has no ASCII form is dropped
    ("ﬁchiers", "fichiers"),
    ("!!!", "x"),
])
def test_a_slug_is_an_ascii_iri_segment(label, segment):
    assert slug(label) == segment


def test_minted_iris_are_stable_and_under_the_base():
    mint = Minter("https://example.org/kg")
    assert str(mint.entity("tool", "postgresql")) == "https://example.org/kg/tool/postgresql"
    assert mint.claim("a", "b", "c") == mint.claim("a", "b", "c") != mint.claim("a", "b", "d")
    assert str(graph_iri(DEFAULT_BASE, "fiches")) == DEFAULT_BASE + "graph/fiches"


def _parsed(text: str):
    from rdflib import Graph
    return Graph().parse(data=text, format="turtle")


def _skolem(graph):
    from rdflib import BNode, URIRef

    from rolegraph.core.naming import skolemise
    return set(skolemise(graph, "https://example.org/g/genid/", lambda t: isinstance(t, BNode), lambda t: t.n3(),
                         URIRef))


def test_skolem_iris_follow_the_content_not_the_parser_s_labels():
    from rdflib import BNode
    text = """@prefix : <https://example.org/> .
        :a :p [ :q 1 ; :r ( :x :y ) ] ; :p [ :q 2 ] .
        :b :p [ :q 1 ] .
        :c :p [ :q 3 ], [ :q 3 ] ."""
    first, second = _skolem(_parsed(text)), _skolem(_parsed(text))
    assert first == second  # two parses, two sets of blank labels, the same IRIs
    assert not any(isinstance(t, BNode) for triple in first for t in triple)
    assert len(first) == len(_parsed(text))  # no two blank nodes merged, even the look-alikes of :c
    names = {t for triple in first for t in triple if "/genid/" in str(t)}
    assert len(names) == 7  # five bracketed nodes and the two cells of the list
    changed = _skolem(_parsed(text.replace(":q 2", ":q 4")))
    assert len(names & {t for triple in changed for t in triple}) == len(names) - 1


def test_look_alike_parents_keep_their_look_alike_children_whatever_the_parse_order():
    text = """@prefix : <https://example.org/> .
        :a :p [ :q [ :r 1 ] ], [ :q [ :r 1 ] ] ."""
    results = {frozenset(_skolem(_parsed(text))) for _ in range(20)}
    assert len(results) == 1

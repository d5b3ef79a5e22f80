"""The TBox: closed namespace, SPARQL quality checks (which must also be able to fail), HermiT."""
import shutil

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from rolegraph.core import vocabulary
from rolegraph.core.tbox import tbox
from rolegraph.core.vocabulary import RG, RG_URI
from rolegraph.loader.quality import checks, reason, run_checks


def _copy_of_tbox() -> Graph:
    graph = Graph()
    graph += tbox()
    return graph


def test_closed_namespace_matches_the_turtle_files():
    declared = {str(s)[len(RG_URI):] for s in tbox().subjects() if str(s).startswith(RG_URI)}
    assert declared == set(dir(RG))


def test_a_typo_in_a_term_raises_instead_of_minting_an_iri():
    with pytest.raises(AttributeError):
        RG.Rol  # noqa: B018
    assert RG.Role == URIRef(RG_URI + "Role")
    assert RG["seniority-junior"] == URIRef(RG_URI + "seniority-junior")


@pytest.mark.parametrize("check", checks(), ids=lambda c: c.name)
def test_every_check_has_a_title_and_a_message(check):
    assert check.title and check.message


def test_the_ontology_passes_every_check():
    failures = run_checks()
    assert failures == [], "\n".join(str(f) for f in failures)


# Each breakage makes exactly the named check return rows: the checks are not vacuous.
BREAKAGES = {
    "labels": lambda g: g.remove((RG.Tool, RDFS.label, Literal("Outil ou technologie", lang="fr"))),
    "comments": lambda g: g.remove((RG.usesTool, RDFS.comment, None)),
    "domain-range": lambda g: g.remove((RG.issuedBy, RDFS.range, None)),
    "dangling-superclass": lambda g: g.add((RG.Tool, RDFS.subClassOf, URIRef("https://schema.org/SoftwareApplication"))),
    "dangling-superproperty": lambda g: g.add((RG.usesTool, RDFS.subPropertyOf, URIRef("https://schema.org/tool"))),
    "undeclared-terms": lambda g: g.add((RG.Tool, RDFS.seeAlso, URIRef(RG_URI + "Tol"))),
    "scheme-membership": lambda g: g.remove((RG["tool-os"], URIRef("http://www.w3.org/2004/02/skos/core#inScheme"), None)),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_each_check_catches_its_breakage(name):
    graph = _copy_of_tbox()
    BREAKAGES[name](graph)
    failed = {f.check.name for f in run_checks(graph)}
    assert failed == {name}


def test_every_check_has_a_breakage_test():
    assert {c.name for c in checks()} == set(BREAKAGES)


java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java (README prerequisites)")


@java
def test_hermit_finds_the_ontology_consistent_and_classifies_it():
    result = reason()
    assert result.consistent
    assert result.unsatisfiable == []
    diploma = result.inferred_superclasses[str(RG.Diploma)]
    assert str(RG.Qualification) in diploma and str(RG.Entity) in diploma
    assert "https://schema.org/EducationalOccupationalCredential" in diploma


@java
def test_hermit_reports_a_class_that_cannot_have_members():
    graph = _copy_of_tbox()
    both = URIRef("urn:test:SkillAndKnowledge")
    graph.add((both, RDF.type, OWL.Class))
    graph.add((both, RDFS.subClassOf, RG.Skill))
    graph.add((both, RDFS.subClassOf, RG.Knowledge))
    result = reason(graph)
    assert result.consistent
    assert result.unsatisfiable == [str(both)]


@java
def test_hermit_reports_an_inconsistent_individual():
    graph = _copy_of_tbox()
    thing = URIRef("urn:test:tool-and-role")
    graph.add((thing, RDF.type, OWL.NamedIndividual))
    graph.add((thing, RDF.type, RG.Tool))
    graph.add((thing, RDF.type, RG.Role))
    assert reason(graph).consistent is False


def test_prefix_map_is_the_one_bound_on_graphs():
    graph = vocabulary.bind_prefixes(Graph())
    bound = {p: str(n) for p, n in graph.namespaces()}
    for prefix, iri in vocabulary.PREFIXES.items():
        assert bound[prefix] == iri

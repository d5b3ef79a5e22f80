"""SHACL shapes: meta-valid, every constraint has a message, a valid fixture and an invalid one that
fires exactly that shape on exactly that path."""
import re
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from rolegraph.loader.graph import Part
from rolegraph.loader.validate import (STORE_TARGETS, focus_in_store, one_at_a_time, own_nodes, validate,
                                       validate_graph, validate_in_store)
from rolegraph.core.tbox import shapes
from rolegraph.core.vocabulary import RG, RGSH, SH, sparql_prologue

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ru"))
HEADER = re.compile(r"^# (severity|shape|constraint|path): (.*)$", re.M)


def _short(iri) -> str:
    return "rgsh:" + str(iri)[len(str(RGSH)):]


def _constraints() -> set[str]:
    """Property shapes and SPARQL constraints: the units that a failing fixture must exercise."""
    graph = shapes()
    named = set(graph.subjects(RDF.type, SH.PropertyShape)) | set(graph.subjects(RDF.type, SH.SPARQLConstraint))
    return {_short(s) for s in named}


def _base() -> Graph:
    graph = Graph()
    graph.parse(VALID[0])
    return graph


def _expectation(path: Path) -> dict:
    return dict(HEADER.findall(path.read_text(encoding="utf-8")))


def test_the_shapes_pass_shacl_shacl():
    conforms, _, text = pyshacl.validate(shapes(), meta_shacl=True)
    assert conforms, text


def test_a_closed_list_of_scheme_concepts_holds_every_concept_of_their_class():
    from rdflib.collection import Collection
    from rdflib.namespace import OWL, SKOS
    from rolegraph.core.paths import TBOX_FILES
    tbox = Graph()
    for path in TBOX_FILES:
        tbox.parse(path)
    shacl = shapes()
    checked = 0
    for shape, listed in shacl.subject_objects(SH["in"]):
        members = set(Collection(shacl, listed))
        if not all((m, SKOS.inScheme, None) in tbox for m in members):
            continue  # a list of properties or of literals, not of a scheme's concepts
        classes = {c for m in members for c in tbox.objects(m, RDF.type)} - {OWL.NamedIndividual}
        for kind in classes:
            assert members >= set(tbox.subjects(RDF.type, kind)), (shape, kind)
            checked += 1
    assert checked >= 8  # tool categories, levels, training and employer types, the salary's own lists


def test_every_constraint_has_a_message():
    graph = shapes()
    for shape in graph.subjects(RDF.type, SH.PropertyShape):
        assert graph.value(shape, SH.message) is not None, shape
    for shape in graph.subjects(RDF.type, SH.SPARQLConstraint):
        assert graph.value(shape, SH.message) is not None, shape


def test_warning_shapes_never_block():
    graph = shapes("warning")
    for shape in set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape)):
        assert graph.value(shape, SH.severity) == SH.Warning, shape


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms_without_warnings(fixture):
    graph = Graph()
    graph.parse(fixture)
    report = validate(graph)
    assert report.violations == [] and report.warnings == []


def test_the_valid_fixture_gives_every_class_targeted_shape_a_focus_node():
    data = _base()
    graph = shapes()
    for shape in graph.subjects(RDF.type, SH.NodeShape):
        classes = list(graph.objects(shape, SH.targetClass))
        if not classes:  # SPARQL-targeted rules select only breaking nodes: none in a valid graph
            assert graph.value(shape, SH.target) is not None, shape
            continue
        assert any(data.value(None, RDF.type, cls) is not None for cls in classes), shape


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_fires_exactly_its_shape(fixture):
    expected = _expectation(fixture)
    graph = _base()
    graph.update(sparql_prologue() + fixture.read_text(encoding="utf-8"))
    report = validate(graph)
    found = report.violations if expected["severity"] == "violation" else report.warnings
    assert {(f.shape, f.constraint, f.path or "-") for f in found} == {
        (expected["shape"], expected.get("constraint"), expected["path"])
    }
    if expected["severity"] == "warning":
        assert report.violations == [], "a warning fixture must not break a violation rule"
    assert all(f.message for f in found)


def test_every_constraint_has_a_failing_fixture():
    covered = set()
    for fixture in INVALID:
        expected = _expectation(fixture)
        covered.add(expected.get("constraint") or expected["shape"])
    assert _constraints() - covered == set()



def _oxigraph(graph: Graph) -> ox.Store:
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_validating_a_change_in_the_store_finds_what_a_full_validation_finds(fixture):
    """What `add` and `remove` do on the published graph: the focus nodes found in an Oxigraph store,
    the rules across nodes run there as SPARQL limited to them, the shapes by pySHACL on their
    neighbourhood. On every broken fixture it finds exactly the findings of pySHACL's full validation."""
    before = _base()
    graph = _base()
    graph.update(sparql_prologue() + fixture.read_text(encoding="utf-8"))
    store = _oxigraph(graph)
    graph = Graph().parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt")
    changed = set(graph) ^ set(before)  # the graph as the store holds it (decimals in their canonical form)
    focus = focus_in_store(changed, store, None)
    full = validate(graph)
    # Told what the change added, it reads a focus node's values of a predicate judged one value at a
    # time only where the change added them: the findings stay the same.
    for in_store in (validate_in_store(store, None, focus), validate_in_store(store, None, focus,
                                                                              added=set(graph) - set(before))):
        assert _named(in_store.violations) == _named(full.violations) and in_store.warnings == full.warnings
    assert full.violations or full.warnings


def test_the_predicates_read_one_value_at_a_time_are_those_no_count_or_rule_reads_whole():
    trimmed = one_at_a_time()
    # a claim's passages and a role's salaries: each judged by its class alone
    assert {RG.hasEvidence, RG.hasSalary} <= trimmed
    # a role's tools: the completeness rule asks whether it has any (a SPARQL constraint names it)
    assert RG.usesTool not in trimmed
    # at most one value (sh:maxCount 1), and the career relations (an alternative path)
    assert not {RG.claimSubject, RG.supportCount, RG.relatedRole} & trimmed


def test_a_change_that_adds_a_broken_value_among_many_is_found():
    """A claim with many passages; the change adds one more that is no rg:Evidence: with the passages
    read one at a time, the one added is still read, and the shape fires on it."""
    graph = _base()
    claim = next(graph.subjects(RDF.type, RG.Claim))
    evidence = next(graph.objects(claim, RG.hasEvidence))
    for number in range(30):  # more passages, as conforming as the first
        copy = URIRef(f"{evidence}-copy{number}")
        graph.add((claim, RG.hasEvidence, copy))
        for p, o in graph.predicate_objects(evidence):
            graph.add((copy, p, o))
    store = _oxigraph(graph)
    broken = (claim, RG.hasEvidence, RG.Role)  # a class, not a passage
    store.add(ox.Quad(ox.NamedNode(claim), ox.NamedNode(RG.hasEvidence), ox.NamedNode(RG.Role)))
    report = validate_in_store(store, None, focus_in_store({broken}, store, None), added={broken})
    assert [(f.shape, f.path, f.value) for f in report.violations] == [("rgsh:Claim-hasEvidence", "rg:hasEvidence", str(RG.Role))]


def test_a_built_graph_is_validated_without_reading_every_passage_but_the_broken_one_is_found(monkeypatch):
    """``validate_graph`` (a full build) asks the store which values of a class-only predicate lack their
    class, and gives pySHACL one passage of each claim and those: the broken one among many is found, the
    others are not read."""
    import rolegraph.loader.validate as validation

    graph = _base()
    claim = next(graph.subjects(RDF.type, RG.Claim))
    evidence = next(graph.objects(claim, RG.hasEvidence))
    for number in range(30):
        copy = URIRef(f"{evidence}-copy{number}")
        graph.add((claim, RG.hasEvidence, copy))
        for p, o in graph.predicate_objects(evidence):
            graph.add((copy, p, o))
    graph.add((claim, RG.hasEvidence, RG.Role))  # a class, not a passage
    store = _oxigraph(graph)
    read = []
    running = validation._run
    monkeypatch.setattr(validation, "_run", lambda data, shacl, locate: read.append(data) or running(data, shacl, locate))
    passages = {str(s) for s in graph.subjects(RDF.type, RG.Evidence)}
    report = validate_graph(store, None, passages)
    assert [(f.shape, f.path, f.value) for f in report.violations] == [("rgsh:Claim-hasEvidence", "rg:hasEvidence", str(RG.Role))]
    assert len(list(read[0].objects(claim, RG.hasEvidence))) <= 3  # one passage, the broken value
    assert validation.class_only()[RG.hasEvidence] == {RG.Evidence}


def _named(findings) -> list:
    """The findings, a blank node's label (which the store and rdflib each choose) left out."""
    return [replace(f, value=None) if f.value and not f.value.startswith(("http", "\"")) and f.path == "rg:claimObject"
            else f for f in findings]


def test_validating_an_unchanged_store_reads_no_node():
    store = _oxigraph(_base())
    assert validate_in_store(store, None, set()).conforms


@pytest.mark.parametrize("fixture", [None, *INVALID], ids=lambda p: p.stem if p else "valid")
def test_each_target_written_for_oxigraph_selects_what_the_shapes_own_target_selects(fixture):
    graph = _base()
    if fixture is not None:
        graph.update(sparql_prologue() + fixture.read_text(encoding="utf-8"))
    store = _oxigraph(graph)
    for shape, text in STORE_TARGETS.items():
        own = str(shapes().value(shapes().value(shape, SH.target), SH.select))
        selected = [{row["this"] for row in store.query(sparql_prologue() + query)} for query in (own, text)]
        assert selected[0] == selected[1]
        if fixture is not None and fixture.stem == BREAKING[shape]:
            assert selected[0]  # the broken fixture is selected by both


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_validating_a_built_graph_in_the_store_finds_what_a_full_validation_finds(fixture):
    """What a full `build` does: the nodes only one document states (its document node, salaries and
    evidence: the part's own triples) checked by ``own_nodes`` when the part is made, the others and the
    rules across nodes in the store (``validate_graph``). Together they find exactly the findings of
    pySHACL's full validation on every broken fixture, evidence passages cleared by the quick check included."""
    graph = _base()
    graph.update(sparql_prologue() + fixture.read_text(encoding="utf-8"))
    store = _oxigraph(graph)
    graph = Graph().parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt")
    own_classes = {RG.SourceDocument, RG.SalaryRange, RG.Evidence}
    types = {s: set(graph.objects(s, RDF.type)) for s in graph.subjects()}
    own = {t for t in graph if types[t[0]] and types[t[0]] <= own_classes}
    part = Part("0" * 64, own, {}, set())
    found = validate_graph(store, None, {str(s) for s, p, _ in own if p == RDF.type})
    found.extend(own_nodes(part))
    full = validate(graph)
    assert _named(found.violations) == _named(full.violations) and found.warnings == full.warnings
    assert full.violations or full.warnings


def test_the_quick_evidence_check_clears_only_passages_that_meet_the_shape():
    graph = _base()
    passages = set(graph.subjects(RDF.type, RG.Evidence))
    assert passages
    part = Part("0" * 64, {t for t in graph if t[0] in passages or (t[0], RDF.type, RG.SourceDocument) in graph}, {}, set())
    assert own_nodes(part) == []
    for fixture in (f for f in INVALID if f.stem.startswith("evidence-") and f.stem != "evidence-beyond-document"):
        broken = _base()
        broken.update(sparql_prologue() + fixture.read_text(encoding="utf-8"))
        own = {t for t in broken if (t[0], RDF.type, RG.Evidence) in broken or (t[0], RDF.type, RG.SourceDocument) in broken}
        assert {f.shape for f in own_nodes(Part("0" * 64, own, {}, set()))} == {_expectation(fixture)["shape"]}, fixture.stem


#: The broken fixture of each rule that has a target written for Oxigraph.
BREAKING = {RGSH.RoleFactShape: "role-fact-without-claim", RGSH.ClaimSupportShape: "claim-support-mismatch"}


def test_each_target_written_for_oxigraph_has_its_broken_fixture():
    assert set(BREAKING) == set(STORE_TARGETS)
    assert {p.stem for p in INVALID} >= set(BREAKING.values())


def test_a_target_written_for_oxigraph_limited_to_some_nodes_selects_what_the_shapes_own_target_selects():
    """``_breaking`` puts the focus nodes in the store form's inner groups too: limited to a few nodes
    (the broken one among them, or not), both forms select the same."""
    from rolegraph.loader.validate import _breaking

    for shape, stem in BREAKING.items():
        graph = _base()
        graph.update(sparql_prologue() + (FIXTURES / "invalid" / f"{stem}.ru").read_text(encoding="utf-8"))
        store = _oxigraph(graph)
        own = str(shapes().value(shapes().value(shape, SH.target), SH.select))
        broken = {row["this"].value for row in store.query(sparql_prologue() + own)}
        assert broken
        nodes = {URIRef(s) for s in graph.subjects() if isinstance(s, URIRef)}
        for focus in (nodes, {URIRef(n) for n in broken}, nodes - {URIRef(n) for n in broken}):
            found = _breaking(store, None, shapes(), focus)[shape]
            assert {str(n) for n in found} == broken & {str(n) for n in focus}

"""The build: documents → validated graph with evidence → published store; bad input and failures."""
import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from conftest import BASE, SAMPLES
from rolegraph.loader.build import build, read_all
from rolegraph.loader.extract import extract
from rolegraph.loader.graph import build_graph, document_part
from rolegraph.core.naming import graph_iri
from rolegraph.core.errors import InputError, StoreLocked, ValidationFailed
from rolegraph.core.store import current_generation, open_read_only, publishing

POSTGRESQL_SOURCES = """
PREFIX rg: <https://w3id.org/rolegraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?file ?quote ?start ?end WHERE {
  ?role skos:prefLabel "Back-end developer"@en .
  ?tool skos:prefLabel "PostgreSQL"@en .
  ?role rg:usesTool ?tool .
  ?claim rg:claimSubject ?role ; rg:claimPredicate rg:usesTool ; rg:claimObject ?tool ; rg:hasEvidence ?e .
  ?e rg:inDocument/rg:fileName ?file ; rg:quote ?quote ; rg:startOffset ?start ; rg:endOffset ?end .
} ORDER BY ?file
"""


def rows(store, query):
    return [tuple(term.value for term in solution) for solution in store.query(query, use_default_graph_as_union=True)]


def test_the_build_answers_which_sources_say_back_end_developers_use_postgresql(built_store, corpus):
    store = open_read_only(built_store)
    found = rows(store, POSTGRESQL_SOURCES)
    assert [r[0] for r in found] == ["backend-developer.md", "developpeur-back-end.txt"]
    for file, quote, start, end in found:
        text = read_all([corpus / file])[0][0].text
        assert quote == "PostgreSQL" and text[int(start):int(end)] == quote


def test_python_is_one_node_with_the_support_of_every_document_that_names_it(built_store):
    # The four documents about the back-end developer name Python (one as "Pyhton"); the other two do not.
    store = open_read_only(built_store)
    query = """PREFIX rg: <https://w3id.org/rolegraph/ontology#>
    SELECT ?support WHERE { ?c rg:claimObject <https://w3id.org/rolegraph/id/tool/python> ;
      rg:claimPredicate rg:usesTool ; rg:supportCount ?support }"""
    assert rows(store, query) == [("4",)]


def test_same_input_gives_the_same_iris_and_an_isomorphic_graph(corpus):
    first = build_graph([extract(d) for d in read_all([corpus, SAMPLES])[0]], BASE).graph
    second = build_graph([extract(d) for d in reversed(read_all([corpus, SAMPLES])[0])], BASE).graph
    assert isomorphic(first, second)
    assert set(first.subjects()) == set(second.subjects())


def test_base_iri_is_configurable(tmp_path):
    result = build([SAMPLES / "data-engineer.html"], tmp_path / "s", "https://jobs.example.org/kg/")
    store = open_read_only(tmp_path / "s")
    assert result.entities["Role"] >= 1
    assert store.contains_named_graph(ox.NamedNode("https://jobs.example.org/kg/graph/fiches"))
    subjects = {q.subject.value for q in store.quads_for_pattern(None, None, None, ox.NamedNode(
        "https://jobs.example.org/kg/graph/fiches")) if isinstance(q.subject, ox.NamedNode)}
    assert subjects and all(s.startswith("https://jobs.example.org/kg/") for s in subjects)


def test_bad_files_are_reported_and_the_others_built(tmp_path, write):
    good = write("docs/good.md", "# Data analyst\n\nThe data analyst writes SQL and builds Power BI dashboards.\n")
    write("docs/empty.txt", "")
    write("docs/binary.txt", b"\x00\x00\x01\x02")
    write("docs/undecodable.txt", b"Le d\xe9veloppeur \xff\xfe ma\xeetrise SQL.")
    unsupported = write("docs/table.xlsx", b"PK")
    result = build([tmp_path / "docs", unsupported], tmp_path / "store", BASE)
    failed = sorted(f.details["file"].rsplit("/", 1)[-1] for f in result.failures)
    assert failed == ["binary.txt", "empty.txt", "table.xlsx"]
    assert result.documents_read == 2  # good.md and the cp1252-decoded file
    store = open_read_only(tmp_path / "store")
    files = sorted(r[0] for r in rows(store, "PREFIX rg: <https://w3id.org/rolegraph/ontology#> "
                                              "SELECT ?f WHERE { ?d rg:fileName ?f }"))
    assert files == ["good.md", "undecodable.txt"]
    assert good.exists()


def test_nothing_readable_is_an_error_and_publishes_nothing(tmp_path, write):
    with pytest.raises(InputError, match="no document could be read"):
        build([write("empty.txt", "")], tmp_path / "store", BASE)
    assert current_generation(tmp_path / "store") is None


def test_a_build_that_fails_validation_keeps_the_previous_graph(tmp_path, monkeypatch):
    store = tmp_path / "store"
    build([SAMPLES / "data-engineer.html"], store, BASE)
    before = current_generation(store)
    import rolegraph.loader.parts as module

    def broken_part(*args, **kwargs):
        part = document_part(*args, **kwargs)
        from rolegraph.core.vocabulary import RG
        from rdflib import Literal
        for triple in [t for t in part.own if t[1] == RG.currency]:
            part.own.discard(triple)
            part.own.add((triple[0], RG.currency, Literal("dollars")))
        return part

    monkeypatch.setattr(module, "document_part", broken_part)
    with pytest.raises(ValidationFailed) as caught:
        build([SAMPLES / "ingenieur-devops.md"], store, BASE)
    violations = caught.value.report.violations
    assert {v.shape for v in violations} == {"rgsh:SalaryRange-currency"}
    assert all(v.where and v.where.startswith("ingenieur-devops.md:") for v in violations)
    assert current_generation(store) == before
    files = rows(open_read_only(store), "PREFIX rg: <https://w3id.org/rolegraph/ontology#> SELECT ?f WHERE { ?d rg:fileName ?f }")
    assert files == [("data-engineer.html",)]


def test_a_second_writer_is_refused_while_one_is_at_work(tmp_path):
    store = tmp_path / "store"
    build([SAMPLES / "data-engineer.html"], store, BASE)
    with publishing(store):
        with pytest.raises(StoreLocked):
            build([SAMPLES / "ingenieur-devops.md"], store, BASE)


def test_an_interrupted_write_leaves_the_published_generation(tmp_path):
    store = tmp_path / "store"
    build([SAMPLES / "data-engineer.html"], store, BASE)
    before = current_generation(store)
    with pytest.raises(RuntimeError):
        with publishing(store) as writable:
            writable.remove_graph(ox.NamedNode(str(graph_iri(BASE, "fiches"))))
            raise RuntimeError("killed")
    assert current_generation(store) == before
    assert rows(open_read_only(store), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") != [("0",)]


def test_the_published_graph_conforms_and_holds_the_ontology(built_store):
    store = open_read_only(built_store)
    assert store.contains_named_graph(ox.NamedNode(str(graph_iri(BASE, "ontology"))))
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(graph_iri(BASE, "fiches"))))
    from rolegraph.loader.validate import validate
    graph = Graph()
    graph.parse(data=data, format="nt")
    assert validate(graph).conforms


def test_a_build_publishes_no_blank_node_and_the_same_quads_each_time(tmp_path, corpus, linked_store):
    """Skolemised at build time: the ontology's restrictions and the links' SSSOM axioms have stable IRIs,
    so that a copy pushed to another store is the same set of quads."""
    def quads(store):
        return {q for q in open_read_only(store).quads_for_pattern(None, None, None, None)}

    for store in (tmp_path / "a", tmp_path / "b"):
        build([corpus], store, BASE)
    first = quads(tmp_path / "a")
    assert first == quads(tmp_path / "b")
    from rolegraph.loader.link import Link, LinkResult, link_quads
    mapping = Link(BASE + "role/r", "closeMatch", "http://example.org/o", "occupation", 0.9, "LexicalMatching", "r", "o")
    result = LinkResult(BASE + "graph/links", links=[mapping])
    again = LinkResult(BASE + "graph/links", links=[mapping])
    assert set(link_quads(result, [])) == set(link_quads(again, []))
    linked = quads(linked_store) | set(link_quads(result, []))
    axioms = [q for q in linked if q.object == ox.NamedNode("http://www.w3.org/2002/07/owl#Axiom")]
    assert axioms and all("/genid/" in q.subject.value for q in axioms)
    for q in first | linked:
        assert not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode), q


def test_pay_stated_as_the_minimum_wage_is_a_valid_range_stated_as_it(tmp_path):
    page = tmp_path / "technicien.md"
    page.write_text("# Technicienne support\n\nElle aide les utilisateurs au quotidien.\n\n## Salaire\n\n"
                    "Pour un premier poste, la rémunération reste proche du SMIC, puis 2 400 € brut par mois.\n",
                    encoding="utf-8")
    build([page], tmp_path / "store", BASE)
    found = rows(open_read_only(tmp_path / "store"), """PREFIX rg: <https://w3id.org/rolegraph/ontology#>
            SELECT ?min (COALESCE(STR(?w), "-") AS ?wage) (COALESCE(STR(?a), "-") AS ?approximate) WHERE {
              ?s a rg:SalaryRange ; rg:minAmount ?min .
              OPTIONAL { ?s rg:statedAs ?w } OPTIONAL { ?s rg:approximate ?a } } ORDER BY ?min""")
    from rolegraph.loader.extract.salary import minimum_wages
    smic = {w.id: w.amount for w in minimum_wages()}["smic"]
    assert [(float(m), w, a) for m, w, a in found] == [
        (smic, "https://w3id.org/rolegraph/ontology#wage-smic", "true"), (2400.0, "-", "-")]


def test_a_named_school_is_a_valid_training_of_the_school_type(tmp_path):
    page = tmp_path / "integrateur.md"
    page.write_text("# Intégrateur web\n\nOn s'y forme dans des écoles comme Atelier Nova Web.\n", encoding="utf-8")
    build([page], tmp_path / "store", BASE)
    found = rows(open_read_only(tmp_path / "store"), """PREFIX rg: <https://w3id.org/rolegraph/ontology#>
            PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
            SELECT ?label ?type WHERE { ?t a rg:Training ; skos:prefLabel ?label ; rg:trainingType ?type }""")
    assert [(str(label), str(kind)) for label, kind in found] == \
        [("Atelier Nova Web", "https://w3id.org/rolegraph/ontology#training-school")]


def _quads(store, graph) -> set:
    snapshot = open_read_only(store)
    return {(q.subject, q.predicate, q.object) for q in snapshot.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


def test_a_full_build_starts_from_the_base_of_the_taxonomies_and_deletes_no_document_graph(tmp_path, corpus,
                                                                                            monkeypatch):
    """The first full build over a set of imports removes the previous documents' graphs and keeps the
    database as it is then (the imports alone) as a base; the next ones start from it. Each publishes
    what a build into a store that never held other documents publishes; an import makes another base."""
    import rolegraph.loader.build as loader

    files = sorted(corpus.iterdir())
    store, fiches, imported = tmp_path / "store", str(graph_iri(BASE, "fiches")), "https://example.org/imported"

    def import_(version: str) -> None:
        with publishing(store) as writable:
            writable.update(f"DROP SILENT GRAPH <{imported}>; INSERT DATA {{ GRAPH <{imported}> {{ <{imported}> "
                            f"<http://purl.org/dc/terms/identifier> \"{version}\" }} }}")

    cleared = []
    clear = loader.clear_graph
    monkeypatch.setattr(loader, "clear_graph", lambda written, graph: cleared.append(graph.value) or clear(written, graph))
    build(files[:3], store, BASE)
    import_("v1")
    for documents, from_base in ((files[3:], False), (files, True), (files[:2], True)):
        cleared.clear()
        build(documents, store, BASE)
        assert (fiches in cleared) is not from_base
        fresh = tmp_path / f"fresh-{len(documents)}-{from_base}"
        build(documents, fresh, BASE)
        assert _quads(store, fiches) == _quads(fresh, fiches) and len(_quads(store, imported)) == 1
        assert _quads(store, str(graph_iri(BASE, "links"))) == set()
    assert len(list((store / "bases").iterdir())) == 1
    import_("v2")  # the imports changed: the base of the earlier ones is not used
    cleared.clear()
    build(files[3:], store, BASE)
    assert fiches in cleared and {q[2].value for q in _quads(store, imported)} == {"v2"}

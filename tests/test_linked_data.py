"""Dereferenceable IRIs through the Flask client: HTML pages for people, RDF by content negotiation,
404s, and paths that must never name anything else."""
import json
import re
from collections import Counter

import pytest
import rdflib
from rdflib.namespace import RDF, SKOS

from rolegraph import queries
from conftest import BASE, ESCO_DEVELOPER, ROME_FICHE
from rolegraph.core.vocabulary import RG
from rolegraph.core.store import open_read_only
from rolegraph.server import create_app

BACKEND = BASE + "role/back-end-developer"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def rows(store, name, **values):
    solutions = open_read_only(store).query(queries.get(name).bind(values), use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]


@pytest.fixture()
def linked(linked_store):
    return create_app({"store": str(linked_store), "base_iri": BASE, "testing": True}).test_client()


def section(html: str, name: str) -> str:
    """The part of ``html`` from the section (or folded details) with id ``name`` to its end."""
    start = html.index(f' id="{name}"')
    ends = [i for i in (html.find("</section>", start), html.find("</details>", start)) if i >= 0]
    return html[start:min(ends)]


def test_the_role_page_ranks_skills_and_lists_python_with_its_support(client):
    response = client.get("/id/role/back-end-developer", headers=BROWSER)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Vary"] == "Accept, Accept-Language"
    html = response.get_data(as_text=True)
    assert "<h1>Back-end developer</h1>" in html
    french = client.get("/id/role/back-end-developer?lang=fr", headers=BROWSER).get_data(as_text=True)
    assert '<html lang="fr">' in french and "<h1>Développeur back-end</h1>" in french
    assert "<h1>Développeur back-end</h1>" in client.get(
        "/id/role/back-end-developer", headers={**BROWSER, "Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}).get_data(as_text=True)
    tools = section(html, "tools")
    assert '<a href="/id/tool/python">Python</a> <span class="support" title="Stated by 4 source documents.">4</span>' in tools
    blocks = {b.split("</dt>")[0]: b for b in tools.split("<dt>")[1:]}
    assert '<a href="/id/tool/python">' in blocks["programming language"]
    assert '<a href="/id/tool/postgresql">' in blocks["database"]
    competencies = section(html, "competencies")
    supports = [int(n) for n in re.findall(r'class="support"[^>]*>(\d+)<', competencies)]
    assert supports == sorted(supports, reverse=True) and supports[0] == 4


def test_the_role_page_shows_levels_career_and_salaries_as_svg(client, built_store):
    html = client.get("/id/role/back-end-developer", headers=BROWSER).get_data(as_text=True)
    qualifications = section(html, "qualifications")
    diplomas = [r for r in rows(built_store, "role-qualifications", role=BACKEND) if r["kind"] == "diploma" and "eqfLevel" in r]
    assert diplomas and all(f"<td>{d['eqfLevel']}</td>" in qualifications for d in diplomas)
    career = section(html, "career")
    related = rows(built_store, "role-career", role=BACKEND)
    drawn = set(re.findall(r'<a href="/id/(role/[^"]+)" class="(?:incoming|outgoing)">', career))
    assert drawn == {r["other"].removeprefix(BASE) for r in related} and career.count('<rect class="node self"') == 1
    assert '<svg class="career"' in career and '<a href="/id/role/tech-lead" class="outgoing">' in career
    salaries = section(html, "salaries")
    stated = rows(built_store, "role-salaries", role=BACKEND)
    assert salaries.count('<g class="bar ') == len(stated) == 7


def test_evidence_quotes_name_their_source_documents(client, built_store):
    html = client.get("/id/tool/postgresql", headers=BROWSER).get_data(as_text=True)
    evidence = section(html, "evidence")
    assert evidence.count("<q>PostgreSQL</q>") == 2 and "developpeur-back-end.txt" in evidence
    (document,) = [r["document"] for r in rows(built_store, "documents") if r["file"] == "developpeur-back-end.txt"]
    assert f'<a href="/id/{document.removeprefix(BASE)}">' in evidence
    roles = section(html, "roles")
    assert '<a href="/id/role/back-end-developer">Back-end developer</a>' in roles


def test_the_entity_evidence_query_answers_for_values_and_roles(built_store):
    postgresql = rows(built_store, "entity-evidence", entity=BASE + "tool/postgresql")
    assert len(postgresql) == 2 and len({r["file"] for r in postgresql}) == 2
    assert {r["file"] for r in postgresql} == {"backend-developer.md", "developpeur-back-end.txt"}
    assert all(r["role"] == BACKEND and r["support"] == "2" and r["quote"] == "PostgreSQL" for r in postgresql)
    about_role = rows(built_store, "entity-evidence", entity=BACKEND)
    # every evidence node of the four documents about the back-end developer, and the front-end
    # developer's document naming it as a collaborator
    files = Counter(r["file"] for r in about_role)
    assert len(about_role) == 84 and files["front-end-developer.html"] == 1
    assert set(files) == {"backend-developer.md", "developpeur-back-end.txt", "developpeuse-api.html",
                          "server-side-engineer.txt", "front-end-developer.html"}


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                        ("application/ld+json", "json-ld")])
def test_machines_get_rdf_by_content_negotiation(client, accept, fmt):
    response = client.get("/id/tool/python", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept and response.headers["Vary"] == "Accept"
    graph = rdflib.Graph().parse(data=response.data, format=fmt)
    python = rdflib.URIRef(BASE + "tool/python")
    assert (python, RDF.type, RG.Tool) in graph
    assert (python, SKOS.prefLabel, rdflib.Literal("Python", lang="en")) in graph
    assert (rdflib.URIRef(BACKEND), RG.usesTool, python) in graph
    assert len(set(graph.subjects(RDF.type, RG.Evidence))) >= 4


def test_json_ld_uses_the_published_context(client):
    body = json.loads(client.get("/id/tool/python", headers={"Accept": "application/ld+json"}).data)
    assert body["@context"] == client.get("/context.jsonld").json["@context"]
    node = next(n for n in body["@graph"] if n["@id"] == BASE + "tool/python")
    assert node["@type"] == ["rg:Tool"] and {"@value": "Python", "@language": "en"} in node["skos:prefLabel"]


def test_the_format_parameter_overrides_accept(client):
    response = client.get("/id/tool/python?format=ttl", headers=BROWSER)
    assert response.mimetype == "text/turtle" and b"rg:Tool" in response.data


def test_an_unknown_iri_is_a_404_json_for_machines_and_html_for_browsers(client):
    machine = client.get("/id/role/astronaut", headers={"Accept": "text/turtle"})
    assert machine.status_code == 404 and machine.json["error"]["code"] == "not-found"
    assert machine.json["error"]["details"]["iri"] == BASE + "role/astronaut"
    browser = client.get("/id/role/astronaut", headers=BROWSER)
    assert browser.status_code == 404 and browser.mimetype == "text/html" and "role/astronaut" in browser.get_data(as_text=True)


def test_what_no_document_states_any_more_is_410_gone_with_what_replaces_it(tmp_path):
    import shutil

    from conftest import CORPUS
    from rolegraph.loader.build import add, build, documents, remove

    store, path = tmp_path / "store", tmp_path / "docs" / "testeur-logiciel.md"
    path.parent.mkdir()
    shutil.copy(CORPUS / "testeur-logiciel.md", path)
    build([path, CORPUS / "backend-developer.md"], store, BASE)
    old = next(e for e in documents(store) if e.name == path.name)
    path.write_text(path.read_text(encoding="utf-8") + "\nOutils : Jira.\n", encoding="utf-8")
    add([path], store, BASE)
    new = next(e for e in documents(store) if e.name == path.name)
    remove([str(path)], store, BASE)
    app = create_app({"store": str(store), "base_iri": BASE, "testing": True})
    try:
        client = app.test_client()
        role = client.get("/id/role/test-engineer", headers={"Accept": "text/turtle"})
        assert role.status_code == 410 and role.mimetype == "text/turtle"
        graph = rdflib.Graph().parse(data=role.get_data(as_text=True), format="turtle")
        assert (rdflib.URIRef(BASE + "role/test-engineer"), rdflib.OWL.deprecated, rdflib.Literal(True)) in graph
        document = client.get("/id/" + old.iri[len(BASE):], headers={"Accept": "text/turtle"})
        graph = rdflib.Graph().parse(data=document.get_data(as_text=True), format="turtle")
        assert document.status_code == 410
        assert (rdflib.URIRef(old.iri), rdflib.DCTERMS.isReplacedBy, rdflib.URIRef(new.iri)) in graph
        page = client.get("/id/" + old.iri[len(BASE):], headers=BROWSER)
        assert page.status_code == 410 and f'href="{new.iri}"' in page.get_data(as_text=True)
        assert client.get("/id/role/back-end-developer", headers=BROWSER).status_code == 200  # still stated
        assert client.get("/id/role/astronaut", headers=BROWSER).status_code == 404  # never ours
    finally:
        app.extensions["rolegraph.executor"].close()


@pytest.mark.parametrize("path", [
    "/id/role/../../etc/passwd", "/id/role/%2e%2e/%2e%2e/etc/passwd", "/id/role%2Fback-end-developer",
    "/id/role/back-end-developer%2f..%2f..%2fsetup.py", "/id/..", "/id/role//back-end-developer",
    "/id/role/back-end-developer%5c..", "/id/../server/__init__.py"])
def test_traversal_and_encoded_slashes_are_404_never_a_file(client, path):
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert b"import" not in response.data and b"root:" not in response.data


def test_a_named_graph_dereferences_with_its_size(client, built_store):
    (fiches,) = [r for r in rows(built_store, "graphs") if r["graph"] == BASE + "graph/fiches"]
    html = client.get("/id/graph/fiches", headers=BROWSER).get_data(as_text=True)
    assert f'<strong class="count">{fiches["triples"]}</strong>' in html


def test_the_graphs_query_counts_each_graph(built_store):
    counted = {r["graph"]: int(r["triples"]) for r in rows(built_store, "graphs")}
    store = open_read_only(built_store)
    assert counted == {g.value: sum(1 for _ in store.quads_for_pattern(None, None, None, g)) for g in store.named_graphs()}


def test_esco_and_rome_links_show_their_label_and_confidence(linked):
    html = linked.get("/id/role/back-end-developer", headers=BROWSER).get_data(as_text=True)
    links = section(html, "links")
    assert f'<a href="{ESCO_DEVELOPER}">software developer</a>' in links
    assert '<td class="confidence">0.87</td>' in links and "semapv:LexicalMatching" in links
    assert '<a href="/id/rome/fiche/M1805">Études et développement informatique</a>' in links


def test_the_entity_links_query_and_the_rdf_carry_the_mapping(linked_store, linked):
    found = {r["target"]: r for r in rows(linked_store, "entity-links", entity=BACKEND)}
    assert set(found) == {ESCO_DEVELOPER, ROME_FICHE}
    assert found[ESCO_DEVELOPER]["confidence"] == "0.87" and "confidence" not in found[ROME_FICHE]
    graph = rdflib.Graph().parse(data=linked.get("/id/role/back-end-developer", headers={"Accept": "text/turtle"}).data,
                                 format="turtle")
    confidences = set(graph.objects(None, rdflib.URIRef("https://w3id.org/sssom/confidence")))
    assert [float(c) for c in confidences] == [0.87]


def test_entity_labels_and_the_rome_concept_dereference_under_the_base(linked):
    response = linked.get("/id/rome/fiche/M1805", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200 and "Études et développement informatique".encode() in response.data


def test_the_base_path_also_dereferences(built_store):
    client = create_app({"store": str(built_store), "base_iri": "https://example.org/kg/", "testing": True}).test_client()
    # The store was built under the default base, so only the mapping of paths is checked here.
    assert client.get("/kg/role/back-end-developer", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/kg/role/back-end-developer", headers={"Accept": "text/turtle"}).json["error"]["details"]["iri"] \
        == "https://example.org/kg/role/back-end-developer"

"""Pages for people through the Flask client (and once through a real server): the home page, the
query page, security headers, and text from documents escaped everywhere."""
import json
import re
import urllib.error
import urllib.request

import pyoxigraph as ox
import pytest
import rdflib

import serving

from conftest import BASE
from rolegraph.loader.build import build
from rolegraph.core.store import open_read_only
from rolegraph import queries
from rolegraph.server import create_app

HOSTILE_TITLE = 'Développeur back-end <script>alert("title")</script> & "co"'
HOSTILE_SECTION = "Compétences <img src=x onerror=\"alert('section')\">"
HTML_PAGES = ["/", "/query", "/export", "/id/role/back-end-developer", "/id/tool/python", "/id/role/astronaut",
              "/query?query=SELEC"]


def rows(store, name, **values):
    solutions = open_read_only(store).query(queries.get(name).bind(values), use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]


def test_home_page_shows_counts_roles_sources_and_graphs(client, built_store):
    html = client.get("/").get_data(as_text=True)
    counts = dict(re.findall(r'<td title="[^"]+">([^<]+)</td><td class="count">(\d+)</td>', html))
    expected = {r["class"]: int(r["count"]) for r in rows(built_store, "counts")}
    assert len(counts) == len(expected) == 12 and sorted(map(int, counts.values())) == sorted(expected.values())
    assert counts["Role"] == "13" and counts["Evidence"] == "113"
    assert '<strong class="count" id="total-triples">4295</strong>' in html
    assert html.count('<a href="/id/document/') == 6
    assert "No taxonomy is imported yet" in html


def test_the_roles_query_lists_every_role_with_its_facts(client, built_store):
    listed = rows(built_store, "roles")
    assert len(listed) == 13 and listed[0]["label"] == "Back-end developer" and listed[0]["facts"] == "52"
    assert listed[0]["labelFr"] == "Développeur back-end"
    html = client.get("/").get_data(as_text=True)
    assert '<a href="/id/role/back-end-developer">Back-end developer</a>' in html


def test_the_query_page_runs_a_query_and_offers_downloads(client):
    query = "SELECT ?label WHERE { <%s> <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } ORDER BY ?label" % (
        BASE + "tool/python")
    response = client.get("/query", query_string={"query": query})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<th scope="col">label</th>' in html
    assert '<span class="literal" lang="en">Python</span><span class="lang">@en</span>' in html
    downloads = re.findall(r'<a href="(/sparql\?[^"]+)">(\w+)</a>', html)
    assert [name for _, name in downloads] == ["csv", "tsv", "json", "xml"]
    csv = client.get(downloads[0][0].replace("&amp;", "&"))
    assert csv.status_code == 200 and csv.get_data(as_text=True).splitlines()[1:] == ["Python", "Python"]


def test_the_query_page_lists_the_named_queries_as_examples(client):
    html = client.get("/query").get_data(as_text=True)
    for name in queries.catalogue():
        assert f'<pre data-name="{name}"' in html
    assert "&lt;https://w3id.org/rolegraph/id/role/back-end-developer&gt; rg:usesTool ?tool" in html


def test_construct_ask_and_errors_on_the_query_page(client):
    construct = client.get("/query", query_string={"query": "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 3"})
    assert "<p>3 triples.</p>" in construct.get_data(as_text=True)
    ask = client.get("/query", query_string={"query": "ASK { ?s a <https://w3id.org/rolegraph/ontology#Role> }"})
    assert '<p class="boolean">yes</p>' in ask.get_data(as_text=True)
    wrong = client.get("/query", query_string={"query": "SELECT ?x WHERE { ?x"})
    assert wrong.status_code == 400 and 'id="query-error"' in wrong.get_data(as_text=True)
    update = client.get("/query", query_string={"query": "DROP ALL"})
    assert update.status_code == 400 and "not a SPARQL query" in update.get_data(as_text=True)


@pytest.mark.parametrize("path", HTML_PAGES)
def test_every_html_page_carries_the_security_headers_and_no_inline_script(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.mimetype == "text/html"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    html = response.get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [] and " style=" not in html
    assert not re.search(r'(href|src)="(https?:)?//(?!w3id.org|data.europa.eu|creativecommons.org)', html.split("<main>")[0])


def test_pages_fetch_nothing_from_elsewhere(client):
    for path in ("/static/rolegraph.css", "/static/query.js"):
        text = client.get(path).get_data(as_text=True)
        assert "http" not in text and "@import" not in text


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.md").write_text(
        f"# {HOSTILE_TITLE}\n\nLe développeur back-end écrit des API en Python et PostgreSQL.\n\n"
        f"## {HOSTILE_SECTION}\n\n- Maîtrise de Python, Django et Docker.\n- Rigueur et autonomie.\n", encoding="utf-8")
    store = folder / "store"
    build([folder], store, BASE)
    return store


@pytest.fixture(scope="module")
def hostile_client(hostile_store):
    app = create_app({"store": str(hostile_store), "base_iri": BASE})
    yield app.test_client()
    app.extensions["rolegraph.executor"].close()


def test_text_from_documents_is_escaped_in_pages(hostile_store, hostile_client):
    client = hostile_client
    (document,) = rows(hostile_store, "documents")
    assert document["title"] == HOSTILE_TITLE
    pages = [client.get("/id/role/back-end-developer").get_data(as_text=True),
             client.get("/id/tool/docker").get_data(as_text=True),
             client.get("/id/" + document["document"][len(BASE):]).get_data(as_text=True),
             client.get("/").get_data(as_text=True)]
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; &amp; &#34;co&#34;" in pages[2]
    assert "&lt;img src=x onerror=&#34;alert(&#39;section&#39;)&#34;&gt;" in pages[1]


def test_text_from_documents_stays_a_literal_in_exports(hostile_client):
    client = hostile_client
    turtle = rdflib.Graph().parse(data=client.get("/export.ttl").get_data(), format="turtle")
    document = json.loads(client.get("/export.jsonld").get_data())
    from_jsonld = rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
    for graph in (turtle, from_jsonld):
        assert rdflib.Literal(HOSTILE_TITLE) in set(graph.objects(None, rdflib.DCTERMS.title))
        assert rdflib.Literal(HOSTILE_SECTION) in set(graph.objects(None, rdflib.URIRef("https://w3id.org/rolegraph/ontology#section")))
    entity = client.get("/id/tool/docker", headers={"Accept": "text/turtle"}).get_data()
    assert rdflib.Literal(HOSTILE_SECTION) in set(rdflib.Graph().parse(data=entity, format="turtle").objects())


def test_a_real_server_dereferences_iris_and_streams_exports(built_store):
    port = serving.free_port()
    with serving.start(serving.rolegraph_serve(built_store, port, production=False), f"http://127.0.0.1:{port}") as server:
        request = urllib.request.Request(server.url + "/id/role/back-end-developer", headers={"Accept": "text/turtle"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Type"].startswith("text/turtle") and response.headers["Vary"] == "Accept"
            graph = rdflib.Graph().parse(data=response.read(), format="turtle")
        assert (rdflib.URIRef(BASE + "role/back-end-developer"), rdflib.URIRef("https://w3id.org/rolegraph/ontology#usesTool"),
                rdflib.URIRef(BASE + "tool/python")) in graph
        with urllib.request.urlopen(server.url + "/export.nq", timeout=10) as response:
            assert response.headers.get("Transfer-Encoding") == "chunked"
            exported = list(ox.parse(response.read(), format=ox.RdfFormat.N_QUADS))
        encoded = urllib.request.Request(server.url + "/id/role%2Fback-end-developer", headers={"Accept": "text/turtle"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(encoded, timeout=10)
        assert refused.value.code == 404
    stored = list(open_read_only(built_store).quads_for_pattern(None, None, None, None))
    # Blank node labels are the serialiser's own: those quads are compared by number, the others one by one.
    named = lambda quads: {q for q in quads if not any(isinstance(t, ox.BlankNode) for t in q)}  # noqa: E731
    assert len(exported) == len(stored) and named(exported) == named(stored)
    assert {q.graph_name for q in exported} == {q.graph_name for q in stored}

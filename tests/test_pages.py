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
    assert counts["Role"] == "13" and counts["Evidence"] == "115"
    assert '<strong class="count" id="total-triples">4370</strong>' in html
    assert html.count('<a href="/id/document/') == 6
    assert "No taxonomy is imported yet" in html


def test_the_roles_query_lists_every_role_with_its_facts(client, built_store):
    listed = rows(built_store, "roles")
    assert len(listed) == 13 and listed[0]["label"] == "Back-end developer" and listed[0]["facts"] == "53"
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


def test_the_query_page_speaks_french(client):
    html = client.get("/query", query_string={"lang": "fr", "query": "ASK { ?s ?p ?o }"}).get_data(as_text=True)
    assert "<h1>Interroger le graphe</h1>" in html and '<p class="boolean">oui</p>' in html
    assert "Les préfixes du projet sont déclarés pour vous (<span id=\"declared-prefixes\">" in html
    assert 'à <a href="/api/queries">/api/queries</a> comme API JSON' in html
    assert "Query the graph" not in html and "Named queries" not in html


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


def test_label_keys_fold_accents_case_ligatures_and_punctuation():
    from rolegraph.core.keys import label_key

    assert label_key("Développeuse Back-End") == "developpeuse back end"
    assert label_key("  Œuvre’s  C++ / C# ") == "oeuvre's c++ c#"
    assert label_key("---") == ""


def test_search_finds_roles_skills_and_tools_by_any_label(client):
    html = client.get("/search", query_string={"q": "DÉVELOPPEUSE back-end"}).get_data(as_text=True)
    results = html[html.index('id="search-results"'):]
    assert results.index('href="/id/role/back-end-developer"') < results.index("</ul>")
    item = results[results.index('href="/id/role/back-end-developer"'):]
    item = item[:item.index("</li>")]
    assert "<q>développeuse back-end</q>" in item.lower()  # the label as written that matched, not its key
    python = client.get("/search", query_string={"q": "python"}).get_data(as_text=True)
    assert 'href="/id/tool/python"' in python
    nothing = client.get("/search", query_string={"q": "zzzz"}).get_data(as_text=True)
    assert 'id="search-results"' not in nothing and "zzzz" in nothing
    assert "Type a word" in client.get("/search").get_data(as_text=True)


def test_roles_for_label_compares_label_keys(client):
    rows = client.get("/api/queries/roles-for-label", query_string={"label": "POSTGRÉSQL"}).json["rows"]
    assert BASE + "role/back-end-developer" in {r["role"] for r in rows}
    assert client.get("/api/queries/roles-for-label", query_string={"label": "!!"}).status_code == 400


def test_the_query_page_keeps_select_order_and_unbound_cells(client):
    query = ("SELECT ?z ?unbound ?a WHERE { VALUES ?a { 4 } BIND (rg:Role AS ?z) }")
    html = client.get("/query", query_string={"query": query}).get_data(as_text=True)
    head = re.findall(r'<th scope="col">(\w+)</th>', html)
    assert head == ["z", "unbound", "a"]
    row = html[html.index("<tbody>"):html.index("</tbody>")]
    assert row.count("<td>") == 3 and "<td></td>" in row and "^^" not in row
    assert '<span class="literal typed" title="xsd:integer">4</span>' in row and ">rg:Role</a>" in row
    assert not _examples_text(client).lstrip().upper().startswith("PREFIX")


def _examples_text(client) -> str:
    html = client.get("/query").get_data(as_text=True)
    return html[html.index('<textarea id="query" name="query"'):].split(">", 1)[1].split("</textarea>")[0]


def test_a_named_query_runs_from_its_form(client):
    response = client.get("/query", query_string={"name": "role-tools", "role": BASE + "role/back-end-developer"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.findall(r'<th scope="col">(\w+)</th>', html) == ["category", "tool", "label", "labelFr", "support"]
    assert '<details class="named" id="named-role-tools" open>' in html
    wrong = client.get("/query", query_string={"name": "role-tools", "role": "not an iri"})
    assert wrong.status_code == 400 and "parameter role" in wrong.get_data(as_text=True)


def test_tool_category_other_and_plurals_read_right(client):
    html = client.get("/id/role/back-end-developer").get_data(as_text=True)
    assert "other training" not in html
    one = client.get("/id/tool/mongodb").get_data(as_text=True)
    assert "1 passage of the source documents" in one and "1 passages" not in one


def test_salary_and_claim_pages_have_readable_titles(client, built_store):
    store = open_read_only(built_store)
    found = store.query("SELECT ?salary ?claim WHERE { ?claim <https://w3id.org/rolegraph/ontology#claimObject> ?salary . "
                        "<%srole/back-end-developer> <https://w3id.org/rolegraph/ontology#hasSalary> ?salary } LIMIT 1" % BASE,
                        use_default_graph_as_union=True)
    (solution,) = list(found)
    for iri in (solution["salary"].value, solution["claim"].value):
        html = client.get("/id/" + iri.removeprefix(BASE)).get_data(as_text=True)
        title = re.search(r"<title>(.*?) · rolegraph</title>", html).group(1)
        assert not title.startswith("https://") and "/" not in title, title
    assert "Back-end developer" in title


def test_the_favicon_and_ontology_documentation(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and icon.headers["Location"].endswith("/static/favicon.svg")
    assert client.get("/static/favicon.svg").status_code == 200
    page = client.get("/ontology", headers={"Accept": "text/html"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers
    assert "<style" not in html and "/static/ontology.css" in html and "labelKey" in html
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle" and b"rg:labelKey" in turtle.data
    assert rdflib.Graph().parse(data=turtle.data, format="turtle")


def test_attribution_credits_each_taxonomy_once(linked_store):
    app = create_app({"store": str(linked_store), "base_iri": BASE, "testing": True})
    try:
        client = app.test_client()
        home = client.get("/").get_data(as_text=True)
        assert home.count("This service uses the ESCO classification of the European Commission.") == 1
        role = client.get("/id/role/back-end-developer").get_data(as_text=True)
        assert "This service uses the ESCO classification of the European Commission." in role
        assert "Licence Ouverte / Open Licence" in role
    finally:
        app.extensions["rolegraph.executor"].close()

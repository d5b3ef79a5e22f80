"""The SPARQL 1.1 Protocol as the endpoint reads it (rolegraph.server.protocol and updates), through the
Flask test client: updates that fail and the next one, the base IRI, the names real clients send for
formats, form-encoded updates and their dataset parameters, wrong requests, and the headers browsers need."""
import gc
import json
import shutil
from urllib.parse import unquote_to_bytes

import pytest
import rdflib
from hypothesis import given, settings, strategies as st
from pyld import jsonld as pyld

from conftest import BASE
from rolegraph.core import jsonld
from rolegraph.server import create_app, protocol

TOKEN = "protocol-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
UPDATE = "application/sparql-update"
QUERY = "application/sparql-query"
EX = "http://example.org/"
ROLE = BASE + "role/back-end-developer"


@pytest.fixture()
def writable(tmp_path, built_store):
    """A client with updates enabled on a copy of the built store."""
    store = tmp_path / "store"
    shutil.copytree(built_store, store, symlinks=True)
    app = create_app({"store": str(store), "base_iri": BASE, "testing": True, "update_token": TOKEN,
                      "query_workers": 1})
    yield app.test_client()
    app.extensions["rolegraph.executor"].close()


def ask(client, query: str, **params) -> bool:
    response = client.get("/sparql", query_string={"query": query, **params},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.data
    return response.json["boolean"]


def update(client, text: str, query_string: dict | None = None):
    return client.post("/sparql", data=text, content_type=UPDATE, headers=AUTH, query_string=query_string or {})


# ---------------------------------------------------------------- 1. a failed update blocks nothing

def test_an_update_after_a_failed_one_is_applied_at_once(writable):
    gc.disable()  # the garbage collector no longer frees what the failed update's traceback holds
    try:
        for broken in ("INSERT DATA { <a> ", "CLEAR XYZ"):
            failed = update(writable, broken)
            assert failed.status_code == 400 and failed.json["error"]["code"] == "query"
            applied = update(writable, f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}s> <{EX}p> <{EX}o> }} }}")
            assert applied.status_code == 200, applied.json
        form = writable.post("/sparql", data={"update": "INSERT DATA { <a> "}, headers=AUTH)
        assert form.status_code == 400
        assert update(writable, f"CLEAR GRAPH <{EX}g>").status_code == 200
    finally:
        gc.enable()
    assert not ask(writable, f"ASK {{ <{EX}s> ?p ?o }}")


def test_an_update_syntax_error_keeps_the_parsers_message_and_position(writable):
    failed = update(writable, "INSERT DATA {\n  <http://a> <http://b> }")
    error = failed.json["error"]
    assert failed.status_code == 400 and error["details"]["position"] == "2:25"
    assert error["message"].startswith("SPARQL Update syntax error: error at 2:25: expected")


# ---------------------------------------------------------------- 2. the base IRI

def test_relative_iris_of_a_query_resolve_against_the_request_iri(client):
    response = client.post("/sparql", data="CONSTRUCT { <s> <p> 1 } WHERE {}", content_type=QUERY,
                           headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.data.decode() == '<http://localhost/s> <http://localhost/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    assert ask(client, "ASK { FILTER (<x> = <http://localhost/x>) }")
    assert ask(client, "BASE <http://example.org/b/> ASK { FILTER (<x> = <http://example.org/b/x>) }")


def test_relative_iris_of_an_update_resolve_against_the_request_iri(writable):
    assert update(writable, f"INSERT DATA {{ GRAPH <{EX}base> {{ <{EX}s> <{EX}p> <test> }} }}").status_code == 200
    assert ask(writable, f"ASK {{ GRAPH <{EX}base> {{ <{EX}s> <{EX}p> <http://localhost/test> }} }}")


# ---------------------------------------------------------------- 3, 4. format names and media types

CONSTRUCT = f"CONSTRUCT {{ <{ROLE}> ?p ?o }} WHERE {{ <{ROLE}> ?p ?o }}"
SELECT = "SELECT ?r WHERE { ?r a <https://w3id.org/rolegraph/ontology#Role> } ORDER BY ?r LIMIT 2"
ASK = f"ASK {{ <{ROLE}> ?p ?o }}"


@pytest.mark.parametrize("query,params,accept,media", [
    # What SPARQLWrapper sends by default (format=xml) and with JSON, for each form.
    (CONSTRUCT, {"format": "xml"}, "application/rdf+xml", "application/rdf+xml"),
    (CONSTRUCT, {"format": "json"}, "*/*", "application/ld+json"),
    (CONSTRUCT, {"format": ["json-ld", "application/ld+json"]}, "application/ld+json", "application/ld+json"),
    (CONSTRUCT, {"format": ["rdf+xml", "application/rdf+xml"]}, "application/rdf+xml", "application/rdf+xml"),
    (SELECT, {"format": "xml"}, "application/sparql-results+xml", "application/sparql-results+xml"),
    (SELECT, {"format": ["tsv", "text/tab-separated-values"]}, "text/tab-separated-values", "text/tab-separated-values"),
    (ASK, {"format": "json"}, "application/sparql-results+json", "application/sparql-results+json"),
    # Common Accept values, per form.
    (SELECT, {}, "application/json", "application/sparql-results+json"),
    (ASK, {}, "application/json", "application/sparql-results+json"),
    (CONSTRUCT, {}, "application/json", "application/ld+json"),
    (SELECT, {}, "application/xml", "application/sparql-results+xml"),
    (SELECT, {}, "text/xml", "application/sparql-results+xml"),
    (CONSTRUCT, {}, "application/xml", "application/rdf+xml"),
    (CONSTRUCT, {}, "text/xml", "application/rdf+xml"),
    (SELECT, {}, "text/plain", "text/csv"),
    (CONSTRUCT, {}, "text/plain", "application/n-triples"),
    (CONSTRUCT, {}, "text/n3", "text/turtle"),
    (f"DESCRIBE <{ROLE}>", {}, "application/json", "application/ld+json"),
])
def test_the_names_clients_send_get_the_format_meant_for_the_query_form(client, query, params, accept, media):
    response = client.get("/sparql", query_string={"query": query, **params}, headers={"Accept": accept})
    assert response.status_code == 200, response.data
    assert response.mimetype == media
    if media in ("application/rdf+xml", "application/ld+json", "application/n-triples", "text/turtle"):
        parser = {"application/rdf+xml": "xml", "application/ld+json": "json-ld", "application/n-triples": "nt",
                  "text/turtle": "turtle"}[media]
        graph = rdflib.Graph().parse(data=response.data, format=parser)
        assert (rdflib.URIRef(ROLE), rdflib.RDF.type, rdflib.URIRef("https://w3id.org/rolegraph/ontology#Role")) in graph


def test_a_format_that_does_not_fit_the_query_form_is_406_naming_it(client):
    response = client.get("/sparql", query_string={"query": SELECT, "format": "turtle"})
    assert response.status_code == 406 and "'turtle'" in response.json["error"]["message"]


# ---------------------------------------------------------------- 5. form updates and their dataset

def test_a_form_update_is_applied_with_the_token_and_refused_without(writable):
    insert = f"INSERT DATA {{ GRAPH <{EX}form> {{ <{EX}s> <{EX}p> 1 }} }}"
    refused = writable.post("/sparql", data={"update": insert})
    assert refused.status_code == 401 and not ask(writable, f"ASK {{ GRAPH <{EX}form> {{ ?s ?p ?o }} }}")
    applied = writable.post("/sparql", data={"update": insert}, headers=AUTH)
    assert applied.status_code == 200 and ask(writable, f"ASK {{ GRAPH <{EX}form> {{ <{EX}s> <{EX}p> 1 }} }}")


SETUP = f"""INSERT DATA {{ GRAPH <{EX}one> {{ <{EX}a> a <{EX}Doc> }} GRAPH <{EX}two> {{ <{EX}b> a <{EX}Doc> }}
                      GRAPH <{EX}three> {{ <{EX}c> a <{EX}Doc> }} }}"""


def test_using_graph_uri_is_the_default_graph_of_each_where(writable):
    assert update(writable, SETUP).status_code == 200
    copy = f"INSERT {{ GRAPH <{EX}out> {{ ?s a <{EX}Seen> }} }} WHERE {{ ?s a <{EX}Doc> }}"
    seen = f"SELECT ?s WHERE {{ GRAPH <{EX}out> {{ ?s a <{EX}Seen> }} }} ORDER BY ?s"
    assert update(writable, copy).status_code == 200  # the store's default graph is empty: all is in named graphs
    assert rows(writable, seen) == []
    # By the URL of a direct POST, then in the form.
    assert update(writable, copy, {"using-graph-uri": [f"{EX}one", f"{EX}two"]}).status_code == 200
    assert rows(writable, seen) == [f"{EX}a", f"{EX}b"]
    form = writable.post("/sparql", data={"update": copy, "using-graph-uri": f"{EX}three"}, headers=AUTH)
    assert form.status_code == 200 and rows(writable, seen) == [f"{EX}a", f"{EX}b", f"{EX}c"]


def rows(client, query: str) -> list[str]:
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    return [binding["s"]["value"] for binding in response.json["results"]["bindings"]]


def test_using_named_graph_uri_names_the_graphs_a_where_may_visit(writable):
    assert update(writable, SETUP).status_code == 200
    text = f"INSERT {{ GRAPH <{EX}out> {{ ?s <{EX}in> ?g }} }} WHERE {{ GRAPH ?g {{ ?s a <{EX}Doc> }} }}"
    response = update(writable, text, {"using-graph-uri": f"{EX}one", "using-named-graph-uri": f"{EX}two"})
    assert response.status_code == 200
    assert ask(writable, f"ASK {{ GRAPH <{EX}out> {{ <{EX}b> <{EX}in> <{EX}two> }} "
                         f"FILTER NOT EXISTS {{ GRAPH <{EX}out> {{ <{EX}a> ?p ?o }} }} }}")


def test_delete_where_takes_the_using_graph_too(writable):
    assert update(writable, SETUP).status_code == 200
    # DELETE WHERE reads the protocol's default graph, and deletes from the store's default graph: nothing
    # there, so nothing is deleted; the point is that the dataset applies and the update is valid.
    response = update(writable, f"DELETE WHERE {{ ?s a <{EX}Doc> }}", {"using-graph-uri": f"{EX}one"})
    assert response.status_code == 200
    removed = update(writable, f"DELETE {{ GRAPH <{EX}one> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}",
                     {"using-graph-uri": f"{EX}one"})
    assert removed.status_code == 200 and not ask(writable, f"ASK {{ GRAPH <{EX}one> {{ ?s ?p ?o }} }}")
    assert ask(writable, f"ASK {{ GRAPH <{EX}two> {{ <{EX}b> ?p ?o }} }}")


@pytest.mark.parametrize("text,params,fragment", [
    (f"WITH <{EX}one> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}", {"using-graph-uri": f"{EX}two"}, "WITH"),
    (f"DELETE {{ ?s ?p ?o }} USING <{EX}one> WHERE {{ ?s ?p ?o }}", {"using-named-graph-uri": f"{EX}two"}, "USING"),
    ("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", {"using-graph-uri": "not an iri"}, "absolute IRI"),
    ("CLEAR ALL", {"default-graph-uri": f"{EX}one"}, "default-graph-uri applies to a query"),
])
def test_dataset_parameters_that_cannot_apply_are_refused(writable, text, params, fragment):
    response = update(writable, text, params)
    assert response.status_code == 400 and fragment in response.json["error"]["message"]


def test_an_update_syntax_error_is_placed_in_the_text_sent_not_the_rewritten_one(writable):
    text = "INSERT { ?s ?p ?o }\nWHERE { ?s ?p ?o ."
    plain, using = update(writable, text), update(writable, text, {"using-graph-uri": f"{EX}one"})
    assert plain.status_code == using.status_code == 400
    assert plain.json["error"]["details"]["position"] == using.json["error"]["details"]["position"] == "2:19"


# ---------------------------------------------------------------- 6. wrong requests

@pytest.mark.parametrize("method,path,kwargs,status,fragment", [
    ("get", "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", {}, 400, "given 2 times"),
    ("post", "/sparql", {"data": "query=ASK+%7B%7D&query=ASK+%7B%7D",
                         "content_type": "application/x-www-form-urlencoded"}, 400, "given 2 times"),
    ("get", "/sparql?update=CLEAR%20ALL", {}, 400, "cannot be sent with GET"),
    ("get", "/sparql?graph=http%3A%2F%2Fexample.org%2Fg", {}, 400, "Graph Store Protocol"),
    ("get", "/sparql?default", {}, 400, "Graph Store Protocol"),
    ("post", "/sparql", {"data": b"ASK { FILTER (\"\xff\" = \"\") }", "content_type": QUERY}, 400, "not valid UTF-8"),
    ("get", "/sparql?query=ASK%20%7B%7D%20%23%FF", {}, 400, "not valid UTF-8"),
    ("post", "/sparql", {"data": "query=ASK+%7B%7D+%23%C3", "content_type": "application/x-www-form-urlencoded"},
     400, "not valid UTF-8"),
    ("post", "/sparql", {"data": "ASK {}".encode("utf-16"), "content_type": QUERY + "; charset=UTF-16"},
     415, "UTF-8 only"),
    ("post", "/sparql", {"data": "ASK {}", "content_type": "text/plain"}, 415, "application/sparql-query"),
    ("post", "/sparql", {"data": "query=ASK+%7B%7D"}, 415, "none"),
    ("post", "/sparql", {"data": "query=ASK+%7B%7D&update=CLEAR+ALL",
                         "content_type": "application/x-www-form-urlencoded"}, 400, "not both"),
    ("post", "/sparql?query=ASK%20%7B%7D", {"data": "ASK {}", "content_type": QUERY}, 400, "as the body"),
    ("put", "/sparql?query=ASK%20%7B%7D", {}, 405, "not allowed"),
])
def test_wrong_requests_are_refused_in_the_one_error_shape(client, method, path, kwargs, status, fragment):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status, response.data
    assert set(response.json["error"]) == {"code", "message", "details"} and fragment in response.json["error"]["message"]
    if status == 405:
        assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


# ---------------------------------------------------------------- 7. headers for caches and browsers

def test_every_sparql_answer_varies_on_accept(client):
    answers = [client.get("/sparql", query_string={"query": "ASK {}"}), client.get("/sparql"),
               client.get("/sparql", query_string={"query": "ASK {"})]
    assert [r.status_code for r in answers] == [200, 200, 400]
    assert all("Accept" in r.headers.get("Vary", "") for r in answers)


def test_head_without_a_query_has_the_service_descriptions_headers(client):
    head, get = client.head("/sparql", headers={"Accept": "text/turtle"}), client.get("/sparql", headers={"Accept": "text/turtle"})
    assert head.status_code == get.status_code == 200 and head.data == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert head.headers["Content-Length"] == get.headers["Content-Length"]


@pytest.mark.parametrize("path", ["/sparql", "/id/role/back-end-developer", "/api/queries", "/api/queries/roles",
                                  "/.well-known/void", "/export.nt", "/context.jsonld"])
def test_cross_origin_reads_and_preflights_with_x_requested_with(client, path):
    preflight = client.options(path, headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET",
                                              "Access-Control-Request-Headers": "x-requested-with, accept"})
    assert preflight.status_code in (200, 204)
    allowed = {h.strip().lower() for h in preflight.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"x-requested-with", "accept", "authorization", "content-type"} <= allowed
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    read = client.get(path, headers={"Origin": "https://app.example", "Accept": "text/turtle, application/json;q=0.5"})
    assert read.status_code == 200 and read.headers["Access-Control-Allow-Origin"] == "*"


def test_pages_for_people_are_not_shared_across_origins(client):
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


# ---------------------------------------------------------------- 7. one JSON-LD form

def test_json_ld_is_compacted_with_our_context_on_the_endpoint_the_linked_data_and_void(client):
    context = client.get("/context.jsonld").json["@context"]
    assert context == jsonld.context()
    sparql = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "application/ld+json"})
    page = client.get("/id/role/back-end-developer", headers={"Accept": "application/ld+json"})
    void = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    for response in (sparql, page, void):
        document = json.loads(response.data)
        assert document["@context"] == context and "@graph" in document
    # The endpoint's JSON-LD is the same graph as its N-Triples, expanded by a JSON-LD processor.
    nt = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "application/n-triples"}).data
    expanded = pyld.to_rdf(json.loads(sparql.data), {"format": "application/n-quads"})
    assert rdflib.Graph().parse(data=expanded, format="nt").isomorphic(rdflib.Graph().parse(data=nt, format="nt"))
    assert any(key.startswith("rg:") for node in json.loads(sparql.data)["@graph"] for key in node)


def test_a_triple_term_in_json_ld_is_a_clear_400(client):
    query = "CONSTRUCT { <http://a> <http://b> <<( <http://s> <http://p> <http://o> )>> } WHERE {}"
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/ld+json"})
    assert response.status_code == 400 and "JSON-LD cannot write the triple term" in response.json["error"]["message"]
    turtle = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and b"<<(" in turtle.data


@settings(max_examples=400)
@given(st.lists(st.one_of(st.sampled_from([b"%", b"\\", b"+", b"%2", b"%zz", b"%C3%A9", b"%5C", b"\\x41", b"%%41"]),
                          st.binary(max_size=6)), max_size=12).map(b"".join))
def test_percent_decoding_gives_what_the_standard_library_gives(data):
    assert protocol.percent_decoded(data) == unquote_to_bytes(data)


def test_a_query_string_with_every_escape_kind_reaches_the_query_intact(writable):
    # A backslash, an escaped backslash and a stray "%" in a literal: the fast decoding must keep all three.
    text = 'ASK { FILTER ("a\\\\b %5C 100% \\u00e9" = "a\\\\b %5C 100% é") }'
    assert ask(writable, text) is True

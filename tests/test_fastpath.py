"""Plain query requests answered without Flask: the same answers, headers and errors as ``/sparql``
gives through Flask (a form POST of the same query whose Content-Type names its charset takes the
Flask route)."""
from __future__ import annotations

import urllib.parse

import pytest
from conftest import BASE

RG = "https://w3id.org/rolegraph/ontology#"
ROLES = f"SELECT ?r WHERE {{ ?r a <{RG}Role> }} ORDER BY ?r"
JSON = "application/sparql-results+json"


@pytest.fixture()
def served(built_store):
    """A client, the app and the list of requests Flask itself handled (a hook of the app, which the fast
    path never runs)."""
    from rolegraph.server import create_app

    app = create_app({"store": str(built_store), "base_iri": BASE, "testing": True, "query_workers": 1,
                      "result_cache_mb": 0, "max_rows": 2})
    through_flask = []

    @app.before_request
    def _seen():
        from flask import request

        through_flask.append(request.full_path)

    yield app.test_client(), through_flask
    app.extensions["rolegraph.executor"].close()


def _form(client, query: str, accept: str = JSON, **extra):
    """The query as a form POST that the fast path leaves to Flask (a charset parameter)."""
    return client.post("/sparql", data=urllib.parse.urlencode({"query": query, **extra}),
                       content_type="application/x-www-form-urlencoded; charset=utf-8", headers={"Accept": accept})


def _get(client, query: str, accept: str = JSON, **extra):
    return client.get("/sparql?" + urllib.parse.urlencode({"query": query, **extra}), headers={"Accept": accept})


def _same(fast, flask) -> None:
    assert fast.status_code == flask.status_code
    assert fast.get_data() == flask.get_data()
    assert sorted(fast.headers.items()) == sorted(flask.headers.items())


def test_a_get_query_skips_flask_and_answers_what_flask_answers(served):
    client, through_flask = served
    fast = _get(client, ROLES)
    assert through_flask == []
    flask = _form(client, ROLES)
    assert len(through_flask) == 1
    _same(fast, flask)
    assert fast.headers["X-Rolegraph-Truncated"] == "2"  # the row cap holds on the fast path
    assert len(fast.get_json()["results"]["bindings"]) == 2
    assert fast.headers["Access-Control-Allow-Origin"] == "*" and fast.headers["Vary"] == "Accept"


def test_a_sparql_query_body_and_head_are_fast_too(served):
    client, through_flask = served
    posted = client.post("/sparql", data=ROLES.encode(), content_type="application/sparql-query",
                         headers={"Accept": "text/csv"})
    head = client.head("/sparql?" + urllib.parse.urlencode({"query": ROLES}), headers={"Accept": JSON})
    assert through_flask == []
    assert posted.status_code == 200 and posted.get_data().decode().splitlines()[0] == "r"
    assert head.status_code == 200 and head.get_data() == b""
    assert int(head.headers["Content-Length"]) == len(_form(client, ROLES).get_data())


def test_a_form_post_of_a_query_is_fast_too(served):
    """What SPARQL clients send most (SPARQLWrapper, our push bench): the form, with its dataset."""
    client, through_flask = served
    graph = f"{BASE}graph/fiches"
    fast = client.post("/sparql", data={"query": ROLES, "default-graph-uri": graph}, headers={"Accept": JSON})
    assert through_flask == []
    _same(fast, _form(client, ROLES, **{"default-graph-uri": graph}))
    assert len(through_flask) == 1 and len(fast.get_json()["results"]["bindings"]) == 2
    empty = client.post("/sparql", data={"query": ROLES, "default-graph-uri": "urn:none"}, headers={"Accept": JSON})
    assert empty.status_code == 200 and empty.get_json()["results"]["bindings"] == []  # the dataset is applied
    client.post("/sparql", data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"})
    client.post("/sparql?default-graph-uri=urn:x", data={"query": ROLES})
    assert len(through_flask) == 3  # an update, or parameters in the URL too: Flask decides


@pytest.mark.parametrize("query, status, code", [
    ("SELECT WHERE {", 400, "query"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 403, None),
])
def test_errors_have_the_one_shape_and_headers_of_the_flask_route(served, query, status, code):
    client, _ = served
    fast, flask = _get(client, query), _form(client, query)
    assert fast.status_code == status
    _same(fast, flask)
    body = fast.get_json()["error"]
    assert set(body) == {"code", "message", "details"} and (code is None or body["code"] == code)


@pytest.mark.parametrize("extra", [{"format": "csv"}, {"timeout": "3"}])
def test_requests_with_other_parameters_go_through_flask(served, extra):
    client, through_flask = served
    answer = _get(client, ROLES, **extra)
    assert len(through_flask) == 1
    assert answer.status_code in (200, 400)


def test_an_unacceptable_accept_is_answered_406_by_flask(served):
    client, _ = served
    _same(_get(client, ROLES, accept="image/png"), _form(client, ROLES, accept="image/png"))
    assert _get(client, ROLES, accept="image/png").status_code == 406

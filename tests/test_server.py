"""The Flask app through its test client: health, SPARQL, named queries, one error shape."""
import json
import re

import pytest

from conftest import BASE
from server import create_app

BACKEND = BASE + "role/back-end-developer"


def test_health_names_the_published_generation(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok" and response.json["generation"] == "000001"


def test_health_without_a_store_is_503_in_the_json_error_shape(tmp_path):
    client = create_app({"store": str(tmp_path / "none")}).test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "store" and "rolegraph build" in response.json["error"]["message"]


def test_sparql_get_and_post_return_the_same_answer(client):
    query = "PREFIX rg: <https://w3id.org/rolegraph/ontology#> SELECT (COUNT(?d) AS ?n) WHERE { ?d a rg:SourceDocument }"
    got = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    posted = client.post("/sparql", data=query, content_type="application/sparql-query")
    form = client.post("/sparql", data={"query": query})
    for response in (got, posted, form):
        assert response.status_code == 200
        assert response.content_type == "application/sparql-results+json"
        assert json.loads(response.data)["results"]["bindings"][0]["n"]["value"] == "5"


def test_results_format_follows_accept_and_refuses_the_unacceptable(client):
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/rolegraph/ontology#Role> } LIMIT 1"
    csv = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv;q=0.9, application/xml;q=0.1"})
    assert csv.status_code == 200 and csv.content_type.startswith("text/csv") and csv.data.startswith(b"s\r\n")
    refused = client.get("/sparql", query_string={"query": query}, headers={"Accept": "image/png"})
    assert refused.status_code == 406 and refused.json["error"]["code"] == "not-acceptable"
    construct = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 2"
    turtle = client.get("/sparql", query_string={"query": construct}, headers={"Accept": "text/turtle"})
    assert turtle.content_type.startswith("text/turtle") and b" a " in turtle.data


def test_a_syntax_error_is_a_400_with_the_position(client):
    response = client.get("/sparql", query_string={"query": "SELEC ?x WHERE {}"})
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "query" and "syntax error" in error["message"]
    assert re.fullmatch(r"1:\d+", error["details"]["position"])


def test_updates_are_refused(client):
    response = client.post("/sparql", data="DROP ALL", content_type="application/sparql-update")
    assert response.status_code == 403


def test_named_queries_are_listed_with_their_parameters(client):
    listed = {q["name"]: q for q in client.get("/api/queries").json["queries"]}
    assert {"fact-evidence", "role-tools", "counts"} <= set(listed)
    assert listed["role-tools"]["parameters"][0]["type"] == "iri"


def test_a_named_query_answers_with_bound_parameters(client):
    response = client.get("/api/queries/role-tools", query_string={"role": BACKEND})
    assert response.status_code == 200
    tools = {row["label"]: row for row in response.json["rows"]}
    assert tools["Python"]["support"] == 4 and tools["Python"]["category"] == "language"


def test_a_parameter_carrying_sparql_is_a_value_not_code(client):
    hostile = 'x" } ?s ?p ?o . FILTER("1'
    response = client.get("/api/queries/fact-sources-by-label", query_string={"role_label": hostile, "value_label": "Python"})
    assert response.status_code == 200 and response.json["rows"] == []
    iri = client.get("/api/queries/role-tools", query_string={"role": BACKEND + "> } UNION { ?s ?p ?o"})
    assert iri.status_code == 400 and iri.json["error"]["code"] == "query"


@pytest.mark.parametrize("query,params", [("nope", {}), ("role-tools", {})])
def test_unknown_query_or_missing_parameter(client, query, params):
    response = client.get(f"/api/queries/{query}", query_string=params)
    assert response.status_code in (400, 404) and "error" in response.json


def test_ask_answers_in_the_negotiated_format(client):
    query = "ASK { ?s a <https://w3id.org/rolegraph/ontology#Role> }"
    json_answer = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert json.loads(json_answer.data)["boolean"] is True
    xml_answer = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+xml"})
    assert xml_answer.content_type.startswith("application/sparql-results+xml") and b"<boolean>true</boolean>" in xml_answer.data


def test_default_graph_uri_restricts_the_dataset(client):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://www.w3.org/2002/07/owl#Class> }"
    everything = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    only_fiches = client.get("/sparql", query_string={"query": query, "default-graph-uri": BASE + "graph/fiches"},
                             headers={"Accept": "application/sparql-results+json"})
    count = lambda r: int(json.loads(r.data)["results"]["bindings"][0]["n"]["value"])  # noqa: E731
    assert count(everything) > 20 and count(only_fiches) == 0


def test_get_without_query_describes_the_service(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.content_type.startswith("text/turtle")
    assert b"sparql-service-description#Service" in response.data and b"/sparql>" in response.data


def test_cors_for_browser_clients(client):
    response = client.get("/sparql", query_string={"query": "ASK {}"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"

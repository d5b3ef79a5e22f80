"""The Flask app through its test client: health, SPARQL, named queries, one error shape."""
import json
import re

import pytest

from conftest import BASE
from rolegraph.server import create_app

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
        assert json.loads(response.data)["results"]["bindings"][0]["n"]["value"] == "6"


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


def test_an_unknown_query_is_not_found_by_its_name(client):
    response = client.get("/api/queries/nope")
    error = response.json["error"]
    assert response.status_code == 404 and error["code"] == "not-found" and error["details"]["query"] == "nope"
    assert "'nope'" in error["message"]


def test_a_missing_parameter_is_a_query_error_naming_it(client):
    response = client.get("/api/queries/role-tools")
    error = response.json["error"]
    assert response.status_code == 400 and error["code"] == "query" and error["details"]["query"] == "role-tools"
    assert "needs parameter role" in error["message"]


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


# ---------------------------------------------------------------- limits, refusals, updates

ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ROLES = "SELECT ?r WHERE { ?r a <https://w3id.org/rolegraph/ontology#Role> } ORDER BY ?r"
TOKEN = "s3cret-update-token"


def make_client(store, **settings):
    app = create_app({"store": str(store), "base_iri": BASE, "testing": True, **settings})
    return app, app.test_client()


def test_a_query_past_the_time_limit_is_a_503_and_the_next_one_is_answered(built_store):
    app, client = make_client(built_store, query_timeout=1.0, query_workers=1)
    try:
        stopped = client.get("/sparql", query_string={"query": ENDLESS})
        assert stopped.status_code == 503
        assert stopped.json["error"]["code"] == "query-timeout" and "1 s limit" in stopped.json["error"]["message"]
        after = client.get("/sparql", query_string={"query": ROLES}, headers={"Accept": "text/csv"})
        assert after.status_code == 200 and BACKEND.encode() in after.data
    finally:
        app.extensions["rolegraph.executor"].close()


def test_rows_beyond_max_rows_are_cut_and_the_header_says_so(built_store):
    app, client = make_client(built_store, max_rows=2)
    try:
        cut = client.get("/sparql", query_string={"query": ROLES}, headers={"Accept": "application/sparql-results+json"})
        assert cut.headers["X-Rolegraph-Truncated"] == "2" and len(cut.json["results"]["bindings"]) == 2
        whole = client.get("/sparql", query_string={"query": ROLES + " LIMIT 2"})
        assert "X-Rolegraph-Truncated" not in whole.headers
        api = client.get("/api/queries/role-tools", query_string={"role": BACKEND})
        assert api.json["truncated"] is True and len(api.json["rows"]) == 2 and api.headers["X-Rolegraph-Truncated"] == "2"
    finally:
        app.extensions["rolegraph.executor"].close()


def test_oversized_bodies_and_query_strings_are_refused(built_store):
    app, client = make_client(built_store, max_request_bytes=2000)
    try:
        padding = "#" + "x" * 3000 + "\n"
        body = client.post("/sparql", data=padding + ROLES, content_type="application/sparql-query")
        assert body.status_code == 413 and body.json["error"]["code"] == "request-entity-too-large"
        form = client.post("/sparql", data={"query": padding + ROLES})
        assert form.status_code == 413
        get = client.get("/sparql", query_string={"query": padding + ROLES})
        assert get.status_code == 414 and "POST the query" in get.json["error"]["message"]
        small = client.post("/sparql", data=ROLES, content_type="application/sparql-query")
        assert small.status_code == 200
    finally:
        app.extensions["rolegraph.executor"].close()


def test_service_is_refused_in_queries_but_the_word_as_data_is_not(client):
    refused = client.get("/sparql", query_string={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "query-refused"
    assert refused.json["error"]["details"]["keyword"] == "SERVICE"
    words = client.get("/sparql", query_string={"query": 'SELECT ?x WHERE { BIND("SERVICE and LOAD" AS ?x) }'},
                       headers={"Accept": "text/csv"})
    assert words.status_code == 200 and b"SERVICE and LOAD" in words.data


def test_service_is_refused_in_a_named_query_and_a_parameter_cannot_inject_it(client, monkeypatch):
    from rolegraph import queries

    remote = queries.NamedQuery("remote", "Remote", "Asks another endpoint.", (),
                                "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    monkeypatch.setitem(queries.catalogue(), "remote", remote)
    refused = client.get("/api/queries/remote")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "query-refused"
    injected = client.get("/api/queries/roles-for-label",
                          query_string={"label": "x\") } SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } #"})
    assert injected.status_code == 200 and injected.json["rows"] == []
    python = client.get("/api/queries/roles-for-label", query_string={"label": "Python"})
    assert BACKEND in {row["role"] for row in python.json["rows"]}


def test_service_is_allowed_by_the_setting(built_store):
    app, client = make_client(built_store, allow_service=True)
    try:
        # Port 9 (discard) refuses: the query reaches evaluation instead of being refused up front.
        response = client.get("/sparql", query_string={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
        assert response.status_code == 400 and response.json["error"]["code"] == "query"
    finally:
        app.extensions["rolegraph.executor"].close()


@pytest.fixture()
def writable(tmp_path, built_store):
    """A copy of the built store that updates may change, and a client with updates enabled."""
    import shutil

    store = tmp_path / "store"
    shutil.copytree(built_store, store, symlinks=True)
    app, client = make_client(store, update_token=TOKEN, query_workers=1)
    yield store, client
    app.extensions["rolegraph.executor"].close()


NEW_DOCUMENT = "INSERT DATA { <https://example.org/new-doc> a <https://w3id.org/rolegraph/ontology#SourceDocument> }"
COUNT_DOCUMENTS = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a <https://w3id.org/rolegraph/ontology#SourceDocument> }"


def documents(client) -> int:
    response = client.get("/sparql", query_string={"query": COUNT_DOCUMENTS}, headers={"Accept": "application/sparql-results+json"})
    return int(response.json["results"]["bindings"][0]["n"]["value"])


def test_an_update_with_the_token_publishes_a_new_generation(writable, caplog):
    _, client = writable
    assert documents(client) == 6
    with caplog.at_level("DEBUG"):
        response = client.post("/sparql", data=NEW_DOCUMENT, content_type="application/sparql-update",
                               headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200 and response.json["generation"] == "000002"
    assert documents(client) == 7 and client.get("/healthz").json["generation"] == "000002"
    assert caplog.records and not any(TOKEN in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("headers,status,code", [
    ({}, 401, "unauthorized"),
    ({"Authorization": "Bearer wrong-token"}, 401, "unauthorized"),
    ({"Authorization": f"Basic {TOKEN}"}, 401, "unauthorized"),
])
def test_an_update_without_the_right_token_is_refused(writable, headers, status, code):
    _, client = writable
    response = client.post("/sparql", data=NEW_DOCUMENT, content_type="application/sparql-update", headers=headers)
    assert response.status_code == status and response.json["error"]["code"] == code
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert documents(client) == 6


def test_a_failed_update_publishes_nothing(writable):
    store, client = writable
    auth = {"Authorization": f"Bearer {TOKEN}"}
    broken = client.post("/sparql", data="INSERT DATA { <a> ", content_type="application/sparql-update", headers=auth)
    assert broken.status_code == 400 and "syntax error" in broken.json["error"]["message"]
    load = client.post("/sparql", data="LOAD <http://127.0.0.1:9/data.ttl>", content_type="application/sparql-update",
                       headers=auth)
    assert load.status_code == 403 and load.json["error"]["details"]["keyword"] == "LOAD"
    form = client.post("/sparql", data={"update": "INSERT DATA { <a> "}, headers=auth)
    assert form.status_code == 400 and form.json["error"]["details"]["position"] == "1:19"
    from rolegraph.core.store import current_generation

    assert current_generation(store).name == "000001" and documents(client) == 6


def test_the_service_description_announces_updates_only_with_a_token(writable, client):
    _, with_token = writable
    assert b"SPARQL11Update" in with_token.get("/sparql", headers={"Accept": "text/turtle"}).data
    assert b"SPARQL11Update" not in client.get("/sparql", headers={"Accept": "text/turtle"}).data


def test_updates_are_refused_with_403_when_no_token_is_configured(client):
    response = client.post("/sparql", data=NEW_DOCUMENT, content_type="application/sparql-update",
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"


def test_the_worker_memory_limit_comes_from_the_environment_and_config(built_store, monkeypatch):
    monkeypatch.setenv("ROLEGRAPH_MAX_WORKER_RSS_MB", "1")
    app, client = make_client(built_store, query_workers=1, result_cache_mb=0)
    executor = app.extensions["rolegraph.executor"]
    try:
        pids = []
        for _ in range(2):
            answer = client.get("/sparql", query_string={"query": ROLES}, headers={"Accept": "text/csv"})
            assert answer.status_code == 200 and BACKEND.encode() in answer.data
            pids += executor.pids
        assert executor.max_rss_mb == 1 and executor.recycled == 2 and len(set(pids)) == 2
    finally:
        executor.close()
    app, _ = make_client(built_store, max_worker_rss_mb=0)
    assert app.extensions["rolegraph.executor"].max_rss_mb == 0

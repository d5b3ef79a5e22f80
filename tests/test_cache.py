"""The answer cache: whole HTTP answers replayed for the published generation, validators, and what
is never cached."""
from __future__ import annotations

import logging
import shutil

import pytest
from conftest import BASE

from rolegraph.core.store import publishing
from rolegraph.server.cache import ResultCache

RG = "https://w3id.org/rolegraph/ontology#"
DOCUMENTS = f"SELECT (COUNT(?d) AS ?n) WHERE {{ ?d a <{RG}SourceDocument> }}"
JSON = "application/sparql-results+json"


@pytest.fixture()
def served(tmp_path, built_store):
    """A client on a copy of the built store, and the list of queries that reached the workers."""
    from rolegraph.server import create_app

    store = tmp_path / "store"
    shutil.copytree(built_store, store, symlinks=True)
    app = create_app({"store": str(store), "base_iri": BASE, "testing": True, "query_workers": 1,
                      "update_token": "s3cret-token"})
    executor = app.extensions["rolegraph.executor"]
    evaluated = []
    run = executor.run

    def counting(job):
        evaluated.append(job.query)
        return run(job)

    executor.run = counting
    yield store, app.test_client(), evaluated
    executor.close()


def documents(response) -> int:
    return int(response.json["results"]["bindings"][0]["n"]["value"])


def test_a_repeated_query_is_answered_once_by_the_workers(served):
    _, client, evaluated = served
    first = client.get("/sparql", query_string={"query": DOCUMENTS}, headers={"Accept": JSON})
    second = client.get("/sparql", query_string={"query": DOCUMENTS}, headers={"Accept": JSON})
    assert documents(first) == documents(second) == 6
    assert evaluated == [DOCUMENTS]
    assert second.headers["ETag"] == first.headers["ETag"] and second.headers["Content-Type"] == first.headers["Content-Type"]
    assert second.headers["Access-Control-Allow-Origin"] == "*"


def test_each_media_type_and_each_posted_body_is_its_own_entry(served):
    _, client, evaluated = served
    as_json = client.get("/sparql", query_string={"query": DOCUMENTS}, headers={"Accept": JSON})
    as_csv = client.get("/sparql", query_string={"query": DOCUMENTS}, headers={"Accept": "text/csv"})
    assert documents(as_json) == 6 and as_csv.data.decode().splitlines() == ["n", "6"]
    posted = [client.post("/sparql", data=DOCUMENTS, content_type="application/sparql-query", headers={"Accept": JSON})
              for _ in range(2)]
    other = client.post("/sparql", data=DOCUMENTS.replace("?n", "?count"), content_type="application/sparql-query",
                        headers={"Accept": JSON})
    assert [documents(r) for r in posted] == [6, 6] and "count" in other.json["head"]["vars"]
    assert len(evaluated) == 4  # JSON, CSV, the first POST and the other body


def test_a_new_generation_is_answered_afresh(served):
    store, client, evaluated = served
    ask = lambda: client.get("/sparql", query_string={"query": DOCUMENTS}, headers={"Accept": JSON})  # noqa: E731
    assert documents(ask()) == 6
    with publishing(store) as writable:
        writable.update(f"INSERT DATA {{ <https://example.org/doc> a <{RG}SourceDocument> }}")
    assert documents(ask()) == 7 and documents(ask()) == 7
    assert len(evaluated) == 2


def test_if_none_match_gets_not_modified_while_the_answer_lasts(served):
    store, client, _ = served
    etag = client.get("/sparql", query_string={"query": DOCUMENTS}, headers={"Accept": JSON}).headers["ETag"]
    again = client.get("/sparql", query_string={"query": DOCUMENTS}, headers={"Accept": JSON, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    other = client.get("/sparql", query_string={"query": DOCUMENTS}, headers={"Accept": JSON, "If-None-Match": '"x"'})
    assert other.status_code == 200 and documents(other) == 6
    with publishing(store) as writable:
        writable.update(f"INSERT DATA {{ <https://example.org/doc> a <{RG}SourceDocument> }}")
    changed = client.get("/sparql", query_string={"query": DOCUMENTS}, headers={"Accept": JSON, "If-None-Match": etag})
    assert changed.status_code == 200 and documents(changed) == 7


def test_errors_updates_and_authorised_requests_are_never_replayed(served):
    _, client, evaluated = served
    for _ in range(2):
        assert client.get("/sparql", query_string={"query": "SELECT nonsense"}).status_code == 400
        assert client.get("/sparql", query_string={"query": DOCUMENTS}, headers={"Accept": JSON,
                          "Authorization": "Bearer anything"}).status_code == 200
    assert evaluated == ["SELECT nonsense", DOCUMENTS] * 2
    update = f"INSERT DATA {{ <https://example.org/doc> a <{RG}SourceDocument> }}"
    for expected in ("000002", "000003"):
        response = client.post("/sparql", data=update, content_type="application/sparql-update",
                               headers={"Authorization": "Bearer s3cret-token"})
        assert response.json["generation"] == expected
    assert [client.post("/sparql", data={"update": update}).status_code for _ in range(2)] == [401, 401]


def test_health_is_live_and_exports_stream(served):
    store, client, _ = served
    assert client.get("/healthz").json["generation"] == "000001"
    with publishing(store) as writable:
        writable.update(f"INSERT DATA {{ <https://example.org/doc> a <{RG}SourceDocument> }}")
    assert client.get("/healthz").json["generation"] == "000002"
    export = client.get("/export.nt")
    assert export.status_code == 200 and "Content-Length" not in export.headers and b"example.org/doc" in export.data


def test_every_request_is_logged_without_its_query_string(served, caplog):
    _, client, _ = served
    with caplog.at_level(logging.INFO, logger="rolegraph.server"):
        for _ in range(2):
            client.get("/sparql", query_string={"query": DOCUMENTS, "secret": "hidden-value"}, headers={"Accept": JSON})
    lines = [r.getMessage() for r in caplog.records if r.name == "rolegraph.server"]
    assert len(lines) == 2 and lines[0].startswith("GET /sparql 200 ") and lines[1].endswith(" cached")
    assert not any("hidden-value" in line or "SourceDocument" in line for line in lines)


def test_the_cache_keeps_within_its_budget_and_one_generation():
    cache = ResultCache(800)
    for n in range(10):
        cache.put(("000001", n), f"answer {n}", 100)
    assert len(cache) == 8 and cache.get(("000001", 0)) is None and cache.get(("000001", 9)) == "answer 9"
    cache.put(("000001", "big"), "too big", 101)  # over an eighth of the budget
    assert cache.get(("000001", "big")) is None
    cache.put(("000002", "new"), "fresh", 10)
    assert len(cache) == 1 and cache.get(("000001", 9)) is None
    cache.put(("000001", "late"), "stale", 10)  # a late answer of the older generation is dropped
    assert cache.get(("000001", "late")) is None and cache.get(("000002", "new")) == "fresh"

"""Property-based fuzzing of /sparql and /api/queries through the Flask client: random text, mutated
named queries and random parameters never get a 5xx other than the time-limit 503, and afterwards
every query worker is alive and a normal query is answered."""
import os
import re
import urllib.parse

import pytest
from conftest import BASE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rolegraph import queries
from rolegraph.server import create_app

TIMEOUT = 2.0
BACKEND = BASE + "role/back-end-developer"
FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

#: Seeds of the mutations: every named query with its examples bound, and a few hand-written forms.
SEEDS = [q.bind({p.name: p.example for p in q.parameters}) for q in queries.catalogue().values()] + [
    "SELECT ?r WHERE { ?r a <https://w3id.org/rolegraph/ontology#Role> } ORDER BY ?r LIMIT 5",
    "ASK { ?s ?p ?o }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",  # past the time limit: workers get killed
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3",
    f"DESCRIBE <{BACKEND}>",
    'SELECT ?x WHERE { ?x ?p ?l FILTER(REGEX(STR(?l), "^py", "i")) } GROUP BY ?x HAVING(COUNT(*) > 1) OFFSET 1',
]
#: Pieces a mutation inserts: SPARQL's keywords, punctuation and terms, and some that are not.
PIECES = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH",
          "SERVICE", "LOAD", "VALUES", "BIND", "AS", "EXISTS", "NOT", "GROUP BY", "ORDER BY", "LIMIT", "OFFSET",
          "COUNT(*)", "DISTINCT", "INSERT DATA", "DELETE", "PREFIX x: <http://x/>", "BASE <http://x/>", "FROM",
          "{", "}", "(", ")", "[", "]", ".", ";", ",", "*", "+", "?", "!", "^", "|", "/", "a", "=", "!=", "&&", "||",
          "?s", "$o", "_:b", "<http://127.0.0.1:9/x>", "<>", "<", ">", '"', "'", '"""', "@en", "^^", "1e999",
          "-0", "99999999999999999999", "#", "\\", "\x00", "\u2028", "é", "\ufffd", "%2F", "rdf:type", "x:"]

tokens = st.lists(st.sampled_from(PIECES), min_size=1, max_size=3).map(" ".join)


@st.composite
def mutated(draw) -> str:
    """A seed query with tokens and characters deleted, inserted, repeated, swapped and nested."""
    parts = re.findall(r"\s+|[^\s]+", draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(parts) - 1))
        action = draw(st.sampled_from(["delete", "insert", "repeat", "swap", "character", "cut", "nest"]))
        if action == "delete" and len(parts) > 1:
            del parts[at]
        elif action == "insert":
            parts.insert(at, " " + draw(tokens) + " ")
        elif action == "repeat":
            parts.insert(at, parts[at] * draw(st.sampled_from([2, 3, 10, 40])))
        elif action == "swap":
            other = draw(st.integers(0, len(parts) - 1))
            parts[at], parts[other] = parts[other], parts[at]
        elif action == "character" and parts[at]:
            where = draw(st.integers(0, len(parts[at]) - 1))
            parts[at] = parts[at][:where] + draw(st.characters()) + parts[at][where + 1:]
        elif action == "cut":
            parts = parts[:at + 1]
        elif action == "nest":  # brackets around a token, up to far beyond what a parser's stack holds
            opening, closing = draw(st.sampled_from(["()", "{}", "[]", "! "]))
            depth = draw(st.sampled_from([1, 5, 200, 20000]))
            parts[at] = opening * depth + parts[at] + closing.strip() * depth
    return "".join(parts)


@pytest.fixture(scope="module")
def fuzzed(built_store):
    app = create_app({"store": str(built_store), "base_iri": BASE, "testing": True, "query_timeout": TIMEOUT,
                      "query_workers": 2, "max_rows": 200, "result_cache_mb": 0})
    yield app
    app.extensions["rolegraph.executor"].close()


def acceptable(response) -> None:
    """Below 500, or the documented time-limit answer (503, code query-timeout)."""
    if response.status_code >= 500:
        assert response.status_code == 503 and response.json["error"]["code"] == "query-timeout", response.data[:300]
    if response.status_code >= 400:
        assert set(response.json["error"]) == {"code", "message", "details"}


ACCEPTS = ["*/*", "application/sparql-results+json", "text/csv", "text/turtle", "application/ld+json",
           "image/png", "", "text/*;q=0.1, application/sparql-results+xml"]


@pytest.mark.slow
@FUZZ
@given(query=st.one_of(mutated(), st.text(max_size=200)), method=st.sampled_from(["GET", "POST", "FORM"]),
       accept=st.sampled_from(ACCEPTS))
def test_sparql_never_fails_on_random_and_mutated_queries(fuzzed, query, method, accept):
    client = fuzzed.test_client()
    headers = {"Accept": accept}
    if method == "GET":
        response = client.get("/sparql", query_string={"query": query}, headers=headers)
    elif method == "POST":
        response = client.post("/sparql", data=query.encode("utf-8", "surrogatepass"),
                               content_type="application/sparql-query", headers=headers)
    else:
        response = client.post("/sparql", data={"query": query}, headers=headers)
    acceptable(response)


@FUZZ
@given(body=st.binary(max_size=300), content_type=st.sampled_from(
    ["application/sparql-query", "application/sparql-update", "application/x-www-form-urlencoded",
     "multipart/form-data; boundary=x", "text/plain", "application/json"]))
def test_sparql_never_fails_on_random_bodies(fuzzed, body, content_type):
    acceptable(fuzzed.test_client().post("/sparql", data=body, content_type=content_type))


names = st.one_of(st.sampled_from(sorted(queries.catalogue())), st.text(min_size=1, max_size=20))
parameter_names = st.one_of(st.sampled_from(sorted({p.name for q in queries.catalogue().values() for p in q.parameters}
                                                   | {"format", "query", "limit"})), st.text(max_size=10))
values = st.one_of(st.text(max_size=60), mutated(), tokens,
                   st.sampled_from([BACKEND, BACKEND + "> } ?s ?p ?o {", "Python@en", "Python@", "@fr", "12",
                                    "-1", "1e3", "0x10", "http://127.0.0.1:9/x", "urn:x", "x:y", "javascript:1"]))


@FUZZ
@given(name=names, params=st.dictionaries(parameter_names, values, max_size=4), accept=st.sampled_from(ACCEPTS))
def test_named_queries_never_fail_on_random_parameters(fuzzed, name, params, accept):
    response = fuzzed.test_client().get("/api/queries/" + urllib.parse.quote(name, safe=""), query_string=params,
                                        headers={"Accept": accept})
    acceptable(response)


def test_after_the_fuzzing_workers_are_alive_and_a_query_is_answered(fuzzed):
    # Runs after the fuzz tests of this module (pytest keeps file order): nothing was left hanging.
    client = fuzzed.test_client()
    response = client.get("/api/queries/role-tools", query_string={"role": BACKEND})
    assert response.status_code == 200 and "Python" in {row["label"] for row in response.json["rows"]}
    executor = fuzzed.extensions["rolegraph.executor"]
    assert 1 <= len(executor.pids) <= 2
    for pid in executor.pids:
        os.kill(pid, 0)  # raises if the worker is gone
        with open(f"/proc/{pid}/stat") as stat:
            assert stat.read().split(") ")[1][0] in "RS"  # running or sleeping, not a zombie or stopped

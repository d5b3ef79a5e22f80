"""The production server as a real process on 127.0.0.1, queried by real clients: SPARQLWrapper in
every result format, rdflib's SPARQLStore, the time limit, and an update seen by the next query."""
import csv
import io
import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from conftest import BASE, served
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import Unauthorized

RG = Namespace("https://w3id.org/rolegraph/ontology#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
BACKEND = URIRef(BASE + "role/back-end-developer")
PYTHON = URIRef(BASE + "tool/python")
TOKEN = "integration-token"
TIMEOUT = 3  # seconds: the server's query time limit in these tests

TOOLS = f"""PREFIX rg: <{RG}> PREFIX skos: <{SKOS}>
SELECT ?tool ?label WHERE {{ <{BACKEND}> rg:usesTool ?tool . ?tool skos:prefLabel ?label FILTER (LANG(?label) = "en") }}
ORDER BY ?label"""
TOOLS_GRAPH = f"PREFIX rg: <{RG}> CONSTRUCT {{ <{BACKEND}> rg:usesTool ?tool }} WHERE {{ <{BACKEND}> rg:usesTool ?tool }}"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory, built_store):
    """`rolegraph serve --production` on a copy of the built store, with updates enabled."""
    with served(built_store, tmp_path_factory.mktemp("served"), "--threads", "4", "--workers", "2",
                "--timeout", str(TIMEOUT), env={"ROLEGRAPH_UPDATE_TOKEN": TOKEN}) as (base, _):
        yield base + "/sparql"


def client(url: str, query: str, fmt: str) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(url)
    wrapper.setQuery(query)
    wrapper.setReturnFormat(fmt)
    return wrapper


def test_select_in_json(endpoint):
    answer = client(endpoint, TOOLS, JSON).queryAndConvert()
    labels = {b["label"]["value"]: b["tool"]["value"] for b in answer["results"]["bindings"]}
    assert labels["Python"] == str(PYTHON) and {"PostgreSQL", "Docker", "Kafka"} <= set(labels)
    assert answer["results"]["bindings"][0]["label"]["xml:lang"] == "en"


def test_select_in_xml(endpoint):
    document = client(endpoint, TOOLS, XML).queryAndConvert()
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]
    assert "Python" in literals and str(PYTHON) in uris


@pytest.mark.parametrize("fmt", [CSV, TSV])
def test_select_in_csv_and_tsv(endpoint, fmt):
    text = client(endpoint, TOOLS, fmt).queryAndConvert().decode("utf-8")
    if fmt == CSV:
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["tool", "label"] and ["https://w3id.org/rolegraph/id/tool/python", "Python"] in rows
    else:  # TSV writes terms in their N-Triples forms, unquoted by CSV rules
        rows = [line.split("\t") for line in text.splitlines()]
        assert rows[0] == ["?tool", "?label"] and [f"<{PYTHON}>", '"Python"@en'] in rows


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask(endpoint, fmt):
    yes = client(endpoint, f"ASK {{ <{BACKEND}> <{RG.usesTool}> <{PYTHON}> }}", fmt).queryAndConvert()
    no = client(endpoint, f"ASK {{ <{PYTHON}> <{RG.usesTool}> <{BACKEND}> }}", fmt).queryAndConvert()
    if fmt == XML:
        yes, no = (d.getElementsByTagName("boolean")[0].firstChild.data == "true" for d in (yes, no))
    else:
        yes, no = yes["boolean"], no["boolean"]
    assert yes is True and no is False


@pytest.mark.parametrize("fmt,accept,rdflib_format", [
    (TURTLE, None, "turtle"), (TURTLE, "application/n-triples", "nt"),
    (JSONLD, None, "json-ld"), (RDFXML, None, "xml"),
])
def test_construct_in_every_graph_format(endpoint, fmt, accept, rdflib_format):
    wrapper = client(endpoint, TOOLS_GRAPH, fmt)
    if accept:  # no SPARQLWrapper constant for N-Triples: plain content negotiation
        wrapper.setOnlyConneg(True)
        wrapper.addCustomHttpHeader("Accept", accept)
    response = wrapper.query().response
    media = response.headers["Content-Type"].split(";")[0]
    assert media == (accept or {TURTLE: "text/turtle", JSONLD: "application/ld+json", RDFXML: "application/rdf+xml"}[fmt])
    graph = Graph().parse(data=response.read(), format=rdflib_format)
    assert (BACKEND, RG.usesTool, PYTHON) in graph and len(graph) == 12  # the tools the four documents name


def test_describe_a_role(endpoint):
    response = client(endpoint, f"DESCRIBE <{BACKEND}>", TURTLE).query().response
    graph = Graph().parse(data=response.read(), format="turtle")
    assert (BACKEND, RG.usesTool, PYTHON) in graph
    assert (BACKEND, SKOS.prefLabel, Literal("Back-end developer", lang="en")) in graph


def test_rdflib_uses_the_endpoint_as_a_remote_graph(endpoint):
    graph = Graph(store=SPARQLStore(endpoint))
    rows = list(graph.query(TOOLS))
    assert (PYTHON, Literal("Python", lang="en")) in [tuple(row) for row in rows]
    tools = set(graph.objects(BACKEND, RG.usesTool))
    assert PYTHON in tools and len(tools) == len(rows)
    assert (BACKEND, RG.usesTool, PYTHON) in set(graph.triples((BACKEND, RG.usesTool, None)))


@pytest.mark.slow
def test_a_query_past_the_time_limit_is_stopped_and_the_server_goes_on(endpoint):
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    url = endpoint + "?" + urllib.parse.urlencode({"query": endless})
    started = time.monotonic()
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(url, timeout=TIMEOUT + 30)
    elapsed = time.monotonic() - started
    assert caught.value.code == 503 and elapsed < TIMEOUT + 15
    assert json.load(caught.value)["error"]["code"] == "query-timeout"
    answer = client(endpoint, TOOLS, JSON).queryAndConvert()
    assert "Python" in {b["label"]["value"] for b in answer["results"]["bindings"]}


def test_an_update_with_the_token_is_visible_to_the_next_query(endpoint):
    skill = URIRef("https://example.org/skill/integration-testing")
    check = client(endpoint, f"ASK {{ <{BACKEND}> <{RG.requiresCompetency}> <{skill}> }}", JSON)
    assert check.queryAndConvert()["boolean"] is False
    update = SPARQLWrapper(endpoint)
    update.setMethod(POST)
    update.setRequestMethod(POSTDIRECTLY)
    update.setQuery(f"INSERT DATA {{ <{BACKEND}> <{RG.requiresCompetency}> <{skill}> }}")
    refused = SPARQLWrapper(endpoint)
    refused.setMethod(POST)
    refused.setRequestMethod(POSTDIRECTLY)
    refused.setQuery(f"INSERT DATA {{ <{BACKEND}> <{RG.requiresCompetency}> <{skill}> }}")
    with pytest.raises(Unauthorized):  # SPARQLWrapper's name for a 401
        refused.query()
    assert check.queryAndConvert()["boolean"] is False
    update.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    assert json.loads(update.query().response.read())["status"] == "ok"
    assert check.queryAndConvert()["boolean"] is True

"""Real clients with their default settings against `rolegraph serve --production`: SPARQLWrapper for every
query form × return format × request method (where a format does not apply to a form, the answer is a 406
naming it), its updates in their default mode (a form POST), rdflib's SPARQLUpdateStore with the token, and
`rolegraph query --endpoint` on our own server."""
import csv
import io
import json
import urllib.error
from xml.dom.minidom import Document

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore
from SPARQLWrapper import (CSV, GET, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, URLENCODED, XML,
                           SPARQLWrapper)
from SPARQLWrapper.SPARQLExceptions import Unauthorized

from conftest import BASE, served
from rolegraph.cli import main

RG = Namespace("https://w3id.org/rolegraph/ontology#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
BACKEND = URIRef(BASE + "role/back-end-developer")
PYTHON = URIRef(BASE + "tool/python")
TOKEN = "clients-token"
EX = Namespace("http://example.org/clients/")

QUERIES = {
    "SELECT": f"PREFIX rg: <{RG}> SELECT ?tool WHERE {{ <{BACKEND}> rg:usesTool ?tool }} ORDER BY ?tool",
    "ASK": f"ASK {{ <{BACKEND}> <{RG.usesTool}> <{PYTHON}> }}",
    "CONSTRUCT": f"CONSTRUCT {{ <{BACKEND}> <{RG.usesTool}> ?tool }} WHERE {{ <{BACKEND}> <{RG.usesTool}> ?tool }}",
    "DESCRIBE": f"DESCRIBE <{BACKEND}>",
}
RESULT_FORMATS = (JSON, XML, CSV, TSV)
GRAPH_FORMATS = (JSON, XML, TURTLE, N3, RDFXML, JSONLD)
METHODS = {"GET": (GET, URLENCODED), "POST": (POST, URLENCODED), "POST directly": (POST, POSTDIRECTLY)}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory, built_store):
    with served(built_store, tmp_path_factory.mktemp("clients"), "--workers", "2", "--timeout", "10",
                env={"ROLEGRAPH_UPDATE_TOKEN": TOKEN}) as (base, _):
        yield base + "/sparql"


def wrapper(url: str, query: str, fmt: str | None = None, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    if fmt is not None:
        client.setReturnFormat(fmt)
    client.setMethod(METHODS[method][0])
    client.setRequestMethod(METHODS[method][1])
    return client


def applies(form: str, fmt: str) -> bool:
    return fmt in (RESULT_FORMATS if form in ("SELECT", "ASK") else GRAPH_FORMATS)


def check(form: str, fmt: str, converted) -> None:
    """The converted answer holds what the query asks, whatever form SPARQLWrapper gives it."""
    if form == "SELECT":
        if fmt == JSON:
            tools = {b["tool"]["value"] for b in converted["results"]["bindings"]}
        elif fmt == XML:
            tools = {node.firstChild.data for node in converted.getElementsByTagName("uri")}
        elif fmt == CSV:
            tools = {row[0] for row in list(csv.reader(io.StringIO(converted.decode("utf-8"))))[1:]}
        else:
            tools = {line.strip("<>") for line in converted.decode("utf-8").splitlines()[1:]}
        assert str(PYTHON) in tools and len(tools) == 12
    elif form == "ASK":
        if fmt == JSON:
            assert converted["boolean"] is True
        elif fmt == XML:
            assert converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
        else:
            assert converted.strip() == b"true"
    else:
        if isinstance(converted, Graph):  # RDF/XML and JSON-LD, parsed by SPARQLWrapper with rdflib
            graph = converted
        elif isinstance(converted, dict):  # JSON: the JSON-LD document
            assert "@context" in converted
            graph = Graph().parse(data=json.dumps(converted), format="json-ld")
        else:
            graph = Graph().parse(data=converted, format="turtle")
        assert (BACKEND, RG.usesTool, PYTHON) in graph
        if form == "DESCRIBE":
            assert (BACKEND, SKOS.prefLabel, Literal("Back-end developer", lang="en")) in graph


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", [JSON, XML, TURTLE, N3, RDFXML, JSONLD, CSV, TSV])
@pytest.mark.parametrize("form", QUERIES)
def test_sparqlwrapper_with_each_form_format_and_method(endpoint, form, fmt, method):
    client = wrapper(endpoint, QUERIES[form], fmt, method)
    if not applies(form, fmt):
        with pytest.raises(urllib.error.HTTPError) as refused:
            client.query()
        assert refused.value.code == 406 and b"is not offered here" in refused.value.read()
        return
    check(form, fmt, client.queryAndConvert())


@pytest.mark.parametrize("form", QUERIES)
def test_sparqlwrapper_with_no_setting_at_all(endpoint, form):
    """Its default return format is XML: SPARQL results XML for SELECT and ASK, RDF/XML for graphs."""
    converted = wrapper(endpoint, QUERIES[form]).queryAndConvert()
    assert isinstance(converted, Document if form in ("SELECT", "ASK") else Graph)
    check(form, XML, converted)


def test_sparqlwrapper_updates_in_its_default_mode(endpoint):
    skill = EX["sparqlwrapper"]
    insert = f"INSERT DATA {{ GRAPH <{EX.g}> {{ <{BACKEND}> <{RG.requiresCompetency}> <{skill}> }} }}"
    seen = wrapper(endpoint, f"ASK {{ <{BACKEND}> <{RG.requiresCompetency}> <{skill}> }}", JSON)
    refused = wrapper(endpoint, insert, method="POST")
    with pytest.raises(Unauthorized):
        refused.query()
    assert seen.queryAndConvert()["boolean"] is False
    client = wrapper(endpoint, insert, method="POST")  # URLENCODED: a form field update=
    client.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    answer = client.query().response
    assert json.loads(answer.read())["status"] == "ok"
    assert seen.queryAndConvert()["boolean"] is True


def test_rdflib_sparql_update_store_with_the_token(endpoint):
    store = SPARQLUpdateStore(endpoint, endpoint, headers={"Authorization": f"Bearer {TOKEN}"}, autocommit=True)
    graph = Graph(store, identifier=EX.rdflib)
    graph.add((EX.s, EX.p, Literal("one")))
    graph.add((EX.s, EX.p, EX.o))
    assert set(graph.objects(EX.s, EX.p)) == {Literal("one"), EX.o}
    # A "local" update on the graph: rdflib wraps it in GRAPH <EX.rdflib> itself.
    graph.update(f"DELETE {{ ?s <{EX.p}> ?o }} INSERT {{ ?s <{EX.p}> 'two' }} WHERE {{ ?s <{EX.p}> ?o FILTER isLiteral(?o) }}")
    assert set(graph.objects(EX.s, EX.p)) == {Literal("two"), EX.o}
    graph.remove((EX.s, EX.p, EX.o))
    assert set(graph.objects(EX.s, EX.p)) == {Literal("two")}
    anonymous = Graph(SPARQLUpdateStore(endpoint, endpoint, autocommit=True), identifier=EX.rdflib)
    with pytest.raises(urllib.error.HTTPError) as refused:
        anonymous.add((EX.s, EX.p, EX.x))
    assert refused.value.code == 401 and set(graph.objects(EX.s, EX.p)) == {Literal("two")}


def test_rolegraph_query_on_our_own_endpoint_answers_graphs_and_reports_errors(endpoint, tmp_path):
    runner = CliRunner()
    constructed = runner.invoke(main, ["query", "--endpoint", endpoint, "--sparql", QUERIES["CONSTRUCT"]])
    assert constructed.exit_code == 0, constructed.output
    graph = Graph().parse(data=constructed.output, format="nt")
    assert (BACKEND, RG.usesTool, PYTHON) in graph and len(graph) == 12
    broken = runner.invoke(main, ["query", "--endpoint", endpoint, "--sparql", "SELECT ?x WHERE { ?x"])
    assert broken.exit_code == 4 and "cannot reach" not in broken.output
    assert f"endpoint {endpoint} answered 400: SPARQL syntax error" in broken.output and "position=1:" in broken.output
    refused = runner.invoke(main, ["query", "--endpoint", endpoint, "--sparql",
                                   "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"])
    assert refused.exit_code == 4 and "answered 403: SERVICE is not allowed" in refused.output
    unreachable = runner.invoke(main, ["query", "--endpoint", "http://127.0.0.1:9/sparql", "--sparql", "ASK {}"])
    assert unreachable.exit_code == 4 and "cannot reach endpoint" in unreachable.output

"""The W3C SPARQL 1.1 Protocol tests against `rolegraph serve --production` started here: the manifest of
../shared/reference/w3c-sparql11-protocol read with rdflib, each test's requests sent as written (method,
path under /sparql, headers, body in its character encoding) and each response checked against the
test's expectations (status class, result format, boolean).

The 20 query tests run against a read-only server, with data1/2/3.nt imported into the named graphs their
``ut:graphData`` name; all 34 run against a server with the update token (sent with every request of the
update tests, so that they test the protocol rather than the token). The update tests change the dataset
(CLEAR ALL, DROP ALL), so they run in the manifest's order, after the query tests. Run with ``-s`` to see
each test's verdict; the junit report holds them as properties.
"""
from __future__ import annotations

import http.client
import io
import json
import shutil
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import Namespace
from rdflib.collection import Collection

from conftest import REFERENCE, needs_w3c, served
from rolegraph.cli import main

pytestmark = needs_w3c

SUITE = REFERENCE / "w3c-sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
TOKEN = "w3c-protocol-token"
#: The manifest's paths start with this; our endpoint is /sparql.
MANIFEST_ENDPOINT = "/sparql/"
#: What ``mf:expectedFormat`` "RDF" allows (the tests' names: RDF/XML, Turtle, N-Triples, RDFa), by rdflib parser.
RDF_MEDIA = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt"}
RESULTS_MEDIA = ("application/sparql-results+xml", "application/sparql-results+json", "text/csv",
                 "text/tab-separated-values")


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]  # expected status classes: 2, 3, 4
    format: str | None
    boolean: bool | None


@dataclass
class ProtocolTest:
    name: str  # the local name in the manifest
    title: str
    graphs: dict[str, Path]  # graph IRI → the file to load into it
    requests: list[Request]
    verdict: str = "not run"
    reasons: list[str] = field(default_factory=list)

    @property
    def is_update(self) -> bool:
        """Whether it tests updates: the manifest names them so (update_…, bad_update_…, bad_multiple_updates);
        not every one says so in its requests (bad_update_wrong_media_type posts text/plain)."""
        return "update" in self.name


def read_manifest(folder: Path) -> list[ProtocolTest]:
    """The manifest's tests, in the order of its ``mf:entries``."""
    graph = rdflib.Graph().parse(folder / "manifest.ttl", format="turtle")
    manifest = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        graphs = {str(graph.value(data, rdflib.RDFS.label)): folder / Path(urllib.parse.urlparse(
                  str(graph.value(data, UT.graph))).path).name for data in graph.objects(entry, UT.graphData)}
        action = graph.value(entry, MF.action)
        requests = [_request(graph, node) for node in Collection(graph, graph.value(action, HT.requests))]
        tests.append(ProtocolTest(str(entry).rsplit("#", 1)[1], str(graph.value(entry, MF.name)), graphs, requests))
    return tests


def _request(graph: rdflib.Graph, node) -> Request:
    headers = {}
    if (listed := graph.value(node, HT.headers)) is not None:
        for header in Collection(graph, listed):
            headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
    body = None
    if (content := graph.value(node, HT.body)) is not None:
        encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(content, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    statuses = {int(str(s).rsplit("StatusCode", 1)[1][0]) for s in graph.objects(response, MF.expectedStatus)}
    fmt = graph.value(response, MF.expectedFormat)
    boolean = graph.value(response, MF.expectedBoolean)
    path = str(graph.value(node, HT.absolutePath))
    assert path.startswith(MANIFEST_ENDPOINT), path
    return Request(str(graph.value(node, HT.methodName)), "/sparql" + path[len(MANIFEST_ENDPOINT) - 1:].lstrip("/"),
                   headers, body, statuses, str(fmt) if fmt is not None else None,
                   boolean.toPython() if boolean is not None else None)


def run(test: ProtocolTest, base: str, token: str | None) -> ProtocolTest:
    """Send the test's requests in order; its verdict is "pass" when every response meets its expectations."""
    host, port = urllib.parse.urlparse(base).hostname, urllib.parse.urlparse(base).port
    for number, request in enumerate(test.requests, 1):
        headers = dict(request.headers)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        connection = http.client.HTTPConnection(host, port, timeout=60)
        try:
            connection.request(request.method, request.path, body=request.body, headers=headers)
            response = connection.getresponse()
            body = response.read()
            media = (response.getheader("Content-Type") or "").split(";")[0].strip()
        finally:
            connection.close()
        for reason in check(request, response.status, media, body):
            test.reasons.append(f"request {number}: {reason}")
    test.verdict = "fail" if test.reasons else "pass"
    return test


def check(request: Request, status: int, media: str, body: bytes) -> list[str]:
    """What in a response does not meet the request's expectations (nothing when it passes)."""
    if status // 100 not in request.statuses:
        return [f"status {status}, expected {'/'.join(f'{s}xx' for s in sorted(request.statuses))}: {body[:200]!r}"]
    if request.format == "boolean":
        value = _boolean(media, body)
        if value is None:
            return [f"no boolean result in {media}"]
        if request.boolean is not None and value is not request.boolean:
            return [f"boolean {value}, expected {request.boolean}"]
    elif request.format == "tabular":
        if media not in RESULTS_MEDIA:
            return [f"{media} is not a tabular results format"]
        rows = list(rdflib.query.Result.parse(io.BytesIO(body), content_type=media))
        if not rows:
            return [f"no solution in the {media} answer"]
    elif request.format == "RDF":
        if media not in RDF_MEDIA:
            return [f"{media} is not RDF/XML, Turtle or N-Triples"]
        rdflib.Graph().parse(data=body, format=RDF_MEDIA[media])
    return []


def _boolean(media: str, body: bytes) -> bool | None:
    if media == "application/sparql-results+json":
        return json.loads(body).get("boolean")
    if media == "application/sparql-results+xml":
        element = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
        return None if element is None else element.text == "true"
    return None


def table(tests: list[ProtocolTest]) -> str:
    width = max(len(t.name) for t in tests)
    lines = [f"{t.verdict:4}  {t.name:{width}}  {t.title}" + "".join(f"\n      {r}" for r in t.reasons) for t in tests]
    passed = sum(t.verdict == "pass" for t in tests)
    return "\n".join(lines + [f"{passed}/{len(tests)} passed"])


@pytest.fixture(scope="module")
def manifest() -> list[ProtocolTest]:
    return read_manifest(SUITE)


@pytest.fixture(scope="module")
def loaded_store(tmp_path_factory, built_store, manifest) -> Path:
    """A copy of the built store with each data file the tests name imported into its graph by `rolegraph import rdf`."""
    store = tmp_path_factory.mktemp("w3c") / "store"
    shutil.copytree(built_store, store, symlinks=True)
    graphs = {iri: path for test in manifest for iri, path in test.graphs.items()}
    for iri, path in sorted(graphs.items()):
        result = CliRunner().invoke(main, ["--store", str(store), "import", "rdf", str(path), "--graph", iri])
        assert result.exit_code == 0, result.output
    assert len(graphs) == 3
    return store


def report(tests: list[ProtocolTest], heading: str, record_property) -> None:
    print(f"\n{heading}\n{table(tests)}")
    for test in tests:
        record_property(f"w3c:{test.name}", test.verdict + "".join(f"; {r}" for r in test.reasons))


def test_the_manifest_holds_20_query_and_14_update_tests(manifest):
    assert len(manifest) == 34 and sum(t.is_update for t in manifest) == 14
    assert all(r.statuses for t in manifest for r in t.requests)


def test_a_read_only_endpoint_passes_every_query_test(manifest, loaded_store, tmp_path, record_property):
    with served(loaded_store, tmp_path, "--workers", "1", "--timeout", "10") as (base, _):
        tests = [run(test, base, None) for test in manifest if not test.is_update]
    report(tests, "W3C SPARQL 1.1 Protocol, read-only endpoint (query tests):", record_property)
    record_property("w3c:read-only", f"{sum(t.verdict == 'pass' for t in tests)}/{len(tests)}")
    assert len(tests) == 20 and [t.name for t in tests if t.verdict != "pass"] == [], table(tests)


def test_with_the_update_token_the_endpoint_passes_all_34(manifest, loaded_store, tmp_path, record_property):
    with served(loaded_store, tmp_path, "--workers", "1", "--timeout", "10",
                env={"ROLEGRAPH_UPDATE_TOKEN": TOKEN}) as (base, _):
        tests = [run(test, base, TOKEN if test.is_update else None) for test in manifest]
    report(tests, "W3C SPARQL 1.1 Protocol, with the update token (all tests):", record_property)
    record_property("w3c:with-token", f"{sum(t.verdict == 'pass' for t in tests)}/{len(tests)}")
    assert len(tests) == 34 and [t.name for t in tests if t.verdict != "pass"] == [], table(tests)

"""The formats registry: every row's media type, names and writer, and the server offering exactly
the registry's formats, in its order of preference."""
import re

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from conftest import BASE
from rolegraph.cli import main
from rolegraph.core import formats
from rolegraph.core.errors import UsageError

ROLE = f"<{BASE}role/back-end-developer>"
SELECT = "SELECT ?s WHERE { ?s a <https://w3id.org/rolegraph/ontology#Role> } ORDER BY ?s LIMIT 2"
CONSTRUCT = f"CONSTRUCT {{ {ROLE} ?p ?o }} WHERE {{ {ROLE} ?p ?o }}"
SD_RESULT_FORMAT = rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#resultFormat")
TRIPLE = ox.Triple(ox.NamedNode(BASE + "role/x"), ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
                   ox.Literal("x", language="en"))
QUAD = ox.Quad(TRIPLE.subject, TRIPLE.predicate, TRIPLE.object, ox.NamedNode(BASE + "graph/g"))


@pytest.mark.parametrize("fmt", formats.FORMATS, ids=lambda f: f.name)
def test_each_media_type_and_name_leads_back_to_its_row(fmt):
    assert formats.by_media_type(fmt.media_type) is fmt
    assert formats.get(fmt.name) is fmt
    assert formats.named(fmt.name) == (fmt,)
    if fmt.oxigraph is not None:  # the media type is Oxigraph's, without the charset it adds to text types
        assert fmt.oxigraph.media_type.split(";")[0] == fmt.media_type
    if fmt.keeps_graphs:
        assert fmt.oxigraph.supports_datasets


def test_the_format_parameter_accepts_names_aliases_and_media_types_of_what_we_write():
    expected = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "ttl": "ttl", "turtle": "ttl", "n3": "ttl",
                "nt": "nt", "ntriples": "nt", "jsonld": "jsonld", "json-ld": "jsonld", "rdfxml": "rdfxml",
                "rdf+xml": "rdfxml", "rdf": "rdfxml", "nq": "nq", "trig": "trig",
                "text/turtle": "ttl", "application/sparql-results+json": "json", "text/html": "html"}
    assert {value: formats.by_parameter(value).name for value in expected} == expected
    # Pages are asked for with Accept: the name "html" is not a format parameter, nor is a stranger.
    assert formats.by_parameter("html") is None and formats.by_parameter("TTL") is None


@pytest.mark.parametrize("value,results,graph", [
    ("json", "json", "jsonld"), ("xml", "xml", "rdfxml"), ("application/json", "json", "jsonld"),
    ("application/xml", "xml", "rdfxml"), ("text/xml", "xml", "rdfxml"), ("text/plain", "csv", "nt"),
])
def test_common_names_stand_for_the_format_of_each_kind(value, results, graph):
    assert formats.by_parameter(value, formats.writing(formats.SOLUTIONS)).name == results
    assert formats.by_parameter(value, formats.writing(formats.GRAPH)).name == graph


def test_content_types_say_the_charset_of_text_only():
    assert formats.get("ttl").content_type == "text/turtle; charset=utf-8"
    assert formats.get("csv").content_type == "text/csv; charset=utf-8"
    assert formats.get("jsonld").content_type == "application/ld+json"
    assert formats.get("json").content_type == "application/sparql-results+json"


def test_an_unknown_format_is_a_usage_error_naming_the_parameter():
    with pytest.raises(UsageError) as caught:
        formats.get("xyz")
    assert caught.value.details == {"format": "xyz"} and "known: ttl, nt, nq, trig, jsonld, rdfxml" in str(caught.value)
    with pytest.raises(UsageError) as media:
        formats.by_media_type("image/png")
    assert media.value.details == {"media_type": "image/png"}


def test_an_unknown_format_over_http_and_from_the_cli_names_the_parameter(client, built_store):
    response = client.get("/export.rdfxml")  # in the registry, but no download
    assert response.status_code == 400
    assert response.json["error"]["details"] == {"format": "rdfxml"}
    assert response.json["error"]["message"] == "unknown export format 'rdfxml'; known: ttl, nt, jsonld, nq, trig"
    result = CliRunner().invoke(main, ["--store", str(built_store), "export", "--format", "rdfxml"])
    assert result.exit_code == 2 and "'--format'" in result.output


def test_each_kind_is_written_only_by_the_formats_that_say_so():
    assert [f.name for f in formats.writing(formats.SOLUTIONS)] == ["json", "xml", "csv", "tsv"]
    assert [f.name for f in formats.writing(formats.GRAPH)] == ["ttl", "nt", "jsonld", "rdfxml"]
    assert [f.name for f in formats.writing(formats.DATASET)] == ["nq", "trig"]
    with pytest.raises(UsageError):
        formats.serialize_graph([TRIPLE], formats.get("csv"))
    with pytest.raises(UsageError):
        formats.serialize_results(ox.Store().query("ASK {}"), formats.get("ttl"))
    assert formats.serialize_results(ox.Store().query("ASK {}"), formats.get("tsv")) == b"true"


def test_the_compact_form_is_ours_and_the_default_is_oxigraphs_but_json_ld_has_one_form():
    turtle = formats.get("ttl")
    assert formats.serialize_graph([TRIPLE], turtle) == ox.serialize([TRIPLE], format=ox.RdfFormat.TURTLE)
    compact = formats.serialize_graph([TRIPLE], turtle, compact=True)
    assert compact.startswith(b"@prefix ") and b"skos:prefLabel" in compact
    jsonld = formats.get("jsonld")
    assert formats.serialize_graph([TRIPLE], jsonld) == formats.serialize_graph([TRIPLE], jsonld, compact=True)
    assert formats.serialize_graph([TRIPLE], jsonld).startswith(b'{"@context":')


def test_quads_keep_their_graph_only_in_dataset_formats():
    assert formats.serialize_graph([QUAD], formats.get("nt")) == formats.serialize_graph([TRIPLE], formats.get("nt"))
    assert f"<{BASE}graph/g>".encode() in formats.serialize_graph([QUAD], formats.get("nq"))


def test_batches_write_the_prefixes_once():
    other = ox.Triple(ox.NamedNode(BASE + "role/y"), TRIPLE.predicate, TRIPLE.object)
    chunks = list(formats.stream_graph([TRIPLE, other], formats.get("ttl"), compact=True, batch=1))
    assert len(chunks) == 2 and chunks[0].startswith(b"@prefix ") and not chunks[1].startswith(b"@prefix ")
    assert b"".join(chunks).count(b"@prefix skos:") == 1


def test_the_service_description_lists_exactly_the_formats_the_endpoint_writes(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    listed = {str(o) for o in graph.objects(None, SD_RESULT_FORMAT)}
    written = formats.writing(formats.SOLUTIONS) + formats.writing(formats.GRAPH)
    assert listed == {f.oxigraph.iri for f in written} and len(listed) == 8


@pytest.mark.parametrize("fmt", formats.writing(formats.SOLUTIONS) + formats.writing(formats.GRAPH),
                         ids=lambda f: f.name)
def test_the_endpoint_answers_in_each_format_it_lists(client, fmt):
    query = SELECT if formats.SOLUTIONS in fmt.writes else CONSTRUCT
    by_accept = client.get("/sparql", query_string={"query": query}, headers={"Accept": fmt.media_type})
    by_name = client.get("/sparql", query_string={"query": query, "format": fmt.name})
    assert by_accept.status_code == by_name.status_code == 200
    assert by_accept.headers["Content-Type"] == by_name.headers["Content-Type"] == fmt.content_type
    assert by_accept.data == by_name.data and by_accept.data


def test_the_first_offer_is_the_default_and_the_rest_is_refused(client):
    assert client.get("/sparql", query_string={"query": SELECT}).headers["Content-Type"] == \
        formats.writing(formats.SOLUTIONS)[0].content_type
    assert client.get("/sparql", query_string={"query": CONSTRUCT}).headers["Content-Type"] == \
        formats.writing(formats.GRAPH)[0].content_type
    refused = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "nq"})
    assert refused.status_code == 406
    assert refused.json["error"]["message"] == ("format 'nq' is not offered here; offered: text/turtle, "
                                                "application/n-triples, application/ld+json, application/rdf+xml")


def test_downloads_are_the_registrys_on_the_page_in_void_and_in_the_cli(client):
    downloads = [f.name for f in formats.DOWNLOADS]
    page = client.get("/export").get_data(as_text=True)
    assert sorted(re.findall(r'href="/export\.(\w+)"', page)) == sorted(downloads)
    void = rdflib.Graph().parse(data=client.get("/.well-known/void").data, format="turtle")
    media_types = {str(o) for o in void.objects(None, rdflib.URIRef("http://www.w3.org/ns/dcat#mediaType"))}
    assert media_types == {f.media_type for f in formats.DOWNLOADS}
    help_text = CliRunner().invoke(main, ["export", "--help"]).output
    assert "[" + "|".join(downloads) + "]" in help_text

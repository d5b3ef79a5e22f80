"""Text from documents never becomes code: quotes, angle brackets, SPARQL and Turtle syntax in a
document's title, headings, salary lines and file name stay literals, exact in every export format
and escaped on every HTML page."""
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import DCTERMS, Literal, URIRef

from conftest import BASE
from rolegraph.loader.build import build
from rolegraph.cli import main
from rolegraph.core.store import open_read_only
from rolegraph.server import create_app

RG = "https://w3id.org/rolegraph/ontology#"
#: What a hostile or careless author may write; every line must come out as the same string.
TITLE = 'Cloud engineer <script>alert(1)</script> "double" \'single\' """long""" \'\'\'long\'\'\' \\ \\" \\u0022'
SKILLS = "Skills SELECT * WHERE { ?s ?p ?o } } { ] . @prefix evil: <http://evil/> . <http://evil/> ; , ^^xsd:int"
SALARY = "Salary </script><script>alert(2)</script> <!-- --> ]]> \" onmouseover=\"alert(3)\" &amp; &lt;"
FILE = "fiche <img src=x onerror=alert(4)> \"q\" 'a' & é {}.md"
HTML_TITLE = "Data engineer </title><script>alert(5)</script> & <b>bold</b>"
HTML_SECTION = 'Compétences "><svg onload=alert(6)> \' } . INSERT DATA { <a> <b> <c> }'
MARKDOWN = f"""# {TITLE}

The cloud engineer runs applications on AWS.

## {SKILLS}

- Automates deployments with Terraform and Docker.
- Writes Python scripts.

## {SALARY}

From 42,000 to 55,000 euros gross per year for a junior.
"""
HTML = (f"<html><head><title>{HTML_TITLE.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</title></head>"
        "<body><h1>Data engineer</h1><p>The data engineer builds pipelines.</p>"
        f"<h2>{HTML_SECTION.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;').replace(chr(34), '&quot;')}</h2>"
        "<ul><li>Writes SQL and Spark jobs.</li><li>Uses Airflow.</li></ul></body></html>")
#: Each hostile string and the property that must hold it as a plain literal.
EXPECTED = [(TITLE, DCTERMS.title), (SKILLS, URIRef(RG + "section")), (SALARY, URIRef(RG + "section")),
            (FILE, URIRef(RG + "fileName")), (HTML_TITLE, DCTERMS.title), (HTML_SECTION, URIRef(RG + "section"))]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("escaping")
    (folder / "docs").mkdir()
    (folder / "docs" / FILE).write_text(MARKDOWN, encoding="utf-8")
    (folder / "docs" / "data-engineer.html").write_text(HTML, encoding="utf-8")
    result = build([folder / "docs"], folder / "store", BASE)
    assert result.failures == [] and result.documents_read == 2
    return folder / "store"


@pytest.fixture(scope="module")
def client(store):
    return create_app({"store": str(store), "base_iri": BASE, "testing": True}).test_client()


def test_the_store_holds_each_hostile_text_as_an_exact_plain_literal(store):
    reader = open_read_only(store)
    for text, predicate in EXPECTED:
        found = list(reader.quads_for_pattern(None, ox.NamedNode(str(predicate)), ox.Literal(text), None))
        assert found, text
    salary = [q.object.value for q in reader.quads_for_pattern(None, ox.NamedNode(RG + "quote"), None, None)
              if "42,000" in q.object.value]
    assert salary  # the salary passage is quoted too, under the hostile heading


RDF_PARSERS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}
OX_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
              "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}


def assert_literals(data: bytes, fmt: str) -> None:
    """Parsed by rdflib and by Oxigraph, the export holds every hostile text as the same literal on the
    same property, and holds no IRI or triple that the texts spell out."""
    graph = rdflib.Dataset() if fmt in ("nq", "trig") else rdflib.Graph()
    graph.parse(data=data, format=RDF_PARSERS[fmt])
    triples = list(graph.quads() if fmt in ("nq", "trig") else graph)
    objects = {(t[1], t[2]) for t in triples}
    oxi = {(q.predicate.value, q.object.value) for q in ox.parse(data, format=OX_FORMATS[fmt])
           if isinstance(q.object, ox.Literal)}
    for text, predicate in EXPECTED:
        assert (predicate, Literal(text)) in objects, (fmt, text)
        assert (str(predicate), text) in oxi, (fmt, text)
    iris = {str(term) for t in triples for term in t[:3] if isinstance(term, URIRef)}
    assert not [i for i in iris if "evil" in i or i in ("a", "b", "c")], fmt


@pytest.mark.parametrize("fmt", sorted(RDF_PARSERS))
def test_every_export_format_over_http_parses_back_to_the_exact_literals(client, fmt):
    response = client.get(f"/export.{fmt}")
    assert response.status_code == 200
    assert_literals(response.get_data(), fmt)


@pytest.mark.parametrize("fmt", sorted(RDF_PARSERS))
def test_every_export_format_of_the_cli_parses_back_to_the_exact_literals(runner, store, tmp_path, fmt):
    target = tmp_path / f"out.{fmt}"
    result = runner.invoke(main, ["--store", str(store), "export", "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert_literals(target.read_bytes(), fmt)


def document_path(store, title: str) -> str:
    (row,) = open_read_only(store).query(
        "SELECT ?d ?t WHERE { ?d <http://purl.org/dc/terms/title> ?t }", substitutions={ox.Variable("t"): ox.Literal(title)},
        use_default_graph_as_union=True)
    return "/id/" + row["d"].value[len(BASE):]


@pytest.mark.parametrize("fmt,parser", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_the_rdf_of_a_document_page_holds_the_exact_literals(client, store, fmt, parser):
    path = document_path(store, TITLE)
    graph = rdflib.Graph().parse(data=client.get(path, query_string={"format": fmt}).get_data(), format=parser)
    assert Literal(TITLE) in set(graph.objects(None, DCTERMS.title))
    assert Literal(FILE) in set(graph.objects(None, URIRef(RG + "fileName")))


class Page(HTMLParser):
    """What a browser would build from a page: elements with their attributes, and the text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


#: Every element our templates write; an element outside it came from the data.
TEMPLATE_TAGS = {"html", "head", "meta", "title", "link", "body", "header", "nav", "a", "main", "footer", "h1", "h2",
                 "h3", "p", "code", "span", "section", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "q",
                 "strong", "details", "summary", "svg", "path", "rect", "text", "g", "line", "figure", "figcaption",
                 "br", "form", "label", "select", "option", "textarea", "button", "div", "pre", "dl", "dt", "dd", "small",
                 "script", "input", "defs", "marker", "pattern"}


def assert_no_injection(html: str, page: str, shown: list[str]) -> None:
    parsed = Page(html)
    tags = {tag for tag, _ in parsed.elements}
    assert tags <= TEMPLATE_TAGS, (page, tags - TEMPLATE_TAGS)
    scripts = [attrs for tag, attrs in parsed.elements if tag == "script"]
    assert all(attrs.get("src", "").startswith("/static/") for attrs in scripts), (page, scripts)
    handlers = [(tag, name) for tag, attrs in parsed.elements for name in attrs if name.startswith("on")]
    assert handlers == [], page
    text = "".join(parsed.text)
    for expected in shown:  # escaped on the page, the text reads as written
        assert expected in text, (page, expected)


def test_role_tool_document_and_home_pages_show_the_texts_and_inject_nothing(client, store):
    role = client.get("/id/role/cloud-engineer").get_data(as_text=True)
    assert_no_injection(role, "role", [SKILLS, SALARY, FILE])
    assert_no_injection(client.get("/id/tool/terraform").get_data(as_text=True), "tool", [SKILLS, FILE])
    document = client.get(document_path(store, TITLE)).get_data(as_text=True)
    assert_no_injection(document, "document", [TITLE, FILE])
    assert Page(document).elements.count(("script", {})) == 0
    html_document = client.get(document_path(store, HTML_TITLE)).get_data(as_text=True)
    assert_no_injection(html_document, "html document", [HTML_TITLE])
    data_role = client.get("/id/role/data-engineer").get_data(as_text=True)
    assert_no_injection(data_role, "data engineer", [HTML_SECTION])
    assert_no_injection(client.get("/").get_data(as_text=True), "home", [TITLE, FILE, HTML_TITLE])


def test_the_query_page_shows_hostile_results_and_query_text_escaped(client):
    query = ('SELECT ?text WHERE { { ?d <http://purl.org/dc/terms/title> ?text } UNION '
             '{ ?e <https://w3id.org/rolegraph/ontology#section> ?text } UNION '
             '{ BIND("</textarea><script>alert(7)</script>" AS ?text) } }')
    response = client.get("/query", query_string={"query": query})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert_no_injection(html, "query", [TITLE, SKILLS, SALARY, HTML_TITLE, HTML_SECTION, query])
    textarea = html[html.index('<textarea id="query"'):html.index("</textarea>")]
    assert "&lt;/textarea&gt;&lt;script&gt;alert(7)&lt;/script&gt;" in textarea
    scripts = [attrs["src"] for tag, attrs in Page(html).elements if tag == "script"]
    assert scripts == ["/static/query.js"]  # the page's own, and only it


def test_a_hostile_path_is_escaped_on_the_not_found_page(client):
    response = client.get("/id/role/%3Cscript%3Ealert(8)%3C%2Fscript%3E", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert_no_injection(response.get_data(as_text=True), "not found", [])
    response = client.get("/id/x\"><img src=x onerror=alert(9)>", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert_no_injection(response.get_data(as_text=True), "not found", ["x\"><img src=x onerror=alert(9)>"])


"""The lexical scan that refuses SERVICE and LOAD: keywords only, never the same words as data."""
import pytest

from rolegraph.core.errors import QueryError, QueryRefused
from rolegraph.server.guard import check, keywords


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { sErViCe <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o . OPTIONAL { service silent <http://example.org/sparql> { ?s ?p ?o } } }",
    "LOAD <http://example.org/data.ttl>",
    "load silent <http://example.org/data.ttl> INTO GRAPH <http://example.org/g>",
    "SELECT * WHERE { FILTER(?a < 3 && ?b > 1) SERVICE <http://example.org/sparql> { } }",
    "SELECT * WHERE { ?s ?p \"#\" . SERVICE <http://example.org/sparql> { } }",
])
def test_the_keywords_are_refused(text):
    with pytest.raises(QueryRefused) as caught:
        check(text, allow_service=False)
    assert caught.value.http_status == 403 and caught.value.details["keyword"] in ("SERVICE", "LOAD")
    assert "not allowed" in caught.value.message


@pytest.mark.parametrize("text", [
    'SELECT * WHERE { ?s ?p "use the SERVICE keyword" }',
    "SELECT * WHERE { ?s ?p 'LOAD' }",
    'SELECT * WHERE { ?s ?p """a long\nSERVICE literal""" }',
    "SELECT * WHERE { ?s ?p '''LOAD\nit''' }",
    "SELECT * WHERE { ?s <http://example.org/SERVICE> <http://example.org/load> }",
    "# SERVICE in a comment\nSELECT * WHERE { ?s ?p ?o }",
    "SELECT ?service $load WHERE { ?service ?p $load }",
    "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:load ?o }",
    'SELECT * WHERE { ?s ?p "say \\"SERVICE\\"" }',
])
def test_the_same_words_as_data_pass(text):
    check(text, allow_service=False)
    assert not {"SERVICE", "LOAD"} & {word for word, _ in keywords(text)}


def test_the_position_names_line_and_column():
    with pytest.raises(QueryRefused) as caught:
        check("SELECT * WHERE {\n  SERVICE <http://example.org/sparql> { ?s ?p ?o }\n}", allow_service=False)
    assert caught.value.details["position"] == "2:3"


def test_allowed_by_the_setting():
    check("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", allow_service=True)


def test_nesting_counts_brackets_and_negations_but_not_inside_literals_iris_or_comments():
    from rolegraph.server.guard import MAX_NESTING, nesting

    assert nesting("SELECT * WHERE { FILTER((1)) }") == (3, None)
    assert nesting('SELECT * WHERE { ?s ?p "(((((" . ?s ?p <http://x.org/((> } # [[[[[[') == (1, None)
    assert nesting("ASK { FILTER(!!!true) }", limit=4) == (5, 15)
    deep = "ASK { " + "{" * (MAX_NESTING + 5) + "}" * (MAX_NESTING + 5) + " }"
    assert nesting(deep) == (MAX_NESTING + 6, 5 + MAX_NESTING)
    with pytest.raises(QueryError) as caught:
        check(deep, allow_service=True)  # allowing SERVICE does not lift the limit
    assert caught.value.details == {"position": f"1:{6 + MAX_NESTING}", "limit": MAX_NESTING}


@pytest.mark.parametrize("text", [
    "SELECT * {}.service<http://example.org/>{}",
    "SELECT * { ?s ?p ?o }\n# a comment\nSERVICE <http://example.org/> {}",
    "SELECT * {(SERVICE)}",
    "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> SELECT * { SERVICE <http://example.org/> {} }",
])
def test_a_keyword_next_to_punctuation_is_seen_whatever_else_the_text_names(text):
    with pytest.raises(QueryRefused):
        check(text, allow_service=False)


def test_names_holding_a_keyword_between_letters_or_dashes_pass_without_lexing():
    check("PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> SELECT ?x { ?x sd:endpoint ?e . "
          "?x <http://example.org/download> ?y }", allow_service=False)

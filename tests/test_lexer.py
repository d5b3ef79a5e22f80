"""The SPARQL lexer: tokens, its two dialects of strings and IRIs, and the query form read from it."""
import pytest

from rolegraph.core.errors import QueryError
from rolegraph.queries.lexer import query_form, tokens


def kinds(text, dialect="grammar"):
    return [(t.lastgroup, t.group()) for t in tokens(text, dialect)]


def test_each_kind_of_token():
    text = 'PREFIX ex: <http://x.org/#a> # note\nASK { ?s ex:p "o" . FILTER(!($n != 2)) }'
    assert kinds(text) == [
        ("word", "PREFIX"), ("pname", "ex:"), ("iri", "<http://x.org/#a>"), ("comment", "# note"),
        ("word", "ASK"), ("open", "{"), ("variable", "?s"), ("pname", "ex:p"), ("string", '"o"'),
        ("word", "FILTER"), ("open", "("), ("negation", "!"), ("open", "("), ("variable", "$n"),
        ("different", "!="), ("close", ")"), ("close", ")"), ("close", "}"),
    ]


def test_offsets_point_into_the_text():
    text = "SELECT ?x\n  WHERE { ?x ?p 'WHERE' }"
    for token in tokens(text):
        assert text[token.start():token.end()] == token.group()


@pytest.mark.parametrize("text", [
    '"SERVICE"', "'SERVICE'", '"""one\nSERVICE"""', "'''SERVICE'''", "<http://x.org/SERVICE>", "# SERVICE",
    "?SERVICE", "$SERVICE", "ex:SERVICE", "SERVICE:",
])
def test_a_keyword_inside_data_is_no_word(text):
    assert [t.group() for t in tokens(text) if t.lastgroup == "word"] == []


def test_comparisons_are_not_an_iri():
    assert [t.lastgroup for t in tokens("?a < 3 && ?b > 1")] == ["variable", "variable"]


@pytest.mark.parametrize("text, grammar, binder", [
    # an escaped quote inside a long string
    ('"""a \\""" b""" $x', ['"""a \\""" b"""'], ['"""a \\"""', '""']),
    # a backslash before a line break inside a short string
    ('"a\\\nb" $x', ['"a\\\nb"'], []),
    # a no-break space inside an IRI
    ("<http://x.org/\u00a0y> $x", ["<http://x.org/\u00a0y>"], []),
    # a control character inside an IRI
    ("<http://x.org/\x01y> $x", [], ["<http://x.org/\x01y>"]),
])
def test_the_dialects_read_strings_and_iris_apart(text, grammar, binder):
    data = {"string", "iri"}
    assert [t.group() for t in tokens(text, "grammar") if t.lastgroup in data] == grammar
    assert [t.group() for t in tokens(text, "binder") if t.lastgroup in data] == binder


def test_both_dialects_agree_on_ordinary_text():
    text = "PREFIX ex: <http://x.org/> SELECT ?x WHERE { ?x ex:p 'it''s', \"$y\" } # $z\n"
    assert kinds(text, "grammar") == kinds(text, "binder")


@pytest.mark.parametrize("text, form", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("  construct { ?s ?p ?o } where { ?s ?p ?o }", "CONSTRUCT"),
    ("Describe <http://x.org/a>", "DESCRIBE"),
    ("ASK{}", "ASK"),
    ("BASE <http://x.org/> PREFIX ex: <http://x.org/ns#>\nPREFIX : <http://y.org/>\nSELECT * {}", "SELECT"),
    ("BASE<http://x.org/>ASK{}", "ASK"),
    # a keyword inside a comment or a prologue's IRI or prefix is not the form
    ("# ASK first\nSELECT * {}", "SELECT"),
    ("PREFIX ex: <http://x.org/ask#> SELECT * {}", "SELECT"),
    ("PREFIX construct: <http://x.org/> ASK { ?s construct:p ?o }", "ASK"),
    ("PREFIX ex: # DESCRIBE\n  <http://x.org/> SELECT * {}", "SELECT"),
    ("PREFIX\n# ASK\nex: <http://x.org/> CONSTRUCT {} WHERE {}", "CONSTRUCT"),
])
def test_the_form_is_the_first_keyword_after_the_prologue(text, form):
    assert query_form(text) == form


@pytest.mark.parametrize("text", [
    "", "# only a comment", '"ASK" SELECT * {}', "<http://x.org/ask> SELECT * {}", "* SELECT * {}",
    "INSERT DATA { <http://x.org/a> <http://x.org/b> <http://x.org/c> }", "LOAD <http://x.org/data.ttl>",
    "PREFIX ex: SELECT * {}", "PREFIX ex:abc <http://x.org/> SELECT * {}", "PREFIX ex: <http://x y/> SELECT * {}",
    "SELECTION * {}", "WITH <http://x.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_anything_but_a_query_has_no_form(text):
    with pytest.raises(QueryError, match="not a SPARQL query"):
        query_form(text)

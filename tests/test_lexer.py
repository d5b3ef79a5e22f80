"""The SPARQL lexer: tokens, and its two dialects of strings and IRIs."""
import pytest

from rolegraph.queries.lexer import tokens


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


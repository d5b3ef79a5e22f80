"""Naming: every minted IRI under the base; slugs of labels as IRI segments."""
import pytest

from rolegraph.core.naming import DEFAULT_BASE, Minter, graph_iri, slug


@pytest.mark.parametrize("label, segment", [
    ("Savoir-être professionnel", "savoir-etre-professionnel"),
    ("  Travail en équipe !", "travail-en-equipe"),
    ("cœur de métier", "cur-de-metier"),  # unlike fold, what has no ASCII form is dropped
    ("ﬁchiers", "fichiers"),
    ("!!!", "x"),
])
def test_a_slug_is_an_ascii_iri_segment(label, segment):
    assert slug(label) == segment


def test_minted_iris_are_stable_and_under_the_base():
    mint = Minter("https://example.org/kg")
    assert str(mint.entity("tool", "postgresql")) == "https://example.org/kg/tool/postgresql"
    assert mint.claim("a", "b", "c") == mint.claim("a", "b", "c") != mint.claim("a", "b", "d")
    assert str(graph_iri(DEFAULT_BASE, "fiches")) == DEFAULT_BASE + "graph/fiches"

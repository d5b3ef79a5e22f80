"""ESCO and ROME labels as extra vocabulary: other roles understood, our own entries kept."""
import pytest

from rolegraph.loader.labels import word_keys

from conftest import BASE
from rolegraph.loader.build import read_all
from rolegraph.loader.evaluate import evaluate
from rolegraph.loader.extract import extract
from rolegraph.loader.lexicon import Lexicon, load_lexicon
from rolegraph.loader.vocabulary import extended_lexicon
from rolegraph.cli import main

BLOCKCHAIN = """Blockchain architect — job profile

The blockchain architect designs distributed ledgers and the smart contracts that run on them.
Skills: cryptography, Solidity, Go.
"""
CONCEPTION = """Ingénieure de conception informatique

La fiche : l'ingénieure de conception informatique définit l'architecture des logiciels. Outils : Java, Git.
"""


@pytest.mark.slow
def test_taxonomy_roles_and_languages_join_the_lexicon(taxonomy_store):
    # without our Smalltalk entry, ESCO's "Smalltalk (computer programming)" must bring the language in
    base = Lexicon([e for e in load_lexicon().entries if e.id != "smalltalk"])
    extended = extended_lexicon(taxonomy_store, BASE, base)
    extra = extended.entries[len(base.entries):]
    kinds = {e.kind for e in extra}
    assert kinds == {"role", "tool", "competency"}
    # every extra entry carries the concept it comes from, and none repeats a concept we curate
    assert all(e.esco or e.rome or e.get("concept") for e in extra)
    # skills are read by labels of four words at least: no generic one-word label floods the graph
    skills = [e for e in extra if e.kind == "competency"]
    assert skills and all(len(word_keys(v)) >= 4 for e in skills for v in (*e.en, *e.fr))
    curated = {c for e in base.entries for c in (*e.esco, *e.rome)}
    assert not curated & {c for e in extra for c in (*e.esco, *e.rome)}
    assert "Smalltalk" in {e.name for e in extra if e.kind == "tool"}


@pytest.mark.slow
def test_a_document_about_a_role_we_do_not_curate_is_understood(taxonomy_store, write):
    documents, _ = read_all([write("blockchain.md", BLOCKCHAIN), write("conception.md", CONCEPTION)])
    plain = [extract(d) for d in documents]
    # the title grammar reads "blockchain architect" as a role of our own, with no taxonomy concept
    assert plain[0].main_role.name == "Blockchain architect" and not plain[0].main_role.entry.esco
    assert plain[1].main_role is None
    extended = extended_lexicon(taxonomy_store, BASE, load_lexicon())
    found = [extract(d, extended) for d in documents]
    assert found[0].main_role.name == "Blockchain architect"
    assert found[0].main_role.entry.esco[0].startswith("http://data.europa.eu/esco/occupation/")
    assert found[1].main_role.entry.rome and found[1].main_role.name.startswith("Ingénieur")


@pytest.mark.slow
def test_the_vocabulary_costs_no_precision_on_the_seeds(gold, seeds, taxonomy_store):
    documents, _ = read_all([seeds])
    before = evaluate([extract(d).to_json() for d in documents], gold).micro
    extended = extended_lexicon(taxonomy_store, BASE, load_lexicon())
    after = evaluate([extract(d, extended).to_json() for d in documents], gold).micro
    assert after.precision >= before.precision
    assert after.recall >= before.recall


@pytest.mark.slow
def test_evaluate_accepts_the_vocabulary_option(runner, gold, seeds, taxonomy_store):
    result = runner.invoke(main, ["--store", str(taxonomy_store), "evaluate", "--gold", str(gold), str(seeds),
                                  "--vocabulary", "esco", "--vocabulary", "rome"])
    assert result.exit_code == 0, result.output
    assert "main_role         1.000" in result.output

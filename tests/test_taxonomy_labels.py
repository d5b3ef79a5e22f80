"""The taxonomies' label index: exact, lemma and partial matches with calibrated confidence, on labels of our own."""
from rolegraph.loader.taxonomies.labels import ALT, PREF, Label, LabelIndex, lemma_key

SKILL = "http://data.europa.eu/esco/skill/"


def index() -> LabelIndex:
    built = LabelIndex()
    for concept, text, language, weight, preferred in (
            ("s1", "manage software projects", "en", 1.0, True),
            ("s1", "gérer des projets logiciels", "fr", 0.95, True),
            ("s2", "configure network equipment", "en", 1.0, True),
            ("s2", "set up routers", "en", 0.95, False)):
        built.add(Label(SKILL + concept, "esco-skill", text, language, weight, preferred))
    return built


def test_exact_label_beats_lemma_beats_partial():
    found = index()
    exact = found.match("Manage software projects", "en")
    assert (exact.concept, exact.label, exact.confidence, exact.how) == (SKILL + "s1", "manage software projects", 1.0, "exact")
    lemma = found.match("managing software projects", "en")
    assert (lemma.concept, lemma.how) == (SKILL + "s1", "lemma") and lemma.confidence < exact.confidence
    partial = found.match("we configure network equipment daily", "en")
    assert (partial.concept, partial.how) == (SKILL + "s2", "partial") and partial.confidence < lemma.confidence


def test_french_labels_are_lemmatised_and_named_in_english():
    found = index().match("gère un projet logiciel", "fr")
    assert found.concept == SKILL + "s1" and found.label == "manage software projects"
    assert found.how == "lemma" and found.confidence < 0.95


def test_nothing_for_unknown_phrases_or_languages():
    assert index().match("bake bread", "en") is None
    assert index().match("manage software projects", "de") is None
    assert index().match("", "en") is None
    assert lemma_key("les réseaux et les serveurs", "fr") == "reseau serveur"

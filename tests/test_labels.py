"""Label normalisation: one folding and one word key, and the modes in which whole labels compare."""
import pytest

from rolegraph.loader.labels import KEYS, fold, label_key, stem, word_key, word_keys


def test_folding_keeps_every_offset():
    text = "Œuvre d’art, DÉVELOPPEUSE façon ﬁn"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "œuvre d'art, developpeuse facon ﬁn"  # "œ" and "ﬁ" have no one-letter form


@pytest.mark.parametrize("word, key", [
    ("developpeurs", "developpeur"), ("developpeuse", "developpeus"), ("class", "class"),
    ("bus", "bus"), (".net", ".net"), ("node.js", "nodej"), ("c++", "c++"), ("des", ""), ("the", ""),
])
def test_a_word_key_drops_dots_endings_and_stop_words(word, key):
    assert word_key(word) == key


def test_stemming_equates_plural_and_feminine_forms():
    assert stem("donnees") == stem("donnee") == "donne"
    assert stem("ingenieures") == stem("ingenieur") == "ingenieur"


def test_word_keys_read_the_words_of_a_label():
    assert word_keys("Bases de données") == word_keys("base de donnée") == ["base", "donne"]
    assert word_keys("NodeJS") == word_keys("Node.js")
    assert word_keys("l'équipe des") == ["equip"]


def test_the_two_matching_modes_differ_only_on_order_and_repeats():
    assert label_key("data engineer", "words") != label_key("engineer data", "words")
    assert label_key("data engineer", "word-set") == label_key("Engineer, data", "word-set") == "data engineer"
    assert label_key("test test unitaire", "word-set") == "test unitair"
    assert label_key("test test unitaire", "words") == "test test unitair"


def test_the_scoring_mode_keeps_stop_words_and_feminine_endings():
    assert label_key("Développeuse de logiciels", "scoring") == "developpeuse de logiciel"
    assert label_key("Développeuse de logiciels", "words") == "developpeus logiciel"
    assert label_key("Back-End, C++ / node.js", "scoring") == "back end c node js"
    assert label_key("Développeurs Back-End", "scoring") == label_key("developpeur back end", "scoring")


def test_every_mode_is_named_and_an_unknown_one_is_refused():
    assert set(KEYS) == {"words", "word-set", "scoring"}
    with pytest.raises(KeyError):
        label_key("Python", "stemmed")


def test_folding_is_the_same_on_every_path():
    # ASCII text is lower-cased as a whole; long texts are folded once and remembered; both must
    # give what folding one character at a time gives
    one_by_one = lambda text: "".join(fold(c) for c in text)  # noqa: E731
    plain = "Deploy the API, then TEST it: C++ & Node.JS\t(v2)\n" * 10
    accented = "Ingénieur·e DÉVELOPPEMENT — l’équipe Œuvre ﬁn İstanbul ß " * 10
    for text in (plain, accented, accented[:50], plain[:50]):
        assert fold(text) == one_by_one(text)
        assert fold(text) == fold(text)  # the remembered answer is the same
    assert fold(plain) == plain.lower()

"""Lines wrapped inside a sentence read as one line (loader/extract/wrapping.py)."""
from rolegraph.loader.extract.wrapping import unwrapped
from test_skills import skill_names


def test_a_wrapped_line_break_becomes_a_space_and_offsets_stay():
    text = "Chaque semaine la technicienne installe les postes et optimise\nleurs performances.\nProfil\nvous aimez"
    out = unwrapped(text)
    assert len(out) == len(text)
    assert "optimise leurs performances" in out
    # a short line (a heading) and a line ending in punctuation keep their break
    assert "performances.\nProfil\nvous" in out


def test_a_list_item_starting_in_capitals_keeps_its_line():
    text = "- Installer et configurer les serveurs de fichiers du siège\nConfigurer les imprimantes"
    assert unwrapped(text) == text


def test_a_phrase_split_across_a_wrapped_line_is_read_whole():
    text = "Au quotidien, la technicienne installe les bases de test, les met à jour et optimise\nleurs performances."
    assert "Performance optimization" in skill_names(text, "fr")

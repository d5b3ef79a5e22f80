"""Skill cues: the places where a document states skills (skills sections, short list items, cue words)."""
from rolegraph.loader.extract import extract
from rolegraph.loader.extract.cues import in_skill_context
import rolegraph.loader.extract.skills as skills
from conftest import text_document


def _at(text, word):
    start = text.index(word)
    return start, start + len(word)


def test_a_clause_with_a_cue_is_a_skill_context():
    text = "We look for engineers with excellent communication skills and a taste for clean code in general."
    assert in_skill_context(text, *_at(text, "communication"))
    text = "Vous avez le sens de l'organisation et vous aimez travailler avec des équipes réparties partout."
    assert in_skill_context(text, *_at(text, "organisation"))


def test_a_short_list_item_or_a_label_before_a_colon_is_a_skill_context():
    text = "Qualités attendues\n- Communication\n- Rigueur\n"
    assert in_skill_context(text, *_at(text, "Rigueur"))
    text = "Communication : il anime les réunions de suivi avec les clients et rédige les comptes rendus."
    assert in_skill_context(text, *_at(text, "Communication"))


def test_a_long_clause_without_a_cue_is_not_a_skill_context():
    text = "The communication between the two services goes through a message broker in most of our deployments."
    assert not in_skill_context(text, *_at(text, "communication"))


def test_a_skills_section_is_a_skill_context():
    text = "The communication between the two services goes through a message broker in most of our deployments."
    assert in_skill_context(text, *_at(text, "communication"), section_at=lambda offset: "Required skills")
    assert not in_skill_context(text, *_at(text, "communication"), section_at=lambda offset: "Our company")


def _names(text, language):
    document = text_document(text, language)
    return {c.name for c in extract(document).competencies}


def test_a_common_word_needs_a_skill_context_when_the_rule_is_on(monkeypatch):
    ordinary = "Every release is reviewed for organization by two people before it reaches the customers."
    assert "Organization" in _names(ordinary, "en")  # the rule is off by default (see skills.CONTEXT_LANGUAGES)
    # whatever the rule, a quality after a definite determiner is the company ("the organization ships")
    assert "Organization" not in _names("Every release that the organization ships is reviewed.", "en")
    monkeypatch.setattr(skills, "CONTEXT_LANGUAGES", frozenset({"en"}))
    assert "Organization" not in _names(ordinary, "en")
    assert "Organization" in _names("Soft skills\n- Organization\n- Curiosity\n", "en")


def test_bad_input_gives_no_error():
    assert isinstance(in_skill_context("", 0, 0), bool)
    assert isinstance(in_skill_context("x", 5, 9, section_at=lambda offset: None), bool)

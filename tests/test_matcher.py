"""Matching lexicon entries in real text: folding, variants, typos, alternatives, word boundaries."""
import pytest

from rolegraph.loader.extract import extract, matcher_for
from rolegraph.loader.extract.matcher import resolve
from rolegraph.loader.documents import assemble
from rolegraph.loader.lexicon import load_lexicon


def names(text: str, kind: str, language: str = "en") -> list[str]:
    found = resolve(matcher_for(load_lexicon()).find(text, language=language))
    return sorted({m.entry.name for m in found if m.entry.kind == kind})


def doc(text: str, name: str = "t.txt"):
    return assemble(name, "text/plain", text.encode(), [("paragraph", line) for line in text.split("\n")], None, "utf-8")


@pytest.mark.parametrize("text", ["a backend developer", "a back-end developer", "a back end developer",
                                  "un développeur back-end", "une DÉVELOPPEUSE BACK-END", "des développeurs back-end"])
def test_case_accents_hyphens_plural_and_gender(text):
    language = "fr" if "velop" in text and "developer" not in text else "en"
    assert names(text, "role", language) == ["Back-end developer"]


@pytest.mark.parametrize("text", ["Node.js", "NodeJS", "node.js", "Node.JS"])
def test_product_spellings(text):
    assert names(f"We use {text} daily.", "tool") == ["Node.js"]


def test_typos_on_long_names_are_tolerated_but_not_on_short_ones():
    assert names("Il connaît Pyhton et Jvaa.", "tool", "fr") == ["Python"]


def test_go_the_language_is_not_the_verb_nor_a_part_of_google():
    assert names("Services in Go and Rust.", "tool") == ["Go", "Rust"]
    assert names("We go to the office; Google Cloud is used.", "tool") == ["Google Cloud"]


def test_no_hit_inside_another_word():
    assert names("The JavaScript bundler", "tool") == ["JavaScript"]
    assert "Java" not in names("JavaScript only", "tool")


@pytest.mark.parametrize("text, language", [("Elle dirige le service R&D.", "fr"),
                                            ("The R&D lab hires a C developer.", "en")])
def test_a_letter_glued_by_an_ampersand_is_an_abbreviation_not_a_name(text, language):
    # "R" and "C" are languages, but the R of "R&D" is no more R than the D is D; the C alone still is
    assert names(text, "tool", language) == (["C"] if "C developer" in text else [])


def test_slash_alternatives_are_read_one_at_a_time():
    assert names("Containers: CKA/CKAD (Kubernetes).", "certification") == [
        "Certified Kubernetes Administrator", "Certified Kubernetes Application Developer"]
    assert names("unit/integration tests are written first", "competency") == ["Integration testing", "Unit testing"]


def test_matches_never_cross_a_line_or_a_sentence():
    assert names("the system.\nArchitect of nothing", "role") == []


def test_coordinated_diplomas_are_split():
    found = extract(doc("Formation : une Licence en informatique ou développement Web, puis un Master en génie logiciel."))
    assert sorted(d.name for d in found.diplomas) == [
        "Bachelor's degree in computer science", "Bachelor's degree in web development",
        "Master's degree in software engineering"]
    shared = extract(doc("It requires a DUT / BTS in computer science."))
    assert sorted(d.name for d in shared.diplomas) == ["BTS in computer science", "DUT in computer science"]


def test_a_repeated_fragment_counts_once():
    found = extract(doc("Stacks: " + "Java (FastAPI), " * 20 + "PHP."))
    assert sorted(t.name for t in found.tools) == ["FastAPI", "Java", "PHP"]


def test_vendor_named_in_a_certification_sentence_is_a_certification():
    found = extract(doc("Il déploie sur AWS.\nLes certifications proposées par AWS ou Google Cloud sont un plus."))
    assert [t.name for t in found.tools] == ["AWS"]
    assert sorted(c.name for c in found.certifications) == ["AWS certification", "Google Cloud certification"]


def test_role_qualifiers_do_not_hide_the_role():
    found = extract(doc("Le développeur freelance back-end travaille seul. Le développeur back-end code."))
    assert found.main_role.name == "Back-end developer"


def test_a_typo_is_never_read_where_the_word_is_a_word_of_the_language():
    assert names("Salaries vary with experience.", "tool") == []
    assert names("Il connaît Pyhton.", "tool", "fr") == ["Python"]


def test_a_bare_slash_inside_a_tool_name_is_part_of_it():
    assert names("Stored procedures in PL/SQL run on z/OS.", "tool") == ["PL/SQL", "z/OS"]
    assert names("Queries in SQL/PSM are rare.", "certification") == []


def test_a_name_written_as_one_slashed_word_is_read_whole_in_any_kind():
    # the competency "CI/CD" is one slashed word: "pipelines CI/CD" holds it, where reading the slash as
    # alternatives would give "pipelines CI" and "pipelines CD", neither of them a name
    assert names("On attend des pipelines CI/CD robustes.", "competency", "fr") == ["CI/CD"]
    # read as alternatives, "CI/CD pipelines" gives "CI/CD pipelines" and "CD pipelines": one mention
    found = resolve(matcher_for(load_lexicon()).find("We need CI/CD pipelines.", language="en"))
    assert [m.surface for m in found] == ["CI/CD pipelines"]
    # a slash between skills still separates alternatives
    assert names("Skills: UI/UX design.", "competency") == ["UI design", "UX design"]


def test_written_accents_tell_a_verb_from_its_participle():
    from rolegraph.loader.extract.matcher import Matcher
    from rolegraph.loader.lexicon import Entry
    managed = Entry("competency", "managed-service", "Managed service", (), ("service géré",), attrs={"type": "skill"})
    matcher = Matcher([managed])
    assert [m.surface for m in matcher.find("un service géré par l'équipe", language="fr")] == ["service géré"]
    assert [m.surface for m in matcher.find("SERVICE GERE", language="fr")] == ["SERVICE GERE"]
    assert matcher.find("le service gère les demandes", language="fr") == []


def test_a_one_word_name_is_not_read_across_a_preposition_in_lower_case():
    assert names("A degree in design helps.", "tool") == []
    assert names("They use Adobe InDesign and Java Script.", "tool") == ["Adobe InDesign", "JavaScript"]
    assert names("Il code en java script et type script.", "tool", "fr") == ["JavaScript", "TypeScript"]


def test_an_acronym_of_a_skill_reads_in_the_other_language_as_written_only():
    assert names("La CI lance le SAST et le DAST à chaque fusion.", "competency", "fr") == [
        "Dynamic application security testing", "Static application security testing"]
    assert names("On lance un sast, voir ci-dessous.", "competency", "fr") == []
    # a diploma's acronym is a word of the other language: the CAP theorem is no French diploma
    assert names("Explain the CAP trade-offs of a distributed store.", "diploma", "en") == []


def test_the_kind_of_database_software_is_a_tool_of_its_own():
    assert names("Il choisit le SGBD et administre un système de gestion de bases de données.", "tool", "fr") == ["DBMS"]
    assert names("Experience with an RDBMS such as PostgreSQL.", "tool") == ["DBMS", "PostgreSQL"]

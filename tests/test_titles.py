"""Role titles from the grammar of loader/extract/titles.py, in sentences we wrote."""
import pytest

from rolegraph.loader.extract.matcher import tokenize
from rolegraph.loader.extract.titles import title_mentions, ungendered
from rolegraph.loader.lexicon import load_lexicon


def titles(text):
    return {(m.entry.name, m.surface) for m in title_mentions(text, ungendered(text, tokenize(text)), load_lexicon())}


def composed(text):
    """The titles of ``text`` built from more than one word (a lone head is its generic role)."""
    return {(name, surface) for name, surface in titles(text) if len(surface.split()) > 1}


@pytest.mark.parametrize("text, kept", [
    ("Nous cherchons un consultant(e) en cybersécurité.", ["Nous", "cherchons", "un", "consultant", "en", "cybersécurité"]),
    ("Poste de développeur·se confirmé·e", ["Poste", "de", "développeur", "confirmé"]),
    ("Des technicien(ne)s support", ["Des", "technicien", "support"]),
    ("directeur/trice informatique", ["directeur", "informatique"]),
    ("front-end et e-commerce", ["front", "end", "et", "e", "commerce"]),
])
def test_gender_marks_are_dropped(text, kept):
    assert [text[t.start:t.end] for t in ungendered(text, tokenize(text))] == kept


def test_a_mark_after_a_dot_is_dropped_from_the_word_it_is_glued_to():
    text = "Développeur.se web et technicien.ne support"
    tokens = ungendered(text, tokenize(text))
    assert [t.key for t in tokens] == [t.key for t in tokenize("Développeur web et technicien support")]
    assert "Web developer" in {name for name, _ in titles(text)}


def test_the_word_after_a_mark_joins_the_title():
    text = "consultant(e) en cybersécurité"
    tokens = ungendered(text, tokenize(text))
    assert tokens[1].soft and tokens[1].gap_before == " "


def test_french_head_and_domain_name_a_known_role():
    assert ("Network engineer", "Ingénieur·e en réseaux") in titles("Elle est Ingénieur·e en réseaux.")
    assert ("IT support technician", "technicien(ne) d'assistance") in titles("le technicien(ne) d'assistance")


def test_french_title_of_our_own_is_named_by_rule():
    assert titles("Le technicien de maintenance répare.") == {("Maintenance technician", "technicien de maintenance")}


@pytest.mark.parametrize("text, name", [
    ("Elle est devenue experte en sécurité.", "Security expert"),
    ("un spécialiste en électronique", "Electronics specialist"),
    ("la chercheuse en intelligence artificielle", "AI researcher"),
    ("Le consultant en data science conseille.", "Data science consultant"),
    ("Il travaille avec une ingénieure qualité.", "QA engineer"),
])
def test_expert_specialist_researcher_heads_and_more_domains(text, name):
    assert name in {n for n, _ in composed(text)}


@pytest.mark.parametrize("text, name", [
    ("Elle est ingénieure FinOps chez un hébergeur.", "FinOps engineer"),
    ("un ingénieur en robotique", "Robotics engineer"),
    ("The identity and access management engineer reviews roles.", "IAM engineer"),
    ("Un chercheur en informatique quantique publie.", "Quantum computing researcher"),
    ("He is an observability engineer.", "Observability engineer"),
])
def test_titles_of_newer_it_domains(text, name):
    assert name in {n for n, _ in composed(text)}


def test_project_manager_titles():
    assert {n for n, _ in titles("La cheffe de projet informatique planifie.")} == {"IT project manager"}


def test_responsable_after_a_copula_is_an_adjective():
    assert titles("Il est responsable de la sécurité des données.") == set()
    assert {n for n, _ in titles("Le responsable sécurité valide.")} == {"Security manager"}


def test_english_domain_before_head():
    assert ("Cloud security engineer", "cloud security engineers") in titles("We hire cloud security engineers.")
    assert {n for n, _ in titles("She reports to the head of security.")} == {"Head of security"}


def test_english_specialised_wording_falls_back_to_the_known_role():
    names = {n for n, _ in titles("Two mainframe software engineers joined.")}
    assert names == {"Software developer"}


def test_broad_and_non_it_words_are_not_titles():
    assert titles("Work with other IT specialists and the marketing manager.") == set()
    assert composed("It lead to delays; a technical developer wrote it.") == set()


def test_teams_name_the_job_they_are_made_of():
    found = {n for n, _ in titles("Il échange avec l'équipe produit et les équipes de développement.")}
    assert found == {"Product manager", "Software developer"}
    assert {n for n, _ in titles("They hand builds to the test team.")} == {"Test engineer"}


def test_teams_that_name_no_it_job_give_nothing():
    assert titles("les équipes commerciales et the sales team") == set()


def test_the_grammar_is_read_from_its_file(tmp_path):
    from rolegraph.loader.extract.titles import load_title_grammar
    grammar = load_title_grammar()
    assert grammar.fr_heads[next(t.key for t in tokenize("ingénieure"))] == "engineer"
    assert grammar.team_roles["produit"] == "Product manager"
    broken = tmp_path / "titles.toml"
    broken.write_text("[domains]\n\"web\" = \"web\"\n", encoding="utf-8")
    from rolegraph.core.errors import InputError
    with pytest.raises(InputError, match=r"\[french_heads\]") as error:
        load_title_grammar(str(broken))
    assert error.value.details["file"] == str(broken)


def test_fields_of_specialisation_name_their_roles():
    text = "Later on she may specialise in application security, data engineering or DevOps, or in CI/CD."
    assert {n for n, _ in titles(text)} == {"Application security engineer", "Data engineer", "DevOps engineer"}
    assert {n for n, _ in titles("Il peut se spécialiser dans le cloud ou en cybersécurité.")} == \
        {"Cloud engineer", "Security engineer"}
    # the verb in any person
    assert {n for n, _ in titles("Certaines se spécialisent ensuite en cloud.")} == {"Cloud engineer"}


@pytest.mark.parametrize("text", [
    "He specialised in web development and testing.",            # a skill, not a field
    "a course that lets you specialise in a field (the web, data)",  # the list does not follow the cue
    "les développeurs sont spécialisés dans des tâches (back-end, front-end)",  # an adjective
    "an IT specialist in cloud platforms",                         # a noun of the head, not the verb
])
def test_what_is_not_a_field_of_specialisation(text):
    assert composed(text) == set()


@pytest.mark.parametrize("text, expected", [
    ("Most careers climb from Junior to Senior, then Lead/Staff or Principal.",
     {("Tech lead", "Lead"), ("Staff engineer", "Staff"), ("Principal engineer", "Principal")}),
    ("On passe de junior à confirmé, puis senior, et enfin architecte.", {("Software architect", "architecte")}),
])
def test_a_bare_rank_in_a_ladder_of_grades_is_its_role(text, expected):
    assert titles(text) == expected


@pytest.mark.parametrize("text", [
    "The staff is friendly and the lead time is short.",  # no grades around the ranks
    "A senior lead engineer reviews the code.",           # one grade, and the rank qualifies a title
    "Junior, senior: every principal reason is listed.",  # the rank is no step of the list
])
def test_ranks_outside_a_ladder_are_no_roles(text):
    assert not {name for name, _ in titles(text)} & {"Tech lead", "Staff engineer", "Principal engineer"}


def test_a_lone_head_names_its_generic_role():
    assert titles("She pairs with the developers every week.") == {("Software developer", "developers")}
    assert titles("Les développeuses relisent le code.") == {("Software developer", "développeuses")}
    assert titles("The designers hand over their mock-ups.") == {("UX designer", "designers")}


def test_a_role_keeps_the_gender_mark_it_ends_with_in_its_surface():
    from rolegraph.loader.documents import assemble
    from rolegraph.loader.extract import extract
    text = "Notre équipe recrute un·e développeur·se pour l'application mobile."
    found = extract(assemble("t.txt", "text/plain", text.encode(), [("paragraph", text)], None, "utf-8"))
    assert found.main_role.name == "Software developer" and found.main_role.surfaces == ["développeur·se"]


def test_a_participle_joins_a_domain_to_its_head():
    assert ("Mobile developer", "mobile-oriented developer") in titles("We pair you with a mobile-oriented developer.")
    found = {name for name, _ in titles("Elle rejoint les développeuses orientées mobile et un ingénieur spécialisé "
                                        "dans la sécurité réseau.")}
    assert {"Mobile developer", "Network security engineer"} <= found
    # the participle alone, with no domain after it, makes no title of its own
    assert not composed("Un développeur orienté résultats.")


def test_a_bracketed_acronym_does_not_split_a_team_from_its_domain():
    assert ("QA engineer", "quality (QA) team") in titles("Ask the quality (QA) team before a release.")
    # the acronym is read only between two words of one phrase
    assert not composed("Ask the quality (QA).")

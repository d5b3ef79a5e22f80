"""The subject of a document and its related roles (loader/extract/roles.py), on documents we wrote."""
import pytest

from rolegraph.loader.documents import read_document
from rolegraph.loader.extract import extract


def doc(tmp_path, text, name="fiche.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract(read_document(path))


def test_a_closing_paragraph_does_not_take_the_subject(tmp_path):
    text = ("Le métier de data analyst\n\n"
            "Le data analyst explore les données de l'entreprise.\n\n"
            "Et le data scientist ?\n\n"
            "Le data scientist construit des modèles. Le data scientist code en Python. "
            "Un data scientist publie ses modèles. Le data scientist les suit en production.\n")
    found = doc(tmp_path, text)
    assert found.main_role.name == "Data analyst"
    assert "Data scientist" in {r.name for r in found.related_roles}


def test_a_title_in_apposition_to_the_subject_is_no_other_role(tmp_path):
    text = ("Le développeur web construit des sites. Spécialiste de la sécurité réseau, il protège aussi "
            "les serveurs. Il travaille avec l'administrateur systèmes, qui le conseille.\n")
    found = doc(tmp_path, text)
    assert found.main_role.name == "Web developer"
    assert [r.name for r in found.related_roles] == ["System administrator"]


def test_inclusive_title_is_the_subject(tmp_path):
    text = ("Consultant(e) en cybersécurité\n\n"
            "Le ou la consultant(e) en cybersécurité conseille les entreprises et travaille avec le développeur web.\n")
    found = doc(tmp_path, text)
    assert found.main_role.name == "Security consultant"
    assert found.main_role.surfaces[0] == "Consultant(e) en cybersécurité"


def test_another_name_after_an_alias_cue_is_the_subject(tmp_path):
    text = ("Technicien de maintenance\n\n"
            "Le technicien de maintenance, aussi appelé technicien d'assistance, répare les postes. "
            "Il travaille avec l'administrateur réseau.\n")
    found = doc(tmp_path, text)
    assert found.main_role.name == "Maintenance technician"
    assert "technicien d'assistance" in found.main_role.surfaces
    assert {r.name for r in found.related_roles} == {"Network administrator"}


def test_longer_wording_of_the_subject_is_the_subject(tmp_path):
    text = ("Data engineer\n\nA data engineer builds pipelines. Some call them data software engineers.\n")
    found = doc(tmp_path, text, "page.txt")
    assert found.main_role.name == "Data engineer"
    assert found.related_roles == []
    assert "data software engineers" in found.main_role.surfaces


def test_relations_are_classified(tmp_path):
    text = ("Développeur web\n\n"
            "Le développeur web travaille avec le chef de projet digital.\n"
            "Il peut évoluer vers un poste d'architecte logiciel.\n"
            "Il peut se spécialiser comme ingénieur sécurité.\n")
    found = doc(tmp_path, text)
    relations = {r.name: r.attrs["relation"] for r in found.related_roles}
    assert relations["Software architect"] == "progression"
    assert relations["Security engineer"] == "specialisation"
    assert relations[next(n for n in relations if "project manager" in n)] == "collaborator"


@pytest.mark.parametrize("line", ["Évolution : directeur de projet, architecte logiciel.",
                                  "- Perspectives de carrière : directeur de projet ou architecte logiciel"])
def test_a_label_that_opens_its_line_stands_for_a_heading(tmp_path, line):
    found = doc(tmp_path, "Chef de projet informatique\n\nIl pilote des projets.\n\n" + line + "\n")
    assert {r.name: r.attrs["relation"] for r in found.related_roles} == {
        "Program manager": "progression", "Software architect": "progression"}


def test_a_lone_head_is_the_generic_role_unless_it_is_the_subjects_own(tmp_path):
    about_dba = doc(tmp_path, "Le métier d'administrateur de bases de données\n\n"
                              "L'administrateur de bases de données conseille les développeurs sur leurs requêtes.\n")
    assert about_dba.main_role.name == "Database administrator"
    assert [(r.name, r.surfaces) for r in about_dba.related_roles] == [("Software developer", ["développeurs"])]
    about_web = doc(tmp_path, "Web developer\n\nA web developer builds sites. Most developers work in agencies.\n")
    assert about_web.main_role.name == "Web developer"
    assert about_web.related_roles == []
    assert "developers" in about_web.main_role.surfaces


def test_what_another_role_does_is_not_a_skill_of_the_subject(tmp_path):
    text = ("Le métier de data analyst\n\n"
            "Le data analyst explore les données et fait de la visualisation de données.\n\n"
            "Il travaille avec :\n"
            "- Ingénieur DevOps : expert en déploiement continu et en supervision.\n"
            "- le développeur web, qui conçoit les interfaces utilisateur.\n"
            "Il lit les tableaux de bord, alors que le data scientist fait de l'apprentissage automatique.\n")
    found = doc(tmp_path, text)
    assert found.main_role.name == "Data analyst"
    assert {"DevOps engineer", "Web developer", "Data scientist"} <= {r.name for r in found.related_roles}
    skills = {c.name for c in found.competencies}
    assert "Data visualization" in skills
    assert not skills & {"Continuous deployment", "Monitoring", "UI design", "Machine learning"}


def test_the_subjects_own_description_keeps_its_skills(tmp_path):
    text = ("Data analyst\n\n"
            "- Data analyst : expert en visualisation de données.\n"
            "The data analyst, who also does machine learning, reports to the data scientist.\n")
    skills = {c.name for c in doc(tmp_path, text).competencies}
    assert {"Data visualization", "Machine learning"} <= skills


def test_the_web_team_around_a_developer_is_named(tmp_path):
    text = ("Développeuse front-end\n\n"
            "Elle travaille avec la référenceuse SEO, les rédacteurs web et le community manager de l'agence.\n")
    found = doc(tmp_path, text)
    assert found.main_role.name == "Front-end developer"
    assert {"SEO specialist", "Web copywriter", "Community manager"} <= {r.name for r in found.related_roles}


@pytest.mark.parametrize("text, name, roles", [
    ("Intégrateur web\n\nIl travaille avec les graphistes, le responsable marketing et les technico-commerciaux. "
     "Il rend compte au directeur général et échange avec la juriste sur les mentions légales.\n", "fr.txt",
     {"Graphic designer", "Marketing manager", "Sales representative", "Chief executive officer", "Lawyer"}),
    ("Data analyst\n\nShe presents her findings to the CFO, the HR manager and the account managers, and may "
     "become a team leader.\n", "en.txt",
     {"Chief financial officer", "Human resources manager", "Account manager", "Team leader"}),
])
def test_the_business_roles_beside_an_it_team_are_named(tmp_path, text, name, roles):
    assert roles <= {r.name for r in doc(tmp_path, text, name).related_roles}


def test_a_sentence_whose_subject_is_another_role_describes_that_role(tmp_path):
    text = ("Intégratrice web\n\nL'intégratrice web monte les pages à partir des maquettes.\n\n"
            "Voir aussi\nLe data engineer conçoit des pipelines de données pour les équipes.\n")
    found = doc(tmp_path, text)
    assert "Data engineer" in [r.name for r in found.related_roles]
    assert "Data pipelines" not in [c.name for c in found.competencies]


def test_an_english_role_word_used_as_a_french_verb_is_no_role(tmp_path):
    found = doc(tmp_path, "Intégrateur web\n\nMissions\n- Tester les applications sur les mobiles\n")
    assert [r.name for r in found.related_roles] == []
    assert any("testing" in c.name.lower() for c in found.competencies)


@pytest.mark.parametrize("text, language", [
    ("The web developer may be called upon to act as a consultant, to define the client's needs.", "en"),
    ("Le développeur web joue parfois le rôle de consultant auprès du client.", "fr"),
    ("Dans les petites équipes, le développeur web fait office de chef de projet.", "fr"),
])
def test_a_part_the_subject_plays_is_no_other_role(tmp_path, text, language):
    found = doc(tmp_path, text)
    assert found.main_role.name == "Web developer"
    assert found.related_roles == []


def test_a_bare_consultant_is_the_it_consultant(tmp_path):
    found = doc(tmp_path, "The web developer builds sites. Later, a web developer can become a consultant.")
    assert [(r.name, r.attrs["relation"]) for r in found.related_roles] == [("IT consultant", "progression")]


def test_the_it_business_analyst_is_apart_from_business_analysts_in_general(tmp_path):
    found = doc(tmp_path, "The IT business analyst writes the functional specifications of IT projects. "
                          "Unlike general business analysts, the IT business analyst works with developers.")
    assert found.main_role.name == "IT business analyst"
    assert "Business analyst" in {r.name for r in found.related_roles}


@pytest.mark.parametrize("text, language", [
    ("Machine learning engineers are programmers who teach machines. They work with data scientists.", "en"),
    ("Le data analyst est un développeur qui explore les données. Il travaille avec le data scientist.", "fr"),
])
def test_what_the_subject_is_said_to_be_is_no_other_role(tmp_path, text, language):
    found = doc(tmp_path, text)
    assert [r.name for r in found.related_roles] == ["Data scientist"]


def test_whom_the_publisher_serves_is_no_related_role(tmp_path):
    text = ("Le métier de développeur back-end\n\n"
            "Le développeur back-end travaille avec l'ingénieur DevOps.\n\n"
            "Nous accompagnons chaque année des centaines de consultants IT dans leur recherche de missions.\n")
    found = doc(tmp_path, text)
    assert found.main_role.name == "Back-end developer"
    assert {r.name for r in found.related_roles} == {"DevOps engineer"}
    found = doc(tmp_path, "Data engineer\n\nA data engineer works with data scientists. "
                          "We help data analysts find their next contract.\n", "en.txt")
    assert {r.name for r in found.related_roles} == {"Data scientist"}

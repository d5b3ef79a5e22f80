"""Lexicon breadth: the standard terms of IT roles beyond development, read in French and English.

Each sentence is ours; each asserts the specific concept, so that a term folded back into a broader
entry (Functional testing, Mobile development, MLOps practices...) fails here.
"""
import pytest

from rolegraph.loader.extract import extract
from conftest import text_document


def read(text, language):
    document = text_document(text, language)
    found = extract(document)
    return {c.name for c in found.competencies}, {t.name for t in found.tools}


@pytest.mark.parametrize("text, language, skills", [
    ("The pipeline runs SAST and DAST on every merge request, plus secret scanning.", "en",
     {"Static application security testing", "Dynamic application security testing", "Secret detection"}),
    ("Vous mettrez en place le scan des images de conteneurs et la sécurité de la chaîne d'approvisionnement "
     "logicielle.", "fr", {"Container image scanning", "Software supply chain security"}),
    ("Each release ships an SBOM and follows OWASP SAMM and SLSA.", "en",
     {"Software bill of materials", "OWASP SAMM", "SLSA"}),
    ("Participation aux astreintes, rédaction des post-mortems et suivi du budget d'erreur.", "fr",
     {"On-call duty", "Postmortems", "Error budgets"}),
    ("You will define SLOs for each service and lead chaos engineering game days.", "en",
     {"Service level objectives", "Chaos engineering"}),
    ("Expérience en modélisation prédictive, séries temporelles et feature engineering.", "fr",
     {"Predictive modelling", "Time series analysis", "Feature engineering"}),
    ("She maintains the data catalog and the data lineage of the warehouse.", "en",
     {"Data cataloguing", "Data lineage"}),
    ("Rédiger les user stories, conduire l'analyse des écarts et organiser la recette utilisateur.", "fr",
     {"User story writing", "Gap analysis", "User acceptance testing"}),
    ("A strong eye for typography, colour theory and interaction design.", "en",
     {"Typography", "Colour theory", "Interaction design"}),
    ("Développement iOS et Android, ou développement multiplateforme.", "fr",
     {"iOS development", "Android development", "Cross-platform development"}),
    ("Supervision des réseaux et gestion du plan d'adressage.", "fr", {"Network monitoring", "IP addressing"}),
    ("Elle configure les commutateurs et les routeurs de l'agence.", "fr", {"Network configuration"}),
    ("He configures routers and switches for each branch.", "en", {"Network configuration"}),
    ("Il suit le budget et définit le périmètre du projet avec le client.", "fr",
     {"Budget management", "Scope management"}),
    ("The project lead tracks the budget and manages the scope.", "en", {"Budget management", "Scope management"}),
    ("The designer produces wireframes and prototypes for each feature.", "en", {"Wireframing", "Prototyping"}),
    ("L'architecte arbitre les choix technologiques de la plateforme.", "fr", {"Technology selection"}),
    ("The architect makes the technology choices of the platform.", "en", {"Technology selection"}),
    ("Le scrum master anime les cérémonies agiles, lève les obstacles et accompagne la transformation agile.",
     "fr", {"Scrum", "Impediment removal", "Agile coaching"}),
    ("The scrum master removes impediments and leads the agile transformation.", "en",
     {"Impediment removal", "Agile coaching"}),
    ("Il modélise les processus métier et conçoit des traitements distribués.", "fr",
     {"Business process modeling", "Distributed systems"}),
    ("SREs are on call and build streaming pipelines.", "en", {"On-call duty", "Stream processing"}),
    ("Elle définit la stratégie de tests et gère les licences logicielles.", "fr",
     {"Test strategy", "Software licence management"}),
    ("He designs testing strategies, administers the mail servers and shares knowledge with the team.", "en",
     {"Test strategy", "Email administration", "Training others"}),
    ("Il administre la messagerie et assure la montée en compétences des équipes.", "fr",
     {"Email administration", "Training others"}),
    ("Il optimise le temps de chargement des pages et forme les développeurs juniors.", "fr",
     {"Web performance optimization", "Mentoring"}),
    ("The role covers regression testing, exploratory testing and API testing.", "en",
     {"Regression testing", "Exploratory testing", "API testing"}),
    ("Tests manuels et rédaction des cas de test.", "fr", {"Manual testing", "Test case design"}),
    ("Développement de firmware sur microcontrôleurs pour des systèmes temps réel.", "fr",
     {"Firmware development", "Microcontrollers", "Real-time systems"}),
    ("You keep the data dictionary up to date and own database performance tuning.", "en",
     {"Data dictionary", "Database performance tuning"}),
    ("Gestion du plan de charge de l'équipe et support à distance des utilisateurs.", "fr",
     {"Resource planning", "Remote support"}),
    ("Conception de niveaux et game design pour un jeu de plateforme.", "fr", {"Level design", "Game design"}),
    ("Annotation des données et suivi des expérimentations avant le fine-tuning.", "fr",
     {"Data annotation", "Experiment tracking", "Model fine-tuning"}),
    ("We design data contracts between the teams of our data mesh.", "en", {"Data contracts", "Data mesh"}),
    ("Paramétrage CRM et refonte des processus métier chez nos clients.", "fr",
     {"CRM configuration", "Business process reengineering"}),
    ("Experience of zero trust and of a service mesh in production.", "en",
     {"Zero trust architecture", "Service mesh"}),
])
def test_a_standard_term_of_the_domain_is_its_own_concept(text, language, skills):
    assert skills <= read(text, language)[0]


def test_a_specific_testing_practice_is_not_reported_as_the_broader_one():
    skills, _ = read("Les tests de non-régression sont automatisés.", "fr")
    assert "Regression testing" in skills and "Functional testing" not in skills


def test_security_and_embedded_tools_are_read_by_name():
    _, tools = read("Semgrep, CodeQL and Gitleaks gate the build; Grype and Syft scan images signed with Cosign.",
                    "en")
    assert {"Semgrep", "CodeQL", "Gitleaks", "Grype", "Syft", "Cosign"} <= tools
    _, tools = read("Le SOC exploite un SIEM et un EDR ; la carte parle en I2C et SPI, déboguée en JTAG.", "fr")
    assert {"SIEM", "EDR", "I2C", "SPI", "JTAG"} <= tools


def test_word_like_tool_names_match_only_as_written():
    # "clair", "feast", "ids" are ordinary words; the tools are written Clair, Feast, IDS
    _, tools = read("The ids of the rows are clear; we feast on a clair de lune and a locust swarm.", "en")
    assert not {"Clair", "Feast", "IDS/IPS", "Locust"} & tools
    _, tools = read("Load tests run on Locust and features are served by Feast.", "en")
    assert {"Locust", "Feast"} <= tools


def test_game_design_is_not_game_development():
    skills, _ = read("Une solide expérience en game design.", "fr")
    assert "Game design" in skills and "Game development" not in skills

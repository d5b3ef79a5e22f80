"""The qualification grammar: study levels, level ranges, degree + field lists, generic degrees, trainings."""
import tempfile
from pathlib import Path

from rolegraph.loader.documents import read_document
from rolegraph.loader.extract import extract


def _extract(text: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "q.txt"
        path.write_text(text, encoding="utf-8")
        return extract(read_document(path))


def _diplomas(text: str, language: str = "fr") -> dict[str, list[str]]:
    return {d.name: d.surfaces for d in _extract(text).diplomas}


def _trainings(text: str, language: str = "fr") -> set[str]:
    return {t.name for t in _extract(text).trainings}


def test_a_comma_and_an_article_end_a_degree_s_fields():
    found = _diplomas("You could take a diploma in networking, an IT support apprenticeship, or apply directly.")
    assert found == {"Degree in networks and telecommunications": ["diploma in networking"]}


def test_a_level_alone_is_a_level_only_diploma():
    found = _diplomas("Le poste demande un diplôme de niveau bac + 3 au minimum.")
    assert found == {"Bac+3 degree": ["diplôme de niveau bac + 3"]}


def test_a_level_range_and_a_slashed_level_give_each_level():
    assert set(_diplomas("Profil recherché : Bac+2 à Bac+3 en réseaux.")) == {"Bac+2 degree", "Bac+3 degree"}
    assert set(_diplomas("Formation : niveau BAC+4/5 exigé.")) == {"Bac+4 degree", "Bac+5 degree"}


def test_rncp_levels_need_a_qualification_context():
    assert set(_diplomas("Diplôme visé : niveau 6 ou niveau 7.")) >= {"Bac+3 degree", "Bac+5 degree"}
    assert _diplomas("Il traite les tickets de niveau 6 du catalogue.") == {}


def test_a_level_right_after_a_diploma_is_its_level():
    found = _diplomas("Nous acceptons une école d'ingénieurs (Bac+5).")
    assert set(found) == {"Engineering degree"}


def test_a_field_list_after_a_related_field_is_distributed():
    found = _diplomas("Applicants hold a bachelor's degree in physics or a related field such as mathematics.", "en")
    assert {"Bachelor's degree in physics", "Bachelor's degree in mathematics"} <= set(found)


def test_a_generic_degree_needs_a_field():
    assert set(_diplomas("You need a degree in statistics to apply.", "en")) == {"Degree in statistics"}
    assert _diplomas("To some degree, the job is stressful.", "en") == {}


def test_fields_before_a_degree_compose_with_it():
    assert "Degree in economics" in _diplomas("An economics degree helps.", "en")


def test_training_routes_and_providers():
    assert "Vocational training" in _trainings("On peut se former dans un centre de formation agréé.")
    assert "Online training" in _trainings("Many follow online training to stay current.", "en")
    assert "Le Wagon" in _trainings("Elle a suivi le bootcamp du Wagon, puis Le Wagon l'a recrutée.")


def test_a_bare_degree_said_on_its_own_stays_beside_the_complete_one():
    text = ("Requirements: a bachelor's degree.\n"
            "Most applicants studied for a bachelor's degree in statistics at a university before applying.")
    assert set(_diplomas(text, "en")) == {"Bachelor's degree", "Bachelor's degree in statistics"}
    # in the sentence of the complete diploma, the bare degree is a part of it
    found = _diplomas("Un BTS ou un DUT (Services Informatiques aux Organisations) suffit pour commencer.")
    assert "BTS SIO" in found and "BTS" not in found


def test_the_verb_to_master_is_not_a_degree():
    text = "Engineers must master continuous delivery and learn to master one language in depth."
    assert _diplomas(text, "en") == {}
    assert set(_diplomas("A master's degree helps. So does a Master in data science.", "en")) >= {"Master's degree"}


def test_a_degree_word_that_ends_a_role_name_is_not_a_degree():
    assert _diplomas("Il travaille avec le product owner et le scrum master de l'équipe.") == {}
    assert _diplomas("The Scrum Master removes the blockers of the team.", "en") == {}
    assert set(_diplomas("Un diplôme d'ingénieur en informatique est demandé.")) == {"Engineering degree"}
    assert _diplomas("Une certification Scrum Master est appréciée.") == {}


def test_certifications_of_cloud_and_business_analysis():
    found = {c.name for c in _extract("Le profil idéal a la HashiCorp Terraform Associate ou la PMI-PBA.").certifications}
    assert found == {"HashiCorp Certified: Terraform Associate", "PMI Professional in Business Analysis"}


def test_a_skill_named_as_the_field_of_a_degree_is_that_degree_s_field(tmp_path):
    found = _extract("Some of them go on to a master's in network administration after a few years.")
    assert [(d.name, d.attrs["level"]) for d in found.diplomas] == [("Master's degree in network administration", "bac+5")]
    assert "Network administration" not in {c.name for c in found.competencies}  # it is the diploma's, not a skill
    # a skill further away is no field of the degree
    later = _extract("A master's degree helps; network administration is learnt on the job.")
    assert [d.name for d in later.diplomas] == ["Master's degree"]


def test_a_diploma_with_a_field_read_from_a_skill_builds_into_the_graph(tmp_path):
    from rolegraph.loader.build import build
    document = tmp_path / "fiche.txt"
    document.write_text("Administrateur réseaux\n\nIl a souvent un master en administration réseau.\n", encoding="utf-8")
    assert [d.name for d in extract(read_document(document)).diplomas] == ["Master's degree in network administration"]
    result = build([document], tmp_path / "store")
    assert result.report.conforms and result.generation is not None
    assert result.entities.get("Diploma") == 1


def test_a_skill_named_as_a_field_holds_the_shorter_field_inside_it():
    # "computer networking" is a skill whose last word is the field "networking": the whole is the field,
    # and the list goes on after it
    found = _diplomas("Most staff hold a bachelor's degree in computer networking, information technology or "
                      "physics.", "en")
    assert {"Bachelor's degree in networking", "Bachelor's degree in information technology",
            "Bachelor's degree in physics"} <= set(found)


def test_a_list_of_fields_goes_on_after_a_wrapped_line():
    text = ("Analyste de données\n\nWe would like a bachelor's degree in applied mathematics, statistics or\n"
            "information systems, or several years of experience.\n")
    assert set(_diplomas(text)) == {"Bachelor's degree in mathematics", "Bachelor's degree in statistics",
                                    "Bachelor's degree in information systems"}


def test_vocational_and_postgraduate_qualifications():
    assert set(_diplomas("Technicien\n\nLe poste est ouvert dès le CAP ou avec un bac pro.\n")) == {
        "CAP vocational certificate", "Vocational baccalaureate"}
    # in English the three letters are the theorem of distributed stores, not a diploma
    assert _diplomas("Engineer\n\nYou understand CAP trade-offs in distributed stores.\n") == {}
    assert set(_diplomas("Analyst\n\nA foundation degree or a postgraduate qualification in data science.\n")) == {
        "Associate degree in data science", "Master's degree in data science"}


def test_a_degree_that_opens_a_list_takes_one_field_a_line():
    text = "Analyst\n\nStudies\nYou could take a degree in:\nstatistics\napplied mathematics\n"
    assert set(_diplomas(text)) == {"Degree in statistics", "Degree in mathematics"}
    text = ("Technicien réseau\n\nLe technicien prépare souvent un master en :\n- réseaux et télécommunications\n"
            "- informatique\n")
    assert set(_diplomas(text)) == {"Master's degree in networks and telecommunications",
                                    "Master's degree in computer science"}
    # a line that goes on after the field is no item of such a list
    assert _diplomas("Analyste\n\nYou could take a degree in:\nstatistics for a year, then work\n") == {}


def test_fields_of_study_named_after_the_degree_s_sentence():
    found = _diplomas("Network administrators hold a bachelor's degree; the field of study varies. Computer "
                      "science is a frequent major, and electrical engineering is also seen.")
    assert {"Bachelor's degree in computer science", "Bachelor's degree in electrical engineering"} <= set(found)
    found = _diplomas("Une licence est attendue. Les filières les plus suivies sont l'informatique et les réseaux "
                      "et télécommunications.")
    assert {"Bachelor's degree in computer science", "Bachelor's degree in networks and telecommunications"} <= set(found)


def test_a_field_after_the_degree_without_a_study_cue_is_no_field_of_it():
    found = _diplomas("A master's degree is expected. Experience with machine learning and statistics is a plus. "
                      "You will study the data of our stores.")
    assert set(found) == {"Master's degree"}
    # the end of the paragraph ends what the degree reaches
    found = _diplomas("A master's degree is expected.\n\nMany of our engineers studied mathematics.")
    assert set(found) == {"Master's degree"}


def test_fields_beyond_computing_compose_with_a_degree():
    found = _diplomas("Many designers hold a degree in design, psychology or human-computer interaction.")
    assert set(found) == {"Degree in design", "Degree in psychology", "Degree in user experience design"}
    assert set(_diplomas("Un diplôme en finance ou en psychologie est un atout.")) == {
        "Degree in finance", "Degree in psychology"}


def test_a_professional_title_named_after_a_job_takes_the_job_as_its_field_and_is_no_role():
    found = _extract("Technicien de maintenance\n\nFormation : titre professionnel technicien "
                     "d'assistance en informatique, préparé en un an.")
    assert [d.name for d in found.diplomas] == ["RNCP certified title (IT support technician)"]
    assert found.main_role.surfaces == ["Technicien de maintenance"] and found.related_roles == []


def test_each_series_of_the_baccalaureat_is_a_diploma_of_its_own():
    found = _diplomas("Après un bac STI2D, un bac pro SN ou un baccalauréat scientifique, on vise un BTS.")
    assert {"STI2D baccalaureate", "Vocational baccalaureate", "Scientific baccalaureate"} <= set(found)
    assert "Baccalauréat" not in found
    assert set(_diplomas("Le baccalauréat s'obtient en fin de lycée.")) == {"Baccalauréat"}
    # the one-letter series would read as an elided article: "bac L" is the bare diploma
    assert "Literary baccalaureate" not in _diplomas("Un bac L ou un baccalauréat général suffit.")


def test_the_certification_of_a_scrum_role_is_apart_from_scrum_certifications():
    certifications = {c.name for c in _extract("Elle prépare la certification Scrum Master, puis une certification "
                                               "Product Owner et d'autres certifications Scrum.").certifications}
    assert certifications == {"Scrum Master certification", "Product Owner certification", "Scrum certification"}


def test_a_french_msc_is_a_diploma_of_its_own_and_an_english_one_a_master_s_degree():
    assert set(_diplomas("Il faut un Master, un MBA ou un MSc.")) == {"Master's degree", "MBA", "Master of Science"}
    assert set(_diplomas("The employer would like an MSc in computer science, and the candidate should have worked with teams.")) == {
        "Master's degree in computer science"}


"""Context and sense: bracketed abbreviations, issuers in certification sentences, names inside diplomas."""
from rolegraph.loader.documents import assemble
from rolegraph.loader.extract import extract
from rolegraph.loader.extract.words import is_common_word


def doc(text: str):
    return assemble("t.txt", "text/plain", text.encode(), [("paragraph", line) for line in text.split("\n")], None, "utf-8")


def test_a_name_and_its_bracketed_abbreviation_are_one_mention():
    found = extract(doc("We value the Certified Information Systems Security Professional (CISSP) title."))
    assert [(c.name, c.surfaces) for c in found.certifications] == [
        ("CISSP", ["Certified Information Systems Security Professional (CISSP)"])]


def test_an_issuer_in_a_certification_sentence_stands_for_its_certifications():
    found = extract(doc("Employers like candidates holding certifications from CompTIA or Red Hat."))
    assert sorted(c.name for c in found.certifications) == ["CompTIA certification", "Red Hat certification"]
    assert extract(doc("CompTIA publishes yearly reports on the industry.")).certifications == []


def test_generic_vendor_certifications_in_both_languages():
    assert [c.name for c in extract(doc("Des certifications éditeurs sont un atout.")).certifications] == ["Vendor certification"]
    assert [c.name for c in extract(doc("Vendor certifications help.")).certifications] == ["Vendor certification"]


def test_a_skill_named_only_inside_a_diploma_belongs_to_the_diploma():
    sentence = "Le candidat est titulaire d'un Master en cybersécurité et il apprécie Java."
    found = extract(doc(sentence))
    assert [d.name for d in found.diplomas] == ["Master's degree in cybersecurity"]
    assert found.competencies == [] and [t.name for t in found.tools] == ["Java"]
    again = extract(doc(sentence + "\nLa cybersécurité est au cœur du poste."))
    assert [c.name for c in again.competencies] == ["IT security"]


def test_common_words_come_from_the_language_word_list():
    assert is_common_word("Salaries", "en") and is_common_word("salaires", "fr")
    assert not is_common_word("Kubernets", "en") and not is_common_word("", None)


def test_a_vendor_named_right_before_its_product_certifies_the_product():
    assert [c.name for c in extract(doc("Elle prépare la certification Oracle Java cette année.")).certifications] == [
        "Java certification"]
    apart = extract(doc("Elle a obtenu une certification Oracle. Elle code en Java."))
    assert [c.name for c in apart.certifications] == ["Oracle certification"]


def test_a_bracket_after_a_vendors_certifications_names_which_one():
    found = extract(doc("Une certification Kubernetes (CKA) est appréciée pour ce poste."))
    assert [(c.name, c.surfaces) for c in found.certifications] == \
        [("Certified Kubernetes Administrator", ["certification Kubernetes (CKA)"])]


def test_a_skill_or_tool_named_only_inside_a_certification_belongs_to_it():
    found = extract(doc("The Certified Business Analysis Professional (CBAP) title and an AWS Certified "
                        "Solutions Architect badge are welcome."))
    assert "Business analysis" not in {c.name for c in found.competencies}
    assert "AWS" not in {t.name for t in found.tools}
    assert {"CBAP"} <= {c.name for c in found.certifications}


def test_certifications_in_general_followed_by_examples_are_the_examples():
    found = extract(doc("Security certifications such as the CISSP are welcome."))
    assert [c.name for c in found.certifications] == ["CISSP"]
    found = extract(doc("Une certification IIBA (CCBA ou ECBA) est un plus."))
    assert sorted(c.name for c in found.certifications) == ["CCBA", "ECBA"]
    assert [c.name for c in extract(doc("Cloud certifications are welcome.")).certifications] == ["Cloud certification"]


def test_a_product_named_inside_a_skill_is_a_tool_too():
    found = extract(doc("Vous assurez l'administration Linux des serveurs de production."))
    assert [c.name for c in found.competencies] == ["System administration"]
    assert [t.name for t in found.tools] == ["Linux"]


def test_a_product_in_a_role_s_title_is_a_tool_too_but_not_the_title_s_head():
    found = extract(doc("Nous recrutons un développeur Python pour notre équipe."))
    assert [t.name for t in found.tools] == ["Python"]
    found = extract(doc("We are hiring a Salesforce developer for the sales team."))
    assert [t.name for t in found.tools] == ["Salesforce"]
    # "chef" heads the French title; it is no configuration tool there
    found = extract(doc("Le chef de projet technique suit les livraisons."))
    assert found.tools == []


def test_a_title_followed_by_the_certification_that_confers_it_is_that_certification():
    found = extract(doc("Certifications we like: PCAP, Scrum Master (PSM I)."))
    assert [(c.name, c.surfaces) for c in found.certifications if c.name != "PCAP"] == [
        ("Professional Scrum Master", ["Scrum Master (PSM I)"])]
    assert found.related_roles == [] and (found.main_role is None or found.main_role.name != "Scrum master")
    # the role named on its own stays a role
    found = extract(doc("Data engineer\nYou will work with the Scrum Master of the team."))
    assert "Scrum master" in [r.name for r in found.related_roles]


def test_a_product_that_names_a_company_s_trade_is_context():
    assert extract(doc("You have worked for a SaaS company and you like Python.")).tools[0].name == "Python"
    assert [t.name for t in extract(doc("You have worked for a SaaS company.")).tools] == []
    assert [t.name for t in extract(doc("Vous rejoignez un éditeur SaaS en forte croissance.")).tools] == []


def test_a_french_direction_acronym_after_la_is_the_department():
    assert extract(doc("Au sein de la DSI, vous administrez les serveurs.")).related_roles == []
    found = extract(doc("Administrateur systèmes\nVous rendez compte au DSI."))
    assert [r.name for r in found.related_roles] == ["IT director"]


def test_words_that_start_in_a_team_s_name_are_no_skill():
    found = extract(doc("Scrum Master\nVous accompagnez deux équipes de développement dans l'application des rituels."))
    assert "Software development" not in [c.name for c in found.competencies]
    assert "Software developer" in [r.name for r in found.related_roles]


def test_a_skill_named_only_inside_a_role_s_title_belongs_to_the_role():
    found = extract(doc("Data engineer\nData engineers often become machine learning engineers."))
    assert "Machine learning engineer" in [r.name for r in found.related_roles]
    assert "Machine learning" not in [c.name for c in found.competencies]
    again = extract(doc("Data engineer\nData engineers often become machine learning engineers.\n"
                        "They know machine learning well."))
    assert "Machine learning" in [c.name for c in again.competencies]


def test_a_training_route_s_words_name_no_skill():
    found = extract(doc("Technicien support\nLa formation continue permet aussi d'accéder au métier."))
    assert "Continuing education" in [t.name for t in found.trainings]
    assert "Continuous learning" not in [c.name for c in found.competencies]


def test_a_skill_that_ends_inside_a_role_s_title_is_no_skill():
    found = extract(doc("IT Help Desk Technician\nHelp desk technicians answer the calls of employees."))
    assert found.main_role.name == "Helpdesk technician"
    assert "Technical support" not in [c.name for c in found.competencies]


def test_what_the_subject_is_not_concerned_with_is_not_its_own():
    english = extract(doc("Front-end developers are not concerned with ensuring the security of customer data. "
                          "They write JavaScript and test it."))
    assert "IT security" not in {c.name for c in english.competencies}
    assert "Testing" in {c.name for c in english.competencies}
    french = extract(doc("Le développeur front n'est pas chargé de la sécurité des données. Il écrit du JavaScript."))
    assert "IT security" not in {c.name for c in french.competencies}
    assert [t.name for t in french.tools] == ["JavaScript"]


def test_the_trends_that_drive_the_job_s_market_are_no_tasks_of_it():
    found = extract(doc("Demand keeps growing, driven by the spread of AI, IoT, drones, and smart factories. "
                        "The tester writes Python scripts."))
    assert {c.name for c in found.competencies} == {"Scripting"}
    assert {t.name for t in found.tools} == {"Python"}
    found = extract(doc("Porté par l'essor de la cybersécurité, le marché recrute. Il maîtrise Kubernetes."))
    assert "IT security" not in {c.name for c in found.competencies}


def test_a_trend_that_sets_a_requirement_is_the_job_s():
    found = extract(doc("With the rise of cloud computing, the engineer must master Terraform."))
    assert "Cloud computing" in {c.name for c in found.competencies}
    # a comma that ends the trend's list ends the trend: what follows is the job's
    found = extract(doc("Demand is growing with the rise of machine learning, so the analyst must know SQL well."))
    assert "SQL" in {t.name for t in found.tools}

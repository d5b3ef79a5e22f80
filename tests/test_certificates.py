"""Certifications the lexicon does not name, read from how their names are built."""
from rolegraph.loader.extract import extract
from rolegraph.loader.extract.certificates import NEW_PREFIX
from conftest import text_document


def read(text, language="en"):
    return extract(text_document(text, language))


def certifications(text, language="en"):
    return {(c.name, tuple(c.surfaces)) for c in read(text, language).certifications}


def test_a_product_name_before_certificate_is_one_certification_and_the_product_inside_is_not_a_tool():
    found = read("Applicants who hold the Kotlin Mobile Developer Certificate are preferred.")
    assert [(c.name, c.id.startswith(NEW_PREFIX)) for c in found.certifications] == \
        [("Kotlin Mobile Developer Certificate", True)]
    assert found.tools == [] and found.related_roles == []


def test_an_issuer_inside_the_name_is_its_issuer():
    found = read("We value the Oracle Cloud Migration Certification.")
    assert [(c.name, c.attrs.get("issuer")) for c in found.certifications] == \
        [("Oracle Cloud Migration Certification", "oracle")]


def test_certified_before_a_capitalised_name_stands_without_a_product():
    assert certifications("Being a Certified Payroll Data Specialist helps.") == \
        {("Certified Payroll Data Specialist", ("Certified Payroll Data Specialist",))}


def test_capitals_without_a_product_or_an_issuer_are_no_certification():
    assert certifications("Security Certificate renewals are part of the job.") == set()
    assert certifications("Certification is not required.") == set()
    assert certifications("Certified engineers review the code.") == set()


def test_a_french_certification_takes_the_capitalised_name_after_it():
    assert certifications("La certification Figma Interface Expert est un plus.", "fr") == \
        {("Figma Interface Expert certification", ("certification Figma Interface Expert",))}


def test_the_lexicon_s_certifications_keep_their_own_names():
    assert certifications("La certification PMP est un atout.", "fr") == {("PMP", ("certification PMP",))}


def test_a_vendor_s_certified_label_before_one_of_its_certifications_is_that_certification_alone():
    assert certifications("Microsoft Certified: Azure Administrator Associate is a plus.") == \
        {("Azure Administrator Associate", ("Azure Administrator Associate",))}


def test_several_capitalised_words_before_a_lowercase_head_stand_without_a_product():
    assert certifications("She passed the Blue Team Level 2 certification last year.") == \
        {("Blue Team Level 2 certification", ("Blue Team Level 2 certification",))}


def test_an_academic_certificate_is_no_certification():
    assert certifications("You could take a Higher National Certificate in computing.") == set()
    assert certifications("A Postgraduate Certificate in data science helps.") == set()
    assert certifications("A Level 3 Certificate in IT support helps.") == set()


def test_a_certification_named_by_its_topic_is_that_topic_s_certification():
    assert {n for n, _ in certifications("Recruiters like data analysis certifications.")} == {"Data analysis certification"}
    assert certifications("He renews the TLS certificates of the web servers.") == set()
    assert {n for n, _ in certifications("Une certification en analyse de données rassure.", "fr")} == \
        {"Data analysis certification"}
    # the topic shared with a training noun before it
    found = read("Analysts benefit from online data analysis courses and certifications.")
    assert {c.name for c in found.certifications} == {"Data analysis certification"}
    assert "Data analysis" not in {c.name for c in found.competencies}


def test_a_topic_certification_after_a_copula_classifies_the_one_named_before():
    names = {n for n, _ in certifications("The ISTQB Foundation Level is the best known QA certification.")}
    assert "Quality assurance certification" not in names and "ISTQB Foundation Level" in names
    assert {n for n, _ in certifications("A QA certification is a plus.")} == {"Quality assurance certification"}

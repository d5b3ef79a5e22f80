"""Training routes named around their topic: the route word a few words from the training noun."""
from rolegraph.loader.extract import extract
from conftest import text_document


def trainings(text, language):
    document = text_document(text, language)
    return {(t.name, tuple(t.surfaces)) for t in extract(document).trainings}


def test_the_topic_may_stand_between_the_route_word_and_the_noun_in_english():
    assert trainings("Most of them took online cloud training programs.", "en") == \
        {("Online training", ("online cloud training",))}


def test_the_route_word_follows_the_noun_and_its_topic_in_french():
    assert trainings("Elle a suivi une formation au développement web en ligne.", "fr") == \
        {("Online training", ("formation au développement web en ligne",))}


def test_a_route_word_does_not_reach_across_a_comma_or_too_far():
    assert trainings("Courses, online or not, are listed.", "en") == set()
    assert trainings("The online shop of the company sells training kits.", "en") == set()


def test_negations_and_compounds_stay_with_their_noun():
    assert trainings("Sans cette formation il ne peut pas exercer.", "fr") == set()


def test_employment_schemes_graduate_programmes_and_short_courses_are_routes():
    names = {name for name, _ in trainings("Une POEI ou une formation courte mène à ce poste.", "fr")}
    assert names == {"Pre-employment training", "Short course"}
    names = {name for name, _ in trainings("Graduate schemes and short courses are the usual ways in.", "en")}
    assert names == {"Graduate programme", "Short course"}


def test_a_school_given_as_an_example_is_a_training_named_as_written():
    assert trainings("On peut aussi choisir un établissement spécialisé, à l'instar de l'Atelier Nova Web.", "fr") == \
        {("Atelier Nova Web", ("Atelier Nova Web",))}
    assert {name for name, _ in trainings("Des écoles comme Zenith Code, Orbe ou Lumen forment à ce métier.", "fr")} == \
        {"Zenith Code", "Orbe", "Lumen"}
    assert {name for name, _ in trainings("Bootcamps such as Northgate Labs teach it in twelve weeks.", "en")} == \
        {"Bootcamp", "Northgate Labs"}


def test_a_school_after_its_noun_or_after_a_lower_case_formation_is_a_training():
    assert {name for name, _ in trainings("Il sort de l'école Vega Num.", "fr")} == {"Vega Num"}
    assert {name for name, _ in trainings("Les formations Altair préparent au titre.", "fr")} == {"Altair"}
    node = extract(text_document("Il sort de l'école Vega Num.", "fr")).trainings[0]
    assert node.attrs["type"] == "school"


def test_a_name_that_holds_a_product_or_a_degree_is_no_school():
    assert trainings("Une formation Python suffit pour débuter.", "fr") == set()
    assert trainings("Une formation Bac+2 est demandée.", "fr") == set()
    assert trainings("Schools like the ones above are rare.", "en") == set()

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

"""Salary figures in French and English, from the forms job profiles use."""
import pytest

from rolegraph.loader.extract.salary import find_salaries


@pytest.mark.parametrize("text,expected", [
    ("Au début, un junior touche entre 2 700 € et 3 100 € brut par mois.", (2700, 3100, "EUR", "month", "gross", "junior")),
    ("The salary starts at 30,000 euros per year.", (30000, 30000, "EUR", "year", "unknown", "unknown")),
    ("Il peut atteindre 65 000 euros annuels bruts.", (65000, 65000, "EUR", "year", "gross", "unknown")),
    ("Les taux journaliers se situent entre 200 et 600€.", (200, 600, "EUR", "day", "unknown", "freelance")),
    ("Senior engineers are paid $90,000.", (90000, 90000, "USD", "year", "unknown", "senior")),
    # a pay that varies with experience states no level; years of experience do
    ("Le salaire va de 35 à 60 k€ selon l'expérience.", (35000, 60000, "EUR", "year", "unknown", "unknown")),
    ("$120,000 - $150,000 per year depending on experience.", (120000, 150000, "USD", "year", "unknown", "unknown")),
    ("Avec 5 ans d'expérience, il gagne 50 000 € par an.", (50000, 50000, "EUR", "year", "unknown", "experienced")),
    ("A contractor earns £400 to £550 a day.", (400, 550, "GBP", "day", "unknown", "freelance")),
    ("Salaire net : 2 100 € par mois.", (2100, 2100, "EUR", "month", "net", "unknown")),
])
def test_figures(text, expected):
    (salary,) = find_salaries(text)
    assert (salary.min, salary.max, salary.currency, salary.period, salary.basis, salary.level) == expected
    assert text[salary.start:salary.end] == salary.surface


def test_a_figure_that_refers_back_takes_the_previous_period_and_basis():
    text = "Au départ, un technicien touche 2 500 € brut mensuel. Plus tard, ce salaire peut dépasser 4 000 €."
    first, second = find_salaries(text)
    assert (second.min, second.period, second.basis) == (4000, "month", "gross")


@pytest.mark.parametrize("text", [
    "Publié le 14 juillet 2020 à 10:00.",
    "Une équipe de 200 personnes.",
    "200",
    "Version 3.11 of Python, 2023.",
])
def test_numbers_that_are_not_pay_are_ignored(text):
    assert find_salaries(text) == []


def test_a_figure_restated_in_a_summary_counts_once():
    text = "The median wage of a tester is $80,000 a year.\nKey facts:\n- The median wage is $80,000 a year."
    assert [(s.min, s.currency) for s in find_salaries(text)] == [(80000, "USD")]


@pytest.mark.parametrize("text", [
    "La formation coûte 6 000 € et se déroule sur un an.",
    "The bootcamp tuition is $15,000 for twelve weeks.",
    "Le groupe réalise un chiffre d'affaires de 40 millions d'euros.",
    "The company raised $30 million and pays well.",
    "Le salaire n'est pas précisé ; les frais d'inscription sont de 450 €.",
    "Certifications visées : Cloud Basics (120$), puis Security Expert (~350$).",
    "The exam voucher for the first level is $250.",
])
def test_prices_and_revenue_are_not_pay(text):
    assert find_salaries(text) == []


def test_a_pay_word_nearer_than_a_price_word_keeps_the_figure():
    text = "Après une formation au prix modique, le salaire atteint 32 000 € par an."
    assert [s.min for s in find_salaries(text)] == [32000]
    assert [s.min for s in find_salaries("Avec une certification, le salaire monte à 48 000 € par an.")] == [48000]


def test_each_end_of_a_range_takes_its_own_level():
    text = "Le salaire va de 38 k€ pour un junior à 62 k€ pour un senior."
    assert [(s.min, s.level) for s in find_salaries(text)] == [(38000, "junior"), (62000, "senior")]
    # the basis and period written after the first figure do not hand its level to the second
    text = "De 31 k€ brut annuel pour une junior à 47 k€ pour un profil senior."
    assert [(s.min, s.level) for s in find_salaries(text)] == [(31000, "junior"), (47000, "senior")]


def test_a_level_cue_right_after_a_figure_and_its_period_is_that_figure_s():
    text = "Comptez de 36 000 à 44 000 euros bruts par an en début de carrière, et jusqu'à 61 000 euros pour un profil expérimenté."
    assert [(s.min, s.max, s.level) for s in find_salaries(text)] == [(36000, 44000, "junior"), (61000, 61000, "experienced")]


def test_a_starting_salary_is_a_junior_s():
    assert [s.level for s in find_salaries("Starting salaries are around £27,500 a year.")] == ["junior"]
    assert [s.level for s in find_salaries("Starter: £20,500. Experienced: £27,000 to £33,000 a year.")] == ["junior", "experienced"]
    assert [s.level for s in find_salaries("À l'embauche, elle gagne 2 100 € brut par mois.")] == ["junior"]


def test_each_figure_takes_the_nearest_period():
    text = "Comptez 2 900 € brut par mois, soit 34 800 € par an."
    assert [(s.min, s.period) for s in find_salaries(text)] == [(2900, "month"), (34800, "year")]


def test_a_range_broken_across_lines_is_one_range():
    text = "Le salaire se situe entre 41 000 €\net 52 000 € par an."
    (salary,) = find_salaries(text)
    assert (salary.min, salary.max) == (41000, 52000)


@pytest.mark.parametrize("text,currency", [
    ("A developer in Zurich earns CHF 110,000 per year.", "CHF"),
    ("Le salaire à Genève atteint 95 000 francs suisses par an.", "CHF"),
    ("In Toronto the salary is CA$ 85,000 a year.", "CAD"),
    ("The salary is 80,000 Canadian dollars a year.", "CAD"),
])
def test_swiss_and_canadian_currencies(text, currency):
    (salary,) = find_salaries(text)
    assert salary.currency == currency


def test_a_bonus_is_not_the_salary():
    assert find_salaries("Une prime de 1 500 € s'ajoute au salaire.") == []


@pytest.mark.parametrize("text,bound", [
    ("Le salaire peut aller jusqu'à 58 000 € par an.", "upper"),
    ("The salary is up to £72,000 a year.", "upper"),
    ("Le salaire démarre à partir de 31 000 € par an.", "lower"),
    ("Pay starts above 29,000 euros per year.", "lower"),
    ("Le salaire est de 2 400 € par mois.", "both"),
])
def test_a_bound_alone_is_marked_and_written_min_equal_max(text, bound):
    (salary,) = find_salaries(text)
    assert salary.bound == bound
    assert salary.to_json()["min"] == salary.to_json()["max"]


def test_in_the_graph_a_bound_alone_has_only_that_bound(tmp_path):
    from rolegraph.core.vocabulary import RG
    from rolegraph.loader.documents import read_document
    from rolegraph.loader.extract import extract
    from rolegraph.loader.graph import build_graph
    from rolegraph.loader.validate import validate

    path = tmp_path / "cloud.md"
    path.write_text("# Ingénieur cloud\n\nUn ingénieur cloud peut gagner jusqu'à 68 000 € brut par an.\n\n"
                    "Le salaire d'un ingénieur cloud débutant dépasse souvent plus de 2 800 € brut par mois.\n",
                    encoding="utf-8")
    built = build_graph([extract(read_document(path))], "https://example.org/id/")
    ranges = sorted(built.graph.subjects(RG.currency, None))
    bounds = sorted((built.graph.value(r, RG.minAmount), built.graph.value(r, RG.maxAmount)) for r in ranges)
    assert [(None if low is None else float(low), None if high is None else float(high)) for low, high in bounds] \
        in ([(None, 68000.0), (2800.0, None)], [(2800.0, None), (None, 68000.0)])
    assert validate(built.graph).violations == []


def test_pay_stated_as_the_minimum_wage_takes_its_latest_amount():
    from rolegraph.loader.extract.salary import minimum_wages
    smic = {w.id: w for w in minimum_wages()}["smic"]
    [near] = find_salaries("Pour un premier poste, la rémunération reste proche du SMIC.")
    assert (near.min, near.max, near.currency, near.period, near.basis) == (smic.amount, smic.amount, "EUR", "month", "gross")
    assert (near.reference, near.approximate, near.surface) == ("smic", True, "proche du SMIC")
    [twice] = find_salaries("Avec de l'expérience, une technicienne gagne 1,5 fois le SMIC.")
    assert (twice.min, twice.reference, twice.approximate, twice.level) == (round(smic.amount * 1.5, 2), "smic", False, "experienced")
    # the law quoted about something else, and a sentence that gives the amount in money, state no second figure
    assert find_salaries("La prime de transport est indexée sur le SMIC.") == []
    assert [s.min for s in find_salaries("Le salaire de départ est de 1 950 € brut par mois, au-dessus du SMIC.")] == [1950]


def test_every_minimum_wage_of_the_data_is_a_term_of_the_ontology():
    from rdflib import Graph, URIRef
    from rolegraph.core.paths import TBOX_FILES
    from rolegraph.loader.extract.salary import minimum_wages
    graph = Graph()
    for path in TBOX_FILES:
        graph.parse(path)
    shapes = (TBOX_FILES[0].parent / "shapes" / "violations.ttl").read_text()
    for wage in minimum_wages():
        term = URIRef(f"https://w3id.org/rolegraph/ontology#wage-{wage.id}")
        assert (term, None, None) in graph, wage.id
        assert f"rg:wage-{wage.id}" in shapes, wage.id


def test_a_level_cue_does_not_reach_into_a_contrasting_clause():
    text = "A junior tester earns about £28,000, while a senior tester can earn £50,000 a year."
    assert [(s.min, s.level) for s in find_salaries(text)] == [(28000, "junior"), (50000, "senior")]
    text = "Un débutant gagne 2 000 € par mois, alors qu'un expert gagne 4 000 € par mois."
    assert [(s.min, s.level) for s in find_salaries(text)] == [(2000, "junior"), (4000, "senior")]


def test_swiss_thousands_and_a_start_of_career_cue():
    text = "Salaire annuel : CHF 104'000 à CHF 121’000 brut."
    assert [(s.min, s.max, s.currency, s.period) for s in find_salaries(text)] == [(104000, 121000, "CHF", "year")]
    assert [s.level for s in find_salaries("Comptez 31 000 € par an pour débuter.")] == ["junior"]


@pytest.mark.parametrize("text", [
    "De 2 300 € brut mensuels en début de carrière à 3 600 € brut mensuels pour un profil confirmé.",
    "Comptez 2 300 € mensuels bruts pour un débutant et 3 600 € mensuels bruts pour un profil confirmé.",
])
def test_a_cue_after_a_monthly_figure_qualifies_that_figure_not_the_next(text):
    assert [(s.min, s.period, s.level) for s in find_salaries(text)] == [(2300, "month", "junior"),
                                                                         (3600, "month", "experienced")]


def test_a_first_job_is_a_junior_cue_in_french():
    found = find_salaries("Entre 38 et 45 k€ brut annuel pour un premier poste, et jusqu'à 65 k€ ensuite.")
    assert [(s.min, s.max, s.level) for s in found][0] == (38000, 45000, "junior")


def test_a_length_of_experience_between_a_figure_and_its_cue_is_no_other_figure():
    found = find_salaries("Il atteint 2 000 à 2 400 € brut par mois avec 5 ans d'expérience.")
    assert [(s.min, s.max, s.level) for s in found] == [(2000, 2400, "experienced")]


def test_a_length_of_career_spelled_out_is_an_experience_cue():
    text = "En début de carrière, un technicien touche 1 900 € par mois ; il touche 2 900 € par mois après dix ans."
    assert [(s.min, s.level) for s in find_salaries(text)] == [(1900, "junior"), (2900, "experienced")]
    assert [s.level for s in find_salaries("Au bout de quelques années, elle gagne 3 800 € par mois.")] == ["experienced"]

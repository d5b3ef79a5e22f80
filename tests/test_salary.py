"""Salary figures in French and English, from the forms job profiles use."""
import pytest

from rolegraph.loader.extract.salary import find_salaries


@pytest.mark.parametrize("text,expected", [
    ("Au début, un junior touche entre 2 700 € et 3 100 € brut par mois.", (2700, 3100, "EUR", "month", "gross", "junior")),
    ("The salary starts at 30,000 euros per year.", (30000, 30000, "EUR", "year", "unknown", "unknown")),
    ("Il peut atteindre 65 000 euros annuels bruts.", (65000, 65000, "EUR", "year", "gross", "unknown")),
    ("Les taux journaliers se situent entre 200 et 600€.", (200, 600, "EUR", "day", "unknown", "freelance")),
    ("Senior engineers are paid $90,000.", (90000, 90000, "USD", "year", "unknown", "senior")),
    ("Le salaire va de 35 à 60 k€ selon l'expérience.", (35000, 60000, "EUR", "year", "unknown", "experienced")),
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
])
def test_prices_and_revenue_are_not_pay(text):
    assert find_salaries(text) == []


def test_a_pay_word_nearer_than_a_price_word_keeps_the_figure():
    text = "Après une formation au prix modique, le salaire atteint 32 000 € par an."
    assert [s.min for s in find_salaries(text)] == [32000]

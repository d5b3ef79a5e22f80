"""Extraction quality on the development set, with the floors of the loader issue."""
import json

import pytest

from rolegraph.loader.build import read_all
from rolegraph.loader.evaluate import evaluate, normalise, score_items
from rolegraph.loader.extract import extract

FLOORS = {"main_role": 1.0, "tools": 0.90, "diplomas": 0.90, "certifications": 0.90, "salaries": 0.90,
          "related_roles": 0.75, "trainings": 0.75, "skills": 0.75}


def test_seed_extraction_meets_the_floors(gold, seeds):
    documents, failures = read_all([seeds])
    assert failures == [] and len(documents) == 5
    result = evaluate([extract(d).to_json() for d in documents], gold)
    scores = {name: round(score.f1, 3) for name, score in result.per_category.items()}
    below = {name: scores[name] for name, floor in FLOORS.items() if scores[name] < floor}
    assert below == {}, result.table()


def test_scoring_rules_names_surfaces_and_salaries():
    assert normalise("Développeurs Back-End") == normalise("developpeur back end")
    gold = [{"name": "Back-end developer", "surface": ["Développeur Back-End"]}, {"name": "DevOps engineer", "surface": ["DevOps"]}]
    predicted = [{"name": "Backend engineer", "surface": ["développeur back-end"]}, {"name": "Tester", "surface": ["QA"]}]
    score = score_items(predicted, gold, "d", "related_roles")
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)
    salaries = score_items([{"min": 1, "max": 2, "currency": "EUR", "period": "day"}],
                           [{"min": 1, "max": 2, "currency": "EUR", "period": "month"}], "d", "salaries")
    assert (salaries.tp, salaries.fp, salaries.fn) == (0, 1, 1)


def test_evaluate_reads_gold_named_after_each_document(tmp_path):
    (tmp_path / "x.json").write_text(json.dumps({"main_role": {"name": "Data engineer", "surface": []},
                                                 "tools": [{"name": "Kafka", "surface": ["Kafka"]}]}))
    result = evaluate([{"doc": "x.md", "main_role": {"name": "Data engineer", "surface": []},
                        "tools": [{"name": "Kafka", "surface": ["Kafka"]}, {"name": "Go", "surface": ["Go"]}]}], tmp_path)
    assert result.per_category["tools"].precision == pytest.approx(0.5)
    assert result.per_category["main_role"].f1 == 1.0

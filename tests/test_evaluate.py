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
    # The errors view shows the forms the text gives each item, beside its name.
    assert score.errors == ["d related_roles extra: Tester «QA»", "d related_roles missed: DevOps engineer «DevOps»"]
    names_only = score_items(predicted, gold, "d", "related_roles", surfaces=False)
    assert (names_only.tp, names_only.fp, names_only.fn) == (0, 2, 2)  # "Backend engineer" is not the gold's name
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


def _gold_and_predictions(folder):
    """Two French documents and one English one, each with a tool found and one missed or extra."""
    cases = {"un.md": ("fr", ["Git"], ["Git", "Rust"]), "deux.md": ("fr", ["Java", "Go"], ["Java"]),
             "three.md": ("en", ["Python"], ["Python"])}
    predictions = []
    for doc, (lang, predicted, gold) in cases.items():
        (folder / (doc[:-3] + ".json")).write_text(json.dumps(
            {"lang": lang, "tools": [{"name": n, "surface": [n]} for n in gold]}), encoding="utf-8")
        predictions.append({"doc": doc, "lang": "en", "tools": [{"name": n, "surface": [n]} for n in predicted]})
    return predictions


def test_scores_are_split_by_the_gold_language_and_by_document(tmp_path):
    result = evaluate(_gold_and_predictions(tmp_path), tmp_path)
    languages = result.per_language()
    assert sorted(languages) == ["en", "fr"]  # the gold's language, not the prediction's
    fr = languages["fr"]["tools"]
    assert (fr.tp, fr.fp, fr.fn) == (2, 1, 1)
    assert languages["en"]["tools"].f1 == 1.0
    assert [(d.doc, d.language, d.micro.tp) for d in result.per_document] == [
        ("un.md", "fr", 1), ("deux.md", "fr", 1), ("three.md", "en", 1)]
    data = result.to_json()
    assert data["languages"]["fr"]["documents"] == 2 and data["languages"]["fr"]["micro"]["fn"] == 1
    assert "micro fr (2)" in result.table() and "three.md" in result.document_table()
    micro = result.language_micro()
    assert (micro["fr"].tp, micro["fr"].fp, micro["fr"].fn, micro["en"].tp) == (2, 1, 1, 1)


def test_the_cli_lists_the_errors_of_one_document(tmp_path, monkeypatch, runner):
    from rolegraph.cli import main
    import rolegraph.loader.evaluate as module

    predictions = _gold_and_predictions(tmp_path)
    real = module.evaluate
    # The documents are stand-ins: the extraction step is replaced by the predictions above.
    monkeypatch.setattr(module, "evaluate", lambda _found, gold, surfaces=True: real(predictions, gold, surfaces))
    doc = tmp_path / "un.md"
    doc.write_text("Git.", encoding="utf-8")
    result = runner.invoke(main, ["evaluate", "--gold", str(tmp_path), str(doc), "--doc", "un.md", "--per-doc"])
    assert result.exit_code == 0, result.output
    assert "un.md tools missed: Rust" in result.output
    assert "deux.md tools extra" not in result.output and "deux.md" in result.output  # in the per-doc table
    refused = runner.invoke(main, ["evaluate", "--gold", str(tmp_path), str(doc), "--doc", "nope.md"])
    assert refused.exit_code == 2 and "--doc 'nope.md'" in refused.output

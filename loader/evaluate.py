"""Scoring extractions against gold annotations, with the matching rules of the evaluation README:
names compared after case-folding, stripping accents, punctuation and a plural "s"; a predicted item
whose surface matches a gold surface also counts; salaries match on min, max, currency and period.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from rolegraph.core.errors import InputError

from .labels import label_key

CATEGORIES = ("main_role", "related_roles", "skills", "tools", "diplomas", "trainings", "certifications", "salaries")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.errors += other.errors

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DocumentScore:
    """One document's scores per category, with the language its gold annotation gives."""
    doc: str
    language: str
    per_category: dict[str, Score]

    @property
    def micro(self) -> Score:
        return _sum(self.per_category.values())


def _sum(scores) -> Score:
    total = Score()
    for score in scores:
        total.add(score)
    return total


def _row(s: Score) -> dict:
    return {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
            "tp": s.tp, "fp": s.fp, "fn": s.fn}


def _line(name: str, s: Score) -> str:
    return f"{name:<16}{s.precision:7.3f}{s.recall:7.3f}{s.f1:7.3f}{s.tp:6d}{s.fp:6d}{s.fn:6d}"


HEADER = f"{'category':<16}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"


@dataclass
class Evaluation:
    per_category: dict[str, Score]
    documents: int
    per_document: list[DocumentScore] = field(default_factory=list)

    @property
    def micro(self) -> Score:
        return _sum(self.per_category.values())

    def per_language(self) -> dict[str, dict[str, Score]]:
        """Language → category → the scores of that language's documents summed, languages sorted."""
        languages: dict[str, dict[str, Score]] = {}
        for document in sorted(self.per_document, key=lambda d: d.language):
            totals = languages.setdefault(document.language, {c: Score() for c in CATEGORIES})
            for category, score in document.per_category.items():
                totals[category].add(score)
        return languages

    def language_micro(self) -> dict[str, Score]:
        """Language → the micro scores of that language's documents."""
        return {language: _sum(scores.values()) for language, scores in self.per_language().items()}

    def documents_in(self, language: str) -> int:
        return sum(1 for d in self.per_document if d.language == language)

    def table(self) -> str:
        lines = [HEADER]
        lines += [_line(name, s) for name, s in [*self.per_category.items(), ("micro", self.micro)]]
        languages = self.language_micro()
        if len(languages) > 1:
            for language, micro in languages.items():
                lines.append(_line(f"micro {language} ({self.documents_in(language)})", micro))
        return "\n".join(lines)

    def document_table(self) -> str:
        """One line per document: its language and micro scores."""
        width = max([len("document"), *(len(d.doc) for d in self.per_document)])
        lines = [f"{'document':<{width}} {'lang':<4}" + HEADER[16:]]
        for d in self.per_document:
            s = d.micro
            lines.append(f"{d.doc:<{width}} {d.language:<4}{s.precision:7.3f}{s.recall:7.3f}{s.f1:7.3f}"
                         f"{s.tp:6d}{s.fp:6d}{s.fn:6d}")
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {"documents": self.documents, "categories": {k: _row(v) for k, v in self.per_category.items()},
                "micro": _row(self.micro),
                "languages": {language: {"documents": self.documents_in(language),
                                         "categories": {k: _row(v) for k, v in scores.items()},
                                         "micro": _row(_sum(scores.values()))}
                              for language, scores in self.per_language().items()},
                "per_document": [{"doc": d.doc, "lang": d.language, "micro": _row(d.micro)} for d in self.per_document]}


def normalise(name: str) -> str:
    """``name`` as the evaluation compares it: case-folded, accent-free, punctuation-free, without a
    final plural "s" on each word (the labels' "scoring" key)."""
    return label_key(name, "scoring")


def _items(document: dict, category: str) -> list[dict]:
    value = document.get(category)
    if category == "main_role":
        return [value] if value else []
    return list(value or [])


def score_items(predicted: list[dict], gold: list[dict], doc: str, category: str, surfaces: bool = True) -> Score:
    """Pair each predicted item with one gold item at most (salaries by amounts, currency and period;
    the rest by name, then by a shared surface unless ``surfaces`` is off); the unpaired are errors."""
    if category == "salaries":
        def key(s):
            return (float(s["min"]), float(s["max"]), s["currency"], s["period"])
        predicted, gold = [key(s) for s in predicted], [key(s) for s in gold]
        find, shown = (lambda p, remaining: p if p in remaining else None), (lambda k: k)
    else:
        find, shown = (_same_item if surfaces else _same_name), _shown
    score, remaining = Score(), list(gold)
    for p in predicted:
        match = find(p, remaining)
        if match is not None:
            remaining.remove(match)
            score.tp += 1
        else:
            score.fp += 1
            score.errors.append(f"{doc} {category} extra: {shown(p)}")
    score.fn = len(remaining)
    score.errors += [f"{doc} {category} missed: {shown(g)}" for g in remaining]
    return score


def _shown(item: dict) -> str:
    """An item as the errors view lists it: its name, then the forms the text gives it."""
    forms = [form for form in _surfaces(item) if normalise(form) != normalise(item["name"])]
    return item["name"] + "".join(f" «{form}»" for form in forms)


def _same_name(item: dict, remaining: list[dict]) -> dict | None:
    name = normalise(item["name"])
    return next((g for g in remaining if normalise(g["name"]) == name), None)


def _same_item(item: dict, remaining: list[dict]) -> dict | None:
    surfaces = {normalise(s) for s in _surfaces(item)}
    return _same_name(item, remaining) or \
        next((g for g in remaining if surfaces & {normalise(s) for s in _surfaces(g)}), None)


def _surfaces(item: dict) -> list[str]:
    surface = item.get("surface") or []
    return [surface] if isinstance(surface, str) else list(surface)


def evaluate(predictions: list[dict], gold_dir: str | Path, surfaces: bool = True) -> Evaluation:
    """Score ``predictions`` (extraction JSON objects) against the gold files named after each document;
    with ``surfaces`` off, on canonical names alone (no credit for a shared surface form)."""
    gold_dir = Path(gold_dir)
    per_category = {c: Score() for c in CATEGORIES}
    per_document = []
    for predicted in predictions:
        gold_path = gold_dir / (Path(predicted["doc"]).stem + ".json")
        try:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise InputError(f"no gold annotation for {predicted['doc']}", file=str(gold_path)) from exc
        except OSError as exc:
            raise InputError(f"cannot read gold annotation: {exc.strerror or exc}", file=str(gold_path)) from exc
        except UnicodeDecodeError as exc:
            raise InputError(f"gold annotation is not UTF-8 text: {exc.reason} at byte {exc.start}",
                             file=str(gold_path)) from exc
        except json.JSONDecodeError as exc:
            raise InputError(f"malformed gold annotation: {exc.msg}", file=str(gold_path), line=exc.lineno) from exc
        if not isinstance(gold, dict):
            raise InputError(f"malformed gold annotation: a JSON object expected, not {type(gold).__name__}",
                             file=str(gold_path), line=1)
        document = DocumentScore(predicted["doc"], gold.get("lang") or predicted.get("lang") or "unknown",
                                 {c: score_items(_items(predicted, c), _items(gold, c), predicted["doc"], c, surfaces)
                                  for c in CATEGORIES})
        for category, score in document.per_category.items():
            per_category[category].add(score)
        per_document.append(document)
    return Evaluation(per_category, len(predictions), per_document)

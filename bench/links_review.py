"""The reviewed sample of links (tests/fixtures/links-review/README.md): draw it, show it to the judge, calibrate.

  python bench/links_review.py draw STORE        draw the stratified sample from STORE's links and candidates
  python bench/links_review.py show STORE        print each sampled row with the concept's context, to judge
  python bench/links_review.py calibrate         write data/mappings/calibration.toml from the calibrate half
"""
from __future__ import annotations

import csv
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "links-review" / "sample.tsv"
CALIBRATION = ROOT / "data" / "mappings" / "calibration.toml"
BASE = "https://w3id.org/rolegraph/id/"
SEED = 14
PER_STRATUM = 45
COLUMNS = ("half", "stratum", "subject", "subject_label", "predicate", "object", "object_label", "confidence",
           "evidence", "verdict", "note")
#: What each verdict makes right (the README's rule).
RIGHT = {"exactMatch": {"correct"}, "closeMatch": {"correct"}, "broadMatch": {"broader"},
         "narrowMatch": {"narrower"}, "relatedMatch": {"correct", "broader", "narrower"}}


def stratum(subject: str, target: str) -> str:
    nature = subject[len(BASE):].split("/", 1)[0]
    if nature == "role":
        return "role-occupation" if "/esco/" in target else "role-appellation"
    if nature in ("diploma", "training", "certification"):
        return "qualification"
    return "tool-knowledge" if nature == "tool" else "competency-skill"


def right(predicate: str, verdict: str) -> bool:
    return verdict in RIGHT[predicate]


def read_sample(path: Path = SAMPLE) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def calibrate(rows: list[dict]) -> dict[str, float]:
    """Evidence class → (right + 1) / (judged + 2) over the judged rows of the calibrate half."""
    judged, good = Counter(), Counter()
    for row in rows:
        if row["half"] != "calibrate" or not row["verdict"]:
            continue
        judged[row["evidence"]] += 1
        good[row["evidence"]] += right(row["predicate"], row["verdict"])
    return {name: round((good[name] + 1) / (judged[name] + 2), 3) for name in sorted(judged)}


def draw(store: str) -> None:
    sys.path.insert(0, str(ROOT))
    from rolegraph.loader.mappings import stored_mappings

    by_stratum = defaultdict(list)
    for row in stored_mappings(store, BASE):
        by_stratum[stratum(row["subject"], row["object"])].append(row)
    rng = random.Random(SEED)
    sample = []
    for name in sorted(by_stratum):
        rows = sorted(by_stratum[name], key=lambda r: (r["subject"], r["object"], r["predicate"]))
        chosen = rng.sample(rows, min(PER_STRATUM, len(rows)))
        for i, row in enumerate(chosen):
            sample.append({"half": "calibrate" if i % 2 == 0 else "test", "stratum": name, **{
                k: row[k] for k in ("subject", "subject_label", "predicate", "object", "object_label", "evidence")},
                "confidence": f"{row['confidence']:.3f}", "verdict": "", "note": ""})
    with open(SAMPLE, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(sample)
    print(f"{len(sample)} rows: {dict(Counter(r['stratum'] for r in sample))}")


def show(store: str) -> None:
    from rolegraph.core.store import open_read_only
    from rolegraph.core.vocabulary import sparql_prologue

    snapshot = open_read_only(store)

    def values(text):
        return [s[0].value for s in snapshot.query(sparql_prologue() + text, use_default_graph_as_union=True)]

    for n, row in enumerate(read_sample(), 2):
        c, e = row["object"], row["subject"]
        labels = values(f"SELECT DISTINCT ?l WHERE {{ <{c}> skos:prefLabel|skos:altLabel ?l }} LIMIT 8")
        ours = values(f"SELECT DISTINCT ?l WHERE {{ <{e}> skos:prefLabel|skos:altLabel ?l }} LIMIT 6")
        definition = values(f"SELECT ?d WHERE {{ <{c}> skos:definition|dcterms:description ?d }} LIMIT 1")
        broader = values(f"SELECT DISTINCT ?l WHERE {{ <{c}> skos:broader|esco:memberOfISCOGroup ?b . "
                         f"?b skos:prefLabel ?l }} LIMIT 4")
        print(f"{n}\t{row['stratum']}\t{row['predicate']}\t{row['evidence']}\n  OURS {ours}\n  THEIRS {labels}"
              f"\n  DEF {(definition or [''])[0][:160]}\n  BROADER {broader}")


def write_calibration() -> None:
    confidences = calibrate(read_sample())
    lines = ["# Confidence of each evidence class of loader/link.py: the share of right links of that class in the",
             "# calibrate half of tests/fixtures/links-review/sample.tsv, (right + 1) / (judged + 2).",
             "# Written by `python bench/links_review.py calibrate`; tests/test_links_review.py checks it.",
             "[confidence]"]
    lines += [f'"{name}" = {value}' for name, value in confidences.items()]
    CALIBRATION.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[4:]))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "draw":
        draw(sys.argv[2])
    elif command == "show":
        show(sys.argv[2])
    elif command == "calibrate":
        write_calibration()
    else:
        print(__doc__)
        sys.exit(2)

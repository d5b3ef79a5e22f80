"""The reviewed sample of links (tests/fixtures/links-review/README.md): draw it, show it to the judge, calibrate.

  python bench/links_review.py draw STORE        draw the stratified sample from STORE's links and candidates
  python bench/links_review.py show STORE        print each sampled row with the concept's context, to judge
  python bench/links_review.py reclass STORE     give each sampled pair the class the matcher now gives it
  python bench/links_review.py add STORE CLASS…  add, unjudged, every link of these classes the sample lacks
  python bench/links_review.py calibrate         write data/mappings/calibration.toml from the calibrate half
  python bench/links_review.py report STORE      size, precision per predicate and recall of STORE's links

``reclass`` and ``add`` read what the matcher alone says (an empty curated file): after a new evidence class,
a judged pair keeps its verdict and takes its new class; a class with too few rows gets every link of it.
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
    write_sample(sample)
    print(f"{len(sample)} rows: {dict(Counter(r['stratum'] for r in sample))}")


def matcher_links(store: str) -> dict[tuple[str, str], object]:
    """(subject, object) → the link or candidate the matcher finds in ``store`` with no curated file."""
    import tempfile

    sys.path.insert(0, str(ROOT))
    from rolegraph.core.store import open_read_only
    from rolegraph.loader.lexicon import load_lexicon
    from rolegraph.loader.link import LinkOptions, find_links

    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "empty.sssom.tsv"
        empty.write_text("#mapping_set_id: https://example.org/empty.sssom.tsv\n"
                         "subject_id\tpredicate_id\tobject_id\tmapping_justification\n", encoding="utf-8")
        result = find_links(open_read_only(store), BASE, load_lexicon(), LinkOptions(mappings=empty))
    return {(l.subject, l.target): l for l in result.links + result.candidates}


def write_sample(rows: list[dict]) -> None:
    with open(SAMPLE, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def reclass(store: str) -> None:
    """Each sampled pair the matcher still finds takes its present predicate, evidence and confidence; the
    verdict stays (it says what the concept is to our entity, whatever the predicate)."""
    now, rows, changed = matcher_links(store), read_sample(), Counter()
    for row in rows:
        link = now.get((row["subject"], row["object"]))
        if link is not None and (link.evidence, link.predicate) != (row["evidence"], row["predicate"]):
            changed[f"{row['evidence']} → {link.evidence}"] += 1
            row.update(evidence=link.evidence, predicate=link.predicate, confidence=f"{link.score:.3f}")
    write_sample(rows)
    print(dict(changed))


def add(store: str, classes: list[str]) -> None:
    """Every link of ``classes`` that the sample lacks, unjudged, shuffled with the sample's seed and put
    in the two halves alternately."""
    rows = read_sample()
    sampled = {(r["subject"], r["object"]) for r in rows}
    new = sorted((l for pair, l in matcher_links(store).items() if l.evidence in classes and pair not in sampled),
                 key=lambda l: (l.subject, l.target))
    random.Random(SEED).shuffle(new)
    for i, l in enumerate(new):
        rows.append({"half": "calibrate" if i % 2 == 0 else "test", "stratum": stratum(l.subject, l.target),
                     "subject": l.subject, "subject_label": l.subject_label, "predicate": l.predicate,
                     "object": l.target, "object_label": l.object_label, "confidence": f"{l.score:.3f}",
                     "evidence": l.evidence, "verdict": "", "note": ""})
    write_sample(rows)
    print(f"{len(new)} rows added: {dict(Counter(l.evidence for l in new))}")


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


def measure(published: dict[tuple[str, str], str], rows: list[dict], half: str = "test") -> dict:
    """What the sample says of the links ``published`` ((subject, object) → predicate): in ``half``, per
    predicate, [right, published]; and recall, the share of the half's entities with a published link judged
    right, of all of them and of those with a right candidate at all."""
    rows = [r for r in rows if r["half"] == half]
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    entities, reachable, reached = set(), set(), set()
    for row in rows:
        pair = (row["subject"], row["object"])
        entities.add(row["subject"])
        if row["verdict"] != "wrong":
            reachable.add(row["subject"])
        predicate = published.get(pair)
        if predicate is None:
            continue
        good = right(predicate, row["verdict"])
        per[predicate][0] += good
        per[predicate][1] += 1
        if good:
            reached.add(row["subject"])
    close = [sum(per[p][i] for p in ("exactMatch", "closeMatch")) for i in (0, 1)]
    every = [sum(v[i] for v in per.values()) for i in (0, 1)]
    return {"rows": len(rows), "per_predicate": dict(sorted(per.items())), "exact+close": close, "all": every,
            "entities": len(entities), "with_a_right_candidate": len(reachable), "with_a_right_link": len(reached)}


def report(store: str) -> None:
    sys.path.insert(0, str(ROOT))
    from rolegraph.loader.mappings import stored_mappings

    published = {(r["subject"], r["object"]): r["predicate"] for r in stored_mappings(store, BASE) if r["published"]}
    rows = read_sample()
    print(f"sample: {len(rows)} judged rows, {dict(sorted(Counter(r['stratum'] for r in rows).items()))}")
    for half in ("test", "calibrate"):
        m = measure(published, rows, half)
        share = lambda good, total: f"{good}/{total} = {good / total:.3f}" if total else "0/0"
        print(f"{half} half ({m['rows']} rows):")
        for predicate, (good, total) in m["per_predicate"].items():
            print(f"  {predicate:13} precision {share(good, total)}")
        print(f"  exact+close   precision {share(*m['exact+close'])}\n  all published precision {share(*m['all'])}")
        print(f"  recall: {share(m['with_a_right_link'], m['entities'])} of the entities have a published link judged "
              f"right ({share(m['with_a_right_link'], m['with_a_right_candidate'])} of those with a right candidate)")


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
    elif command == "reclass":
        reclass(sys.argv[2])
    elif command == "add":
        add(sys.argv[2], sys.argv[3:])
    elif command == "report":
        report(sys.argv[2])
    elif command == "calibrate":
        write_calibration()
    else:
        print(__doc__)
        sys.exit(2)

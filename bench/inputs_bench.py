"""Hostile-input benchmark: how long the reader and the build take on inputs made to be slow.

    python bench/inputs_bench.py [--out bench/results/inputs.json]

- a deeply nested HTML page (50,000 nested elements around one heading and one paragraph), read;
- 2,000 small files of which 1,000 are broken (empty or binary) and 500 copies of one document, built.
The tests check what these inputs give; the seconds live here, as figures to compare in one run.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROFILE = ("# Cloud engineer\n\nThe cloud engineer automates the platform with Terraform and Kubernetes, "
           "writes Python and reviews the costs of each service.\n")


def nested_html(folder: Path, depth: int = 50000) -> dict:
    from rolegraph.loader.documents import read_document

    path = folder / "nested.html"
    path.write_text("<html><body>" + "<div><section>" * depth + "<h2>Cloud engineer</h2><p>Runs Terraform.</p>"
                    + "</section></div>" * depth + "<div>" * depth + "</body></html>", encoding="utf-8")
    started = time.perf_counter()
    document = read_document(path)
    return {"input": f"HTML nested {depth} deep", "bytes": path.stat().st_size,
            "seconds": round(time.perf_counter() - started, 3), "blocks": len(document.blocks)}


def many_small_files(folder: Path, count: int = 2000) -> dict:
    from rolegraph.loader.build import build

    docs = folder / "docs"
    rng = random.Random(count)
    for index in range(count):
        sub = docs / f"batch {index // 250:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        kind = index % 4
        if kind == 0:
            (sub / f"{index:04d}.txt").write_bytes(b"")
        elif kind == 1:
            (sub / f"{index:04d}.md").write_bytes(bytes([0, *rng.randbytes(30)]))
        elif kind == 2:
            (sub / f"{index:04d}.md").write_text(PROFILE, encoding="utf-8")
        else:
            (sub / f"{index:04d}.csv").write_bytes(b"a,b\n")
    started = time.perf_counter()
    result = build([docs], folder / "store")
    return {"input": f"{count} small files, {len(result.failures)} broken", "documents_read": result.documents_read,
            "seconds": round(time.perf_counter() - started, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "inputs.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        figures = [nested_html(Path(temp)), many_small_files(Path(temp))]
    for row in figures:
        print(f"{row['input']:<40} {row['seconds']:>8.2f} s")
    Path(args.out).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

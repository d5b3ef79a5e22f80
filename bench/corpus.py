"""A deterministic corpus of job-profile documents for benchmarks: the seeds and our samples, plus
variants in which tools and roles are swapped for others of the same kind from the lexicon."""
from __future__ import annotations

import os
import random
import re
from pathlib import Path

from rolegraph.core.paths import SAMPLES_DIR
from rolegraph.loader.lexicon import load_lexicon

#: ../shared/seeds beside the checkout, or under $ROLEGRAPH_SHARED (a worktree elsewhere reads the same corpus)
SEEDS = Path(os.environ.get("ROLEGRAPH_SHARED") or Path(__file__).resolve().parents[2] / "shared") / "seeds"


def base_documents() -> list[Path]:
    found = sorted(SAMPLES_DIR.iterdir())
    if SEEDS.is_dir():
        found += sorted(SEEDS.iterdir())
    return found


def make_corpus(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """Write ``count`` documents into ``folder`` (the base documents first, then variants)."""
    folder.mkdir(parents=True, exist_ok=True)
    bases = base_documents()
    lexicon = load_lexicon()
    by_category: dict[str, list[str]] = {}
    for tool in lexicon.of_kind("tool"):
        by_category.setdefault(tool.attrs["category"], []).append(tool.name)
    names = {name: category for category, tools in by_category.items() for name in tools}
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")
    rng = random.Random(seed)
    written = []
    for index in range(count):
        base = bases[index % len(bases)]
        text = base.read_text(encoding="utf-8")
        if index >= len(bases):
            text = pattern.sub(lambda m: rng.choice(by_category[names[m.group(1)]]), text)
        path = folder / f"{index:05d}{base.suffix}"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written

"""Where the project's data files are: the ontology, shapes and checks, the lexicon, the samples and the
named queries. They ship inside the package (``rolegraph.ontology``, ``rolegraph.data``,
``rolegraph.queries``), so these paths hold in a checkout and in an installed wheel alike."""
from __future__ import annotations

import importlib.util
from pathlib import Path


def _folder(package: str) -> Path:
    # Found through the import system: in a checkout the folder sits at the repository root.
    spec = importlib.util.find_spec(package)
    return Path(next(iter(spec.submodule_search_locations))).resolve()


ONTOLOGY_DIR = _folder("rolegraph.ontology")
TBOX_FILES = (ONTOLOGY_DIR / "rolegraph.ttl", ONTOLOGY_DIR / "schemes.ttl")
SHAPE_FILES = {
    "violation": ONTOLOGY_DIR / "shapes" / "violations.ttl",
    "warning": ONTOLOGY_DIR / "shapes" / "warnings.ttl",
}
CHECKS_DIR = ONTOLOGY_DIR / "checks"

DATA_DIR = _folder("rolegraph.data")
LEXICON_DIR = DATA_DIR / "lexicon"
SAMPLES_DIR = DATA_DIR / "samples"
MINIMUM_WAGES_FILE = DATA_DIR / "wages" / "minimum-wages.toml"

QUERIES_DIR = _folder("rolegraph.queries")

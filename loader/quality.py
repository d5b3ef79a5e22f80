"""Checks of the ontology itself: SPARQL queries that must return no rows, and HermiT reasoning."""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from rolegraph.core.paths import CHECKS_DIR
from rolegraph.core.tbox import tbox
from rolegraph.core.vocabulary import sparql_prologue


@dataclass(frozen=True)
class Check:
    name: str
    title: str
    message: str
    query: str

    @classmethod
    def from_file(cls, path: Path) -> "Check":
        text = path.read_text(encoding="utf-8")
        header = dict(re.findall(r"^#\s*(\w+):\s*(.+)$", text, re.M))
        return cls(path.stem, header["title"], header["message"], text)


@dataclass
class CheckFailure:
    check: Check
    rows: list[tuple[str, ...]] = field(default_factory=list)

    def __str__(self) -> str:
        shown = "; ".join(" ".join(row) for row in self.rows[:5])
        more = f" (and {len(self.rows) - 5} more)" if len(self.rows) > 5 else ""
        return f"{self.check.name}: {self.check.message}: {shown}{more}"


def checks() -> list[Check]:
    """Every check of ontology/checks, sorted by name."""
    return [Check.from_file(p) for p in sorted(CHECKS_DIR.glob("*.rq"))]


def run_checks(graph: Graph | None = None) -> list[CheckFailure]:
    """Run every check on ``graph`` (the TBox by default); an empty list means all passed."""
    graph = tbox() if graph is None else graph
    failures = []
    for check in checks():
        rows = [tuple(str(v) for v in row) for row in graph.query(sparql_prologue() + check.query)]
        if rows:
            failures.append(CheckFailure(check, rows))
    return failures


@dataclass
class ReasonerResult:
    consistent: bool
    unsatisfiable: list[str]
    inferred_superclasses: dict[str, list[str]]


def reason(graph: Graph | None = None) -> ReasonerResult:
    """Run HermiT (through owlready2, which needs Java) on ``graph``, the TBox by default.

    owlready2 does not read Turtle, so the graph is handed over as N-Triples.
    """
    import owlready2  # heavy, and only needed here

    graph = tbox() if graph is None else graph
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "ontology.nt")
        graph.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(Path(path).as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return ReasonerResult(False, [], {})
        nothing = owlready2.Nothing
        unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c is not nothing)
        supers = {
            c.iri: sorted(a.iri for a in c.ancestors() if hasattr(a, "iri") and a is not c)
            for c in world.classes()
        }
        world.close()
    return ReasonerResult(True, unsatisfiable, supers)

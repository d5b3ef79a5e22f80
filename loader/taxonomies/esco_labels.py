"""A third party's ESCO labels (``conceptUri, preferredLabel, altLabels``) → a fallback graph of labels.

Such a pull of the public ESCO API (``shared/reference/esco/thirdparty/api_derived_fr``: French labels of
13,095 skills, which the official French export here lacks) is not an ESCO release, so it never mixes with
one: it goes into ``<base>graph/esco-<lang>-thirdparty``, whose dataset description says it is third-party,
and it never overrides an official label. A concept that already has an official preferred label in that
language (in any other graph at import time) gets the third party's preferred label as ``skos:altLabel``
only, so that no concept ends with two preferred labels; the official graphs' checksums are part of this
import's checksum, so importing it again after an official export rewrites it. Alternative labels are
``|``-separated. Concepts are typed from the file's name (``skills_fr.csv`` → ``esco:Skill``).
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, Iterator

import pyoxigraph as ox

from rolegraph.core.naming import ESCO_GRAPH, esco_graph, graph_iri
from rolegraph.core.store import Store, Writable, open_store
from rolegraph.core.vocabulary import ESCO_ID, OX

from . import ImportResult, RowProblem, iri, read_csv, split_cell
from .dataset import Source, checksum, replace_graph

#: The columns of a labels-only export: a folder whose files have no other column is read by this module.
COLUMNS = frozenset({"conceptUri", "preferredLabel", "altLabels"})
SOURCE = Source(
    title="ESCO labels from a third-party pull of the public ESCO API",
    publisher="https://github.com/lryjules/Mockly",
    publisher_name="lryjules/Mockly (third party, not the European Commission)",
    license="https://creativecommons.org/licenses/by/4.0/",
    rights="This service uses the ESCO classification of the European Commission. Labels pulled from the "
           "public ESCO API by a third party (not an official ESCO export).",
    rights_language="en",
    description="Third-party labels, not an official ESCO export: a fallback for labels that the official "
                "exports lack, never overriding an official label.",
)
#: kind of the file → the classes its concepts get.
CLASSES = {"skills": (OX.SKOS.Concept, OX.ESCO.Skill), "occupations": (OX.SKOS.Concept, OX.ESCO.Occupation)}
PREF, ALT = OX.SKOS.prefLabel, OX.SKOS.altLabel


def is_labels_only(path: Path) -> bool:
    """Whether the CSV file at ``path`` has the header of a labels-only export."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            header = handle.readline()
    except OSError:
        return False
    return {column.strip() for column in header.split(",")} == COLUMNS


def _official(store_path, base: str, lang: str) -> tuple[set[str], list[str]]:
    """The concepts with an official preferred label in ``lang``, and the checksums of the official ESCO graphs."""
    store = open_store(store_path)
    if store.generation is None:
        return set(), []
    snapshot = store.open()
    ours = str(graph_iri(base, esco_graph(lang, third_party=True)))
    official = [g for g in snapshot.named_graphs()
                if g.value.startswith(str(graph_iri(base, ESCO_GRAPH + "-"))) and g.value != ours]
    concepts: set[str] = set()
    digests: list[str] = []
    for graph in official:
        for quad in snapshot.quads_for_pattern(None, PREF, None, graph):
            if isinstance(quad.object, ox.Literal) and quad.object.language == lang:
                concepts.add(quad.subject.value)
        digests += [q.object.value for q in snapshot.quads_for_pattern(graph, OX.DCTERMS.identifier, None, graph)]
    return concepts, sorted(digests)


def import_labels(store_path: Store | str, folder: Path, files: dict[str, Path], lang: str, base_iri: str,
                  version: str, then: Callable[[Writable], object] | None = None) -> ImportResult:
    """Import the labels-only ``files`` (kind → path) of ``folder`` into ``<base>graph/esco-<lang>-thirdparty``.

    Records without an ESCO IRI or a preferred label are skipped and listed in ``ImportResult.problems``.
    """
    started = time.perf_counter()
    problems: list[RowProblem] = []
    counts: dict[str, int] = {}
    official, digests = _official(store_path, base_iri, lang)
    digest = checksum(files.values(), folder, "esco-labels", version, lang, *digests)

    def triples(kind: str, path: Path) -> Iterator[tuple]:
        label = path.relative_to(folder).as_posix()
        seen: set[str] = set()
        for line, row in read_csv(path, problems, tuple(sorted(COLUMNS)), name=label):
            value = row["conceptUri"].strip()
            subject = iri(value) if value.startswith(str(ESCO_ID)) else None
            preferred = row["preferredLabel"].strip()
            if subject is None:
                problems.append(RowProblem(label, line, f"bad IRI in conceptUri: {value!r}"))
                continue
            if not preferred:
                problems.append(RowProblem(label, line, "no preferredLabel"))
                continue
            if value in seen:
                problems.append(RowProblem(label, line, f"conceptUri {value} repeats an earlier record; kept the first"))
                continue
            seen.add(value)
            counts[kind] = counts.get(kind, 0) + 1
            for cls in CLASSES[kind]:
                yield subject, OX.RDF.type, cls
            yield subject, ALT if value in official else PREF, ox.Literal(preferred, language=lang)
            for alternative in split_cell(row["altLabels"], "|\n"):
                if alternative != preferred:
                    yield subject, ALT, ox.Literal(alternative, language=lang)

    def quads(graph: ox.NamedNode) -> Iterator[ox.Quad]:
        for kind, path in files.items():
            for s, p, o in triples(kind, path):
                yield ox.Quad(s, p, o, graph)

    return replace_graph(store_path, str(graph_iri(base_iri, esco_graph(lang, third_party=True))), source=SOURCE,
                         version=version, folder=folder, digest=digest, quads=quads, counts=counts,
                         problems=problems, started=started, then=then)

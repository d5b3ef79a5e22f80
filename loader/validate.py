"""SHACL validation of a graph against the shapes of ontology/, split into violations and warnings."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import pyshacl
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

from rolegraph.core.tbox import shapes
from rolegraph.core.vocabulary import PREFIXES, SH


@dataclass(frozen=True)
class Finding:
    """One SHACL result: the shape that fired, its path, the focus node, the value and the message."""

    severity: str
    shape: str
    constraint: str | None
    path: str | None
    focus: str
    value: str | None
    message: str
    where: str | None = None

    def __str__(self) -> str:
        path = f" {self.path}" if self.path else ""
        where = f" [{self.where}]" if self.where else ""
        return f"{self.severity}: {self.shape}{path} on {self.focus}{where}: {self.message}"


@dataclass
class ValidationReport:
    violations: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        """True when no violation was found; warnings never block."""
        return not self.violations


def validate(data: Graph, locate=None, focus: Iterable[URIRef] | None = None) -> ValidationReport:
    """Validate ``data`` against every shape. The shapes name concrete classes, so no ontology is
    mixed in and ``data`` is validated in place, without a copy (it is not modified).

    ``locate(focus)`` may return a human description of where a focus node comes from
    (source document and offsets); it is attached to each finding. ``focus`` limits validation to
    those focus nodes (``focus_of`` the triples that changed): each is checked against the whole of
    ``data``, so the rules that cross nodes see every node they reach.
    """
    shacl = shapes() if focus is None else _focused(shapes(), data, {n for n in focus if isinstance(n, URIRef)})
    _, results, _ = pyshacl.validate(
        data, shacl_graph=shacl, inference="none", inplace=True,
        allow_warnings=True, advanced=True, abort_on_first=False,
    )
    report = ValidationReport()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        finding = _finding(results, result, locate)
        (report.violations if finding.severity == "Violation" else report.warnings).append(finding)
    report.violations.sort(key=_order)
    report.warnings.sort(key=_order)
    return report


def _focused(shacl: Graph, data: Graph, focus: set[URIRef]) -> Graph:
    """The shapes with each class target replaced by the ``focus`` nodes of those classes.

    pySHACL's own ``focus_nodes`` option also filters the value nodes of nested shapes (an
    ``sh:not [ sh:hasValue … ]`` then passes nothing and fires everywhere), so the targets are narrowed
    here instead. SPARQL targets are kept: they select breaking nodes only, over the whole graph."""
    narrowed = Graph()
    narrowed += shacl
    for shape in set(shacl.subjects(SH.targetClass, None)):
        classes = list(shacl.objects(shape, SH.targetClass))
        narrowed.remove((shape, SH.targetClass, None))
        for node in focus:
            if any((node, RDF.type, cls) in data for cls in classes):
                narrowed.add((shape, SH.targetNode, node))
    return narrowed


def focus_of(changed: Iterable[tuple], data: Graph) -> set[URIRef]:
    """The focus nodes whose verdict the ``changed`` triples (added to or removed from ``data``) can
    change: the IRIs they name (not the classes they type with), and the nodes of ``data`` that point
    to one of them that ``data`` describes (a role whose tool is no longer typed a tool breaks). Our
    shapes' paths are one step long, or reach a node that points to a changed one (an evidence of a
    changed document). A concept of our schemes (a period, a level) is no focus: it is not in ``data``."""
    nodes = set()
    for subject, predicate, obj in changed:
        if isinstance(subject, URIRef):
            nodes.add(subject)
        if isinstance(obj, URIRef) and predicate != RDF.type:
            nodes.add(obj)
    described = {node for node in nodes if (node, None, None) in data}
    return nodes | {s for node in described for s in data.subjects(None, node) if isinstance(s, URIRef)}


def _order(finding: Finding) -> tuple:
    return (finding.shape, finding.focus, finding.path or "", finding.value or "")


def _finding(results: Graph, result, locate) -> Finding:
    def one(predicate):
        return results.value(result, predicate)

    severity = str(one(SH.resultSeverity)).rsplit("#", 1)[-1]
    path = one(SH.resultPath)
    value = one(SH.value)
    messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
    focus = one(SH.focusNode)
    constraint = one(SH.sourceConstraint)
    return Finding(
        severity=severity,
        shape=_name(one(SH.sourceShape)),
        constraint=_name(constraint) if isinstance(constraint, URIRef) else None,
        path=_path_text(results, path) if path is not None else None,
        focus=str(focus),
        value=str(value) if value is not None else None,
        message=messages[0] if messages else "",
        where=locate(focus) if locate else None,
    )


def _path_text(graph: Graph, path) -> str:
    """A SHACL property path written as a SPARQL path (``rg:a|rg:b``, ``^rg:a``, ``rg:a/rg:b``)."""
    if isinstance(path, URIRef):
        return _name(path)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_path_text(graph, p) for p in Collection(graph, alternatives))
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(graph, inverse)
    if graph.value(path, RDF.first) is not None:
        return "/".join(_path_text(graph, p) for p in Collection(graph, path))
    return str(path)


def _name(term) -> str:
    """A compact name for shape and property IRIs of our namespaces (rgsh:X, rg:y)."""
    text = str(term)
    for prefix, iri in PREFIXES.items():
        if text.startswith(iri):
            return f"{prefix}:{text[len(iri):]}"
    return text

"""SHACL validation of a graph against the shapes of ontology/, split into violations and warnings."""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Iterator

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, XSD
from rdflib.plugins.sparql import prepareQuery

from rolegraph.core.tbox import shapes
from rolegraph.core.vocabulary import PREFIXES, RG, RGSH, SH, sparql_prologue


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

    def extend(self, findings: Iterable[Finding]) -> None:
        """Add ``findings``, each to its severity's list, keeping both in order."""
        for finding in findings:
            (self.violations if finding.severity == "Violation" else self.warnings).append(finding)
        self.violations.sort(key=_order)
        self.warnings.sort(key=_order)

    @property
    def conforms(self) -> bool:
        """True when no violation was found; warnings never block."""
        return not self.violations


def validate(data: Graph, locate=None) -> ValidationReport:
    """Validate ``data`` against every shape. The shapes name concrete classes, so no ontology is
    mixed in and ``data`` is validated in place, without a copy (it is not modified).

    ``locate(focus)`` may return a human description of where a focus node comes from
    (source document and offsets); it is attached to each finding. A change of a published graph is
    validated by ``validate_in_store`` instead.
    """
    return _run(data, shapes(), locate)


def own_nodes(part) -> list[Finding]:
    """The findings (violations and warnings) of the shapes targeting a class on the nodes a document's
    ``part`` alone states: those typed in its own triples (its document node, salary ranges, evidence),
    whose IRIs hold its checksum. Their triples and the nodes they point to (the document node) are all
    in the part, so the findings are those of the whole graph on them; ``validate_graph`` does the rest.

    Evidence is nine tenths of those nodes and pySHACL takes about 2 ms for each (86 s for the 62k of a
    1,000-document graph): a passage that ``_may_break_evidence`` clears is left out of pySHACL's graph.
    That check only decides which passages pySHACL sees; tests/test_shapes.py checks it keeps every
    passage the shape fires on in the broken fixtures."""
    about: dict = {}
    for triple in part.own:
        about.setdefault(triple[0], []).append(triple)
    types = {s: {o for _, p, o in rows if p == RDF.type} for s, rows in about.items()}
    data = _Data()
    for subject, rows in about.items():
        if not types[subject]:
            continue  # a claim's links to its evidence: the claim is validated in the store
        if types[subject] == {RG.Evidence} and not _may_break_evidence(rows, types):
            continue
        for triple in rows:
            data.add(triple)
    report = _run(data, own_shapes(), lambda n: part.locations.get(str(n)))
    return report.violations + report.warnings


_EXTRACTOR = re.compile(r"^[a-z][a-z0-9-]*/[0-9]+$")


def _may_break_evidence(rows, types) -> bool:
    """False when the passage whose triples are ``rows`` certainly meets ``rgsh:EvidenceShape`` (``types``:
    the classes of the part's nodes): one value of each property, of the right kind and range."""
    values: dict = {}
    for _, predicate, obj in rows:
        values.setdefault(predicate, []).append(obj)
    one = {p: v[0] for p, v in values.items() if len(v) == 1}
    document, start, end = one.get(RG.inDocument), one.get(RG.startOffset), one.get(RG.endOffset)
    quote, extractor = one.get(RG.quote), one.get(RG.extractor)
    if RG.SourceDocument not in types.get(document, ()):
        return True
    if not all(_integer(v) for v in (start, end)) or not (0 <= start.value < end.value):
        return True
    return not (_string(quote) and len(quote) >= 1 and _string(extractor) and _EXTRACTOR.match(str(extractor)))


def _integer(value) -> bool:
    return (isinstance(value, Literal) and value.datatype == XSD.integer and not value.ill_typed
            and isinstance(value.value, int))


def _string(value) -> bool:
    return isinstance(value, Literal) and value.language is None and value.datatype in (None, XSD.string)


@lru_cache(maxsize=1)
def own_shapes() -> Graph:
    """The shapes ``own_nodes`` runs: not those whose target is a SPARQL query (the rules across nodes)."""
    shacl = shapes()
    narrowed = Graph()
    narrowed += shacl
    for shape in set(shacl.subjects(SH.target, None)):
        narrowed.remove((shape, None, None))
    return narrowed


class _Data(Graph):
    """An rdflib graph whose SPARQL queries are parsed once per process: pySHACL runs a constraint's query
    once per focus node, and parsing it is most of the time on a small graph."""

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=256)
def _prepared(text: str):
    return prepareQuery(text)


def validate_graph(readable, graph_name, skip: set[str], locate=None) -> ValidationReport:
    """What ``validate`` finds on the named graph ``graph_name`` of the store ``readable``, but for the
    class-targeted shapes on the nodes ``skip`` (IRIs, whose findings ``own_nodes`` gave): the rules
    across nodes run their target query over the whole graph in the store (``STORE_TARGETS`` where
    Oxigraph needs another form), and pySHACL validates the other typed nodes with their neighbours."""
    target = _graph_node(graph_name)
    classes = {str(c) for c in shapes().objects(None, SH.targetClass)}
    focus = {URIRef(row["s"].value) for row in readable.query("SELECT DISTINCT ?s ?c WHERE { ?s a ?c }",
                                                            default_graph=target)
             if row["c"].value in classes and isinstance(row["s"], ox.NamedNode) and row["s"].value not in skip}
    shacl = shapes()
    breaking = _breaking(readable, graph_name, shacl, None)
    deep = set().union(*(nodes for shape, nodes in breaking.items() if shape not in OWN_TRIPLES))
    alone = set().union(*(nodes for shape, nodes in breaking.items() if shape in OWN_TRIPLES)) - focus - deep
    data = _neighbourhood(readable, graph_name, focus, deep, checked=class_only(), alone=alone)
    return _run(data, _focused(shacl, data, focus, breaking), locate)


@lru_cache(maxsize=1)
def class_only() -> dict[URIRef, frozenset[URIRef]]:
    """The ``one_at_a_time`` predicates whose every property shape asks only a class of each value (and at
    most ``sh:minCount 1``), with the classes those shapes ask: a value's verdict is then a lookup of its
    types, which the store makes for every value at once (a claim's hundreds of passages: ``_unclassed``)."""
    shacl = shapes()
    found = {}
    for predicate in one_at_a_time():
        shaped = list(shacl.subjects(SH.path, predicate))
        asked = {p for shape in shaped for p, _ in shacl.predicate_objects(shape)} - _DESCRIPTIVE - {SH.minCount}
        classes = frozenset(c for shape in shaped for c in shacl.objects(shape, SH["class"]))
        if shaped and asked == {SH["class"]} and all(isinstance(c, URIRef) for c in classes):
            found[predicate] = classes
    return found


def _unclassed(readable, target, values: str, checked: dict[URIRef, frozenset[URIRef]]) -> Iterator:
    """The triples of the focus nodes (``values``, a VALUES list) whose value lacks one of the classes that
    a shape of their predicate asks (``class_only``): those pySHACL must see to report them."""
    for predicate, classes in checked.items():
        lacking = " || ".join(f"NOT EXISTS {{ ?o a <{c}> }}" for c in sorted(classes))
        yield from readable.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} BIND(<{predicate}> AS ?p) "
                                  f"?s <{predicate}> ?o FILTER ({lacking}) }}", default_graph=target)


def _focused(shacl: Graph, data: Graph, focus: set[URIRef], breaking: dict | None = None) -> Graph:
    """The shapes with each class target replaced by the ``focus`` nodes of those classes.

    pySHACL's own ``focus_nodes`` option also filters the value nodes of nested shapes (an
    ``sh:not [ sh:hasValue … ]`` then passes nothing and fires everywhere), so the targets are narrowed
    here instead. SPARQL targets are kept: they select breaking nodes only, over the whole graph;
    with ``breaking`` (shape → the nodes its target selected elsewhere) each is replaced by those."""
    narrowed = Graph()
    narrowed += shacl
    for shape, nodes in (breaking or {}).items():
        narrowed.remove((shape, SH.target, None))
        for node in nodes:
            narrowed.add((shape, SH.targetNode, node))
    for shape in set(shacl.subjects(SH.targetClass, None)):
        classes = list(shacl.objects(shape, SH.targetClass))
        narrowed.remove((shape, SH.targetClass, None))
        for node in focus:
            if any((node, RDF.type, cls) in data for cls in classes):
                narrowed.add((shape, SH.targetNode, node))
    return narrowed


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


# ---------------------------------------------------------------- validation of a change, in the store

def validate_in_store(readable, graph_name, focus: Iterable[URIRef], locate=None,
                      added: Iterable[tuple] | None = None) -> ValidationReport:
    """What ``validate(data, locate, focus)`` finds, where ``data`` is the named graph ``graph_name``
    (a ``pyoxigraph`` graph name) of ``readable``, a store: nothing is read but the focus nodes'
    neighbourhood.

    The shapes targeting a class run in pySHACL on the focus nodes and the nodes they point to. The
    rules across nodes (shapes with a SPARQL target) run their target query in the store, limited to
    the focus nodes by a ``VALUES`` clause: a conforming change gives no node, and the few a broken one
    gives are validated by pySHACL with their neighbours, for its findings and messages.

    ``added``: the triples the change added, when the rest of the graph was validated before (a
    change of a published graph). A focus node's values of a ``one_at_a_time`` predicate are then read
    only where the change added them or their node is a focus node, and one more: the others' verdicts
    cannot have changed (a claim supported by 900 documents is not read with its 900 passages)."""
    focus = {n for n in focus if isinstance(n, URIRef)}
    shacl = shapes()
    breaking = _breaking(readable, graph_name, shacl, focus)
    deep = set().union(*(nodes for shape, nodes in breaking.items() if shape not in OWN_TRIPLES))
    data = _neighbourhood(readable, graph_name, focus, deep, set(added) if added is not None else None)
    narrowed = _focused(shacl, data, focus, breaking)
    return _run(data, narrowed, locate)


def focus_in_store(changed: Iterable[tuple], readable, graph_name) -> set[URIRef]:
    """The focus nodes whose verdict the ``changed`` triples (added to or removed from the named graph
    ``graph_name`` of the store ``readable``) can change, for our shapes: the IRIs they name (not the
    classes they type with); the nodes that point to a node whose type changed (a role whose tool is no
    longer typed a tool breaks); and, for a changed triple ``s p o``, the nodes that point to both ``s``
    and ``o`` (the claim that stands for it). A node that merely points to a changed one (the claims of
    every role using a tool) is left out: our shapes only look one step along."""
    nodes, retyped, pairs = set(), set(), set()
    for subject, predicate, obj in changed:
        if isinstance(subject, URIRef):
            nodes.add(subject)
        if predicate == RDF.type and isinstance(subject, URIRef):
            retyped.add(subject)
        elif isinstance(obj, URIRef):
            nodes.add(obj)
            if isinstance(subject, URIRef):
                pairs.add((subject, obj))
    target = _graph_node(graph_name)
    for node in retyped:
        nodes |= {_rdflib(q.subject) for q in readable.quads_for_pattern(None, None, _ox(node), target)}
    if pairs:
        values = " ".join(f"(<{s}> <{o}>)" for s, o in sorted(pairs))
        query = f"SELECT DISTINCT ?n WHERE {{ VALUES (?s ?o) {{ {values} }} ?n ?x ?s . ?n ?y ?o }}"
        nodes |= {_rdflib(row["n"]) for row in readable.query(query, default_graph=target)}
    return {n for n in nodes if isinstance(n, URIRef)}


def _run(data: Graph, shacl: Graph, locate) -> ValidationReport:
    _, results, _ = pyshacl.validate(
        data, shacl_graph=shacl, inference="none", inplace=True,
        allow_warnings=True, advanced=True, abort_on_first=False,
    )
    report = ValidationReport()
    report.extend(_finding(results, result, locate) for result in results.subjects(RDF.type, SH.ValidationResult))
    return report


#: Target queries that select the same nodes as the shape's own, written for Oxigraph: a ``MINUS`` where
#: the shape has ``FILTER NOT EXISTS``, which Oxigraph evaluates per fact (5.9 s against 0.18 s for the
#: three roles with the most facts of a 1,000-document graph). The shape's own query stays for
#: pySHACL; tests/test_shapes.py checks that both find the same violations on the broken fixtures.
#: ``FOCUS``, a comment on a line of its own, is where ``_breaking`` also puts the focus nodes' ``VALUES``:
#: in a group that Oxigraph evaluates on its own before joining it (a ``MINUS``, an ``OPTIONAL``), which
#: then reads the focus nodes' facts instead of every fact of the graph (at an add to a 1,000-document
#: graph: 0.14-0.2 s → 0.025 s for the facts, 0.08-0.24 s → 0.05 s for the support counts).
FOCUS = "#focus"
STORE_TARGETS = {
    RGSH.RoleFactShape: """
        SELECT DISTINCT ?this WHERE {
            ?this ?p ?o .
            FILTER (?p IN (rg:requiresCompetency, rg:usesTool, rg:accessibleThrough, rg:hasSalary, rg:employerType,
                           rg:relatedRole, rg:progressesTo, rg:managementTrackTo, rg:specialisesInto, rg:collaboratesWith))
            MINUS {
                #focus
                ?claim rg:claimSubject ?this ; rg:claimPredicate ?p ; rg:claimObject ?o }
        }""",
    RGSH.ClaimSupportShape: """
        SELECT ?this WHERE {
            ?this rg:supportCount ?stated ; rg:hasEvidence ?evidence .
            OPTIONAL {
                #focus
                ?this rg:hasEvidence ?evidence . ?evidence rg:inDocument ?doc }
        }
        GROUP BY ?this ?stated
        HAVING (?stated != COUNT(DISTINCT ?doc))""",
}


#: Rules across nodes whose constraint reads nothing but the focus node's own triples, which the focus
#: nodes' query gives already: the nodes they select need no neighbourhood. A role that no competency or
#: tool describes is often one many documents name as related: reading its claims and their evidence
#: took 3 s (10k triples) at an add to a 1,000-document graph, for a warning about the role alone.
OWN_TRIPLES = frozenset({RGSH.CompletenessRoleShape, RGSH.RoleSelfShape})


def _breaking(readable, graph_name, shacl: Graph, focus: set[URIRef]) -> dict:
    """shape → the focus nodes its SPARQL target selects, each target query (or its ``STORE_TARGETS``
    form) run in the store; ``focus`` None: over the whole graph."""
    found = {}
    if focus is not None and not focus:
        return {shape: set() for shape, _ in shacl.subject_objects(SH.target)}
    values = " ".join(f"<{n}>" for n in sorted(focus or ()))
    for shape, target in shacl.subject_objects(SH.target):
        text = STORE_TARGETS.get(shape) or str(shacl.value(target, SH.select))
        where = text.index("{")  # the first group is the WHERE clause: the focus nodes join it first
        if focus is None:  # the whole graph: the FOCUS lines stay comments
            query = f"{sparql_prologue()}{text}"
        else:
            restricted = f"VALUES ?this {{ {values} }}"
            query = f"{sparql_prologue()}{text[:where + 1]} {restricted} {text[where + 1:].replace(FOCUS, restricted)}"
        found[shape] = {_rdflib(row["this"]) for row in readable.query(query, default_graph=_graph_node(graph_name))}
    return found


def _neighbourhood(readable, graph_name, focus: set[URIRef], deep: set[URIRef],
                   added: set[tuple] | None = None, checked: dict | None = None, alone: set = frozenset()) -> Graph:
    """What the shapes read about ``focus``: its nodes' triples and the types of the nodes they point to
    (the shapes targeting a class look one step along, at a value's class). For the ``deep`` nodes
    (selected by a rule across nodes), all the triples of the nodes they point to and of the nodes that
    point to them (a role's claims). With ``added`` (see ``validate_in_store``), a focus node's values
    of a ``one_at_a_time`` predicate are left out but for those added, those in ``focus`` and one. With
    ``checked`` (see ``class_only``, for a graph none of whose values was validated before), so are the
    values of those predicates, but for one, those in ``focus`` and those that lack a class asked. The
    nodes ``alone`` (selected by a rule that reads their own triples only, ``OWN_TRIPLES``) are described
    without their neighbours."""
    target = _graph_node(graph_name)
    data, seen = _Data(), set()
    values = " ".join(f"<{n}>" for n in sorted(focus))
    terms: dict = {}  # pyoxigraph term → rdflib term: predicates, classes and values recur
    trimmed = one_at_a_time() if added is not None else frozenset(checked or ())

    def term(value):
        made = terms.get(value)
        if made is None:
            made = terms[value] = _rdflib(value)
        return made

    if values:
        pointed = set()
        # The values of the trimmed predicates are left to Oxigraph to skip, then read as
        # ``_trimmed_values`` says (a claim's 900 passages are not made into rdflib terms).
        skipped = f"FILTER (?p NOT IN ({', '.join(f'<{p}>' for p in sorted(trimmed))}))" if trimmed else ""
        rows = readable.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o {skipped} }}",
                              default_graph=target)
        if trimmed:
            rows = itertools.chain(rows, _trimmed_values(readable, target, focus, trimmed, added or set()))
        if checked and added is None:
            rows = itertools.chain(rows, _unclassed(readable, target, values, checked))
        for row in rows:
            data.add((term(row["s"]), term(row["p"]), term(row["o"])))
            if not isinstance(row["o"], ox.Literal):
                pointed.add(row["o"])
        # One lookup per value node: a join in SPARQL took 70 µs a row (a claim's hundreds of evidence).
        kind = ox.NamedNode(str(RDF.type))
        for value in pointed:
            for quad in readable.quads_for_pattern(value, kind, None, target):
                data.add((term(value), RDF.type, term(quad.object)))

    def describe(node) -> None:
        if node in seen or isinstance(node, Literal):
            return
        seen.add(node)
        for quad in readable.quads_for_pattern(_ox(node), None, None, target):
            data.add((node, _rdflib(quad.predicate), _rdflib(quad.object)))

    for node in deep:
        describe(node)
        for quad in readable.quads_for_pattern(None, None, _ox(node), target):
            describe(_rdflib(quad.subject))
    for node in alone:
        describe(node)
    for obj in {o for s, _, o in data if s in seen and not isinstance(o, Literal)}:
        describe(obj)
    if trimmed:  # a focus node described whole: the class of each of its values, as for the others
        read = {_rdflib(value) for value in pointed} if values else set()
        for value in {o for s, _, o in data if s in seen and s in focus and not isinstance(o, Literal)} - read:
            for quad in readable.quads_for_pattern(_ox(value), ox.NamedNode(str(RDF.type)), None, target):
                data.add((value, RDF.type, _rdflib(quad.object)))
    return data


#: Constraint components that judge each value node on its own (its term, its class), and those that
#: describe a shape without constraining it.
_VALUE_BY_VALUE = frozenset({SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.pattern, SH.flags, SH.minLength,
                             SH.maxLength, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive,
                             SH.languageIn})
_DESCRIPTIVE = frozenset({RDF.type, SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group})


@lru_cache(maxsize=1)
def one_at_a_time() -> frozenset[URIRef]:
    """The predicates whose values the shapes that validate a focus node with its neighbourhood judge one
    at a time: every property shape with that path (a plain predicate) has value-by-value constraints
    only (``sh:class``, ``sh:datatype``, ``sh:in``…, or ``sh:or`` of shapes made of them) and at most
    ``sh:minCount 1``, and no SPARQL constraint of such a shape names it. Once the graph conformed, a
    change can alter the verdict on a value only where it added the triple or changed the value's node;
    and ``sh:minCount 1`` holds with any one value. (The rules across nodes run on their breaking nodes
    with all their triples: their constraints do not count.)"""
    shacl = shapes()
    deep = {s for s in shacl.subjects(SH.target, None) if s not in OWN_TRIPLES}
    named = " ".join(str(text) for shape in set(shacl.subjects(SH.sparql, None)) - deep
                     for constraint in shacl.objects(shape, SH.sparql)
                     for text in (*shacl.objects(constraint, SH.select), *shacl.objects(constraint, SH.ask)))

    def value_by_value(shape) -> bool:
        for predicate, value in shacl.predicate_objects(shape):
            if predicate in _DESCRIPTIVE or predicate in _VALUE_BY_VALUE:
                continue
            if predicate == SH.minCount and int(value) <= 1:
                continue
            if predicate == SH["or"] and all(isinstance(m, BNode) and not (m, SH.path, None) in shacl
                                             and value_by_value(m) for m in Collection(shacl, value)):
                continue
            return False
        return True

    paths: dict = {}
    for shape, path in shacl.subject_objects(SH.path):
        paths.setdefault(path, []).append(shape)
    found = set()
    for path, shaped in paths.items():
        if not isinstance(path, URIRef) or not all(value_by_value(s) for s in shaped):
            continue
        # named anywhere else in the shapes (in a path list, a target, a nested shape): not judged alone;
        # a member of an ``sh:in`` list is a constant
        if any(p != SH.path and not (p == RDF.first and _in_list(shacl, cell))
               for cell, p in shacl.subject_predicates(path)):
            continue
        if str(path) in named or _name(path) in named:
            continue
        found.add(path)
    return frozenset(found)


def _trimmed_values(readable, target, focus: set[URIRef], trimmed: frozenset, added: set[tuple]) -> Iterator[dict]:
    """The triples of the focus nodes with a ``trimmed`` predicate that a change's validation reads, as
    rows (s, p, o): one for each node and predicate, those ``added``, and those whose value is a focus node."""
    named = {str(n) for n in focus}
    for subject in sorted(focus):
        for predicate in sorted(trimmed):
            # one pattern scan a node and predicate: a SPARQL join of the focus nodes with themselves
            # grew with their square (19 s for the 4,600 of a 1,000-document build)
            for k, quad in enumerate(readable.quads_for_pattern(_ox(subject), _ox(predicate), None, target)):
                if k == 0 or (isinstance(quad.object, ox.NamedNode) and quad.object.value in named):
                    yield {"s": quad.subject, "p": quad.predicate, "o": quad.object}
    for s, p, o in added:
        if p in trimmed and s in focus:
            yield {"s": _ox(s), "p": _ox(p), "o": _term_of(o)}


def _in_list(shacl: Graph, cell) -> bool:
    """Whether the RDF list cell ``cell`` belongs to the list of an ``sh:in``."""
    while (previous := shacl.value(None, RDF.rest, cell)) is not None:
        cell = previous
    return all(p == SH["in"] for _, p in shacl.subject_predicates(cell)) and (None, SH["in"], cell) in shacl


def _graph_node(graph_name):
    return ox.DefaultGraph() if graph_name is None else graph_name


def _ox(term) -> ox.NamedNode | ox.BlankNode:
    return ox.BlankNode(str(term)) if isinstance(term, BNode) else ox.NamedNode(str(term))


def _term_of(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term of an rdflib one (``_rdflib``'s inverse)."""
    if not isinstance(term, Literal):
        return _ox(term)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)


def _rdflib(term):
    """The rdflib term of a pyoxigraph one (a plain string literal stays without its datatype, as rdflib
    makes it when it parses N-Triples)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))

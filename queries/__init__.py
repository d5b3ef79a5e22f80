"""The named SPARQL queries of this folder: one .rq file per question, with a header.

Header lines (before the query text); the query has an explicit ``WHERE {``::

    # title: Skills of a role
    # description: One or two sentences.
    # param: role iri https://w3id.org/rolegraph/id/role/back-end-developer | The role.

A parameter is written ``$name`` in the query and stands for a value only. Binding replaces it by
a constant: the value is parsed as a term of the declared type and written by Oxigraph's serialiser
(an IRI in angle brackets, a quoted and escaped literal), so a value carrying SPARQL syntax stays
one term. ``$name`` inside a string, an IRI or a comment is left as it is. The same bound text runs
on the local store and on a remote endpoint.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import pyoxigraph as ox

from rolegraph.core.keys import label_key
from rolegraph.core.paths import QUERIES_DIR
from rolegraph.core.vocabulary import OX, sparql_prologue
from rolegraph.core.errors import NotFound, QueryError

from .lexer import query_form, tokens

_HEADER = re.compile(r"^#\s*(title|description|param):\s*(.*?)\s*$")
_PARAM = re.compile(r"^(?P<name>[a-z][a-z0-9_]*)\s+(?P<type>\S+)\s+(?P<example>[^|]+?)\s*(?:\|\s*(?P<help>.*))?$")


def _iri(value: str) -> ox.NamedNode:
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
        raise ValueError("not an absolute IRI")
    return ox.NamedNode(value)


def _langstring(value: str) -> ox.Literal:
    text, _, language = value.rpartition("@")
    if not text or not re.fullmatch(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*", language):
        raise ValueError("expected text@language, e.g. Python@en")
    return ox.Literal(text, language=language.lower())


def _integer(value: str) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=OX.XSD.integer)


def _string(value: str) -> ox.Literal:
    return ox.Literal(value)


def _key(value: str) -> ox.Literal:
    key = label_key(value)
    if not key:
        raise ValueError("no letter or digit to look up")
    return ox.Literal(key)


#: Parameter type → parser of the textual value into an RDF term (raises ValueError when wrong).
#: A ``key`` is a text looked up by its search key (``rolegraph.core.keys``), as labels' ``rg:labelKey``.
PARAM_TYPES = {"iri": _iri, "string": _string, "langstring": _langstring, "integer": _integer, "key": _key}


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    example: str
    help: str

    def term(self, value: str):
        try:
            return PARAM_TYPES[self.type](value)
        except (ValueError, TypeError) as exc:
            raise QueryError(f"parameter {self.name}: {value!r} is not a valid {self.type} ({exc})",
                             parameter=self.name) from exc

    def to_json(self) -> dict:
        return {"name": self.name, "type": self.type, "example": self.example, "description": self.help}


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str  # the query as written, with the project's prologue

    @cached_property  # frozen dataclasses keep a __dict__, where the form is kept once read
    def kind(self) -> str:
        return query_form(self.text)

    def bindings(self, values: dict[str, str]) -> dict[str, object]:
        """Check ``values`` against the parameters; every parameter is required, no other is allowed."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryError(f"query {self.name} has no parameter {', '.join(unknown)}", query=self.name)
        missing = [p for p in known if p not in values]
        if missing:
            raise QueryError(f"query {self.name} needs parameter {', '.join(missing)}", query=self.name)
        return {name: known[name].term(value) for name, value in values.items()}

    def bind(self, values: dict[str, str]) -> str:
        """The query with each ``$parameter`` replaced by its value, as a constant: Oxigraph plans a
        query with constants far better than one joined with VALUES blocks (on the full graph,
        ``fact-sources-by-label`` ran in 68 ms instead of 2.8 s).

        Each value is parsed into an RDF term of its declared type and written by Oxigraph's
        serialiser (an IRI in angle brackets, a quoted and escaped literal): a value holding SPARQL
        syntax stays one term. Strings, IRIs and comments of the query text are left as they are.
        """
        terms = {name: str(term) for name, term in self.bindings(values).items()}
        if not terms:
            return self.text
        pieces, done = [], 0
        for token in tokens(self.text, "binder"):
            name = token.group()[1:]
            if token.lastgroup == "variable" and token.group()[0] == "$" and name in terms:
                pieces += [self.text[done:token.start()], terms[name]]
                done = token.end()
        return "".join(pieces) + self.text[done:]

    def to_json(self) -> dict:
        return {"name": self.name, "title": self.title, "description": self.description, "kind": self.kind,
                "parameters": [p.to_json() for p in self.parameters]}


def parse(path: Path) -> NamedQuery:
    header: dict[str, list[str]] = {"title": [], "description": [], "param": []}
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines:
        match = _HEADER.match(line)
        if match:
            header[match.group(1)].append(match.group(2))
        elif line.strip() and not line.startswith("#"):
            break
    if not header["title"] or not header["description"]:
        raise QueryError(f"{path.name} lacks a '# title:' or '# description:' header line", file=str(path))
    parameters = []
    for number, raw in enumerate(header["param"], 1):
        match = _PARAM.match(raw)
        if not match or match.group("type") not in PARAM_TYPES:
            raise QueryError(f"{path.name}: malformed '# param:' line {number}: {raw!r}", file=str(path))
        parameters.append(Parameter(match.group("name"), match.group("type"), match.group("example"),
                                    match.group("help") or ""))
    text = sparql_prologue() + "\n".join(lines)
    for parameter in parameters:
        if re.search(rf"\bAS\s+\${parameter.name}\b|\?{parameter.name}\b", text, re.IGNORECASE):
            raise QueryError(f"{path.name}: parameter ${parameter.name} must only stand for a value "
                             f"(never ?{parameter.name}, never after AS)", file=str(path))
    return NamedQuery(path.stem, header["title"][0], " ".join(header["description"]), tuple(parameters), text)


@lru_cache(maxsize=1)
def catalogue() -> dict[str, NamedQuery]:
    """Every named query of this folder, by name, read once per process."""
    return {q.name: q for q in (parse(p) for p in sorted(QUERIES_DIR.glob("*.rq")))}


def get(name: str) -> NamedQuery:
    try:
        return catalogue()[name]
    except KeyError:
        raise NotFound(f"no named query {name!r}; `rolegraph query --list` shows them", query=name) from None

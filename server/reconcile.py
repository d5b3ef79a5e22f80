"""The reconciliation service at /reconcile: the W3C Entity Reconciliation Service API (version 0.2, as
OpenRefine speaks it), matching names from a client's list against our roles, competencies, tools and
qualifications.

Names are compared by their search keys (``rolegraph.core.keys``; the build stores one per label as
``rg:labelKey``). A candidate whose key equals the query's scores 100 and is a ``match`` when no other
candidate's key equals it too; any other scores by the words the two share, a word with a typo counting
for how alike it is (``name_scores``); below ``MIN_SCORE`` it is not proposed. The keys of the published
generation are read once, by the named query ``reconcile-entities``; the published ESCO and ROME links of
a candidate (``entity-links``) are in its description.
"""
from __future__ import annotations

import json
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from flask import Blueprint, Response, current_app, render_template, request
from rapidfuzz import process
from rapidfuzz.distance import OSA
from rdflib import URIRef
from rdflib.namespace import RDFS

from rolegraph import queries
from rolegraph.core.errors import NotFound, UsageError
from rolegraph.core.keys import label_key
from rolegraph.core.tbox import tbox
from rolegraph.core.vocabulary import RG_URI

from . import cors
from .html import base_iri, term_label
from .sparql import store, values

blueprint = Blueprint("reconcile", __name__)
cors.allow(blueprint)

#: The classes a candidate can be of: what ``reconcile-entities`` lists, the manifest's default types.
CLASSES = tuple(RG_URI + name for name in
                ("Role", "Skill", "Knowledge", "SoftSkill", "Tool", "Diploma", "Training", "Certification"))
#: Candidates scoring less are not proposed.
MIN_SCORE = 60
#: Candidates per query when the query gives no ``limit``, and the most it may ask for.
DEFAULT_LIMIT, MAX_LIMIT = 5, 100
#: Queries in one batch at most (OpenRefine sends 10).
MAX_BATCH = 200
#: How alike a word of a name and a word of a label must be to count as the same: 100 less the percentage
#: of characters to insert, delete, substitute or swap (an optimal string alignment distance; "pyhton" is 83
#: of "python", "kubernets" 90 of "kubernetes", "developpeuse" only 69 of "developpement").
WORD_LIKE = 80
#: Under ``type_strict: should``, a candidate of another type keeps this share of its score.
OTHER_TYPE = 0.9
#: The query properties understood: ``mapping`` is an ESCO or ROME concept (IRI or code) a candidate is linked to.
PROPERTIES = {"mapping": "ESCO or ROME concept (IRI or code) the entity is linked to"}
_CALLBACK = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$.]{0,99}$")
_RELATIONS = {"exactMatch": "exact match", "closeMatch": "close match", "broadMatch": "broad match",
              "narrowMatch": "narrow match", "relatedMatch": "related match"}


@dataclass
class Entity:
    iri: str
    classes: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)
    label_en: str | None = None
    label_fr: str | None = None

    def name(self, key: str) -> str:
        """The preferred label in the language of the label that matched (English when both or neither)."""
        if self.label_fr and label_key(self.label_fr) == key and not (self.label_en and label_key(self.label_en) == key):
            return self.label_fr
        return self.label_en or self.label_fr or self.iri


@dataclass
class Index:
    """The search keys of one published generation."""

    generation: str | None
    entities: dict[str, Entity]
    by_key: dict[str, list[str]]  # key → the entities that have it
    keys: list[str]
    keys_with: dict[str, list[str]]  # word → the keys that have it
    words: list[str]


_lock = threading.Lock()


def index() -> Index:
    """The index of the published generation, read again when a newer one is published."""
    generation = store().generation
    held = current_app.extensions.get("rolegraph.reconcile")
    if held is not None and held.generation == generation:
        return held
    with _lock:
        held = current_app.extensions.get("rolegraph.reconcile")
        if held is None or held.generation != generation:
            held = current_app.extensions["rolegraph.reconcile"] = _read(generation)
        return held


def _read(generation: str | None) -> Index:
    entities: dict[str, Entity] = {}
    by_key: dict[str, list[str]] = defaultdict(list)
    for row in values(queries.get("reconcile-entities").bind({})):
        entity = entities.setdefault(row["entity"], Entity(row["entity"]))
        entity.classes.add(row["class"])
        entity.label_en, entity.label_fr = row.get("labelEn", entity.label_en), row.get("labelFr", entity.label_fr)
        if row["key"] not in entity.keys:
            entity.keys.add(row["key"])
            by_key[row["key"]].append(entity.iri)
    keys_with: dict[str, list[str]] = defaultdict(list)
    for key in sorted(by_key):
        for word in set(key.split()):
            keys_with[word].append(key)
    return Index(generation, entities, dict(by_key), sorted(by_key), dict(keys_with), sorted(keys_with))


# --- types -------------------------------------------------------------------------------------------

def types() -> list[dict]:
    """The manifest's default types: our classes with their English labels from the ontology."""
    return [{"id": iri, "name": term_label(iri, "en")} for iri in CLASSES]


@lru_cache(maxsize=64)
def _classes_of(type_id: str) -> frozenset[str] | None:
    """Our classes that are ``type_id`` or one of its subclasses (``rg:Competency`` is three); ``type_id``
    is an IRI, a compact ``rg:`` name or a bare class name. None when it names no class of ours."""
    iri = type_id if "/" in type_id or "#" in type_id else RG_URI + type_id.removeprefix("rg:")
    below = {str(c) for c in tbox().transitive_subjects(RDFS.subClassOf, URIRef(iri))}
    found = frozenset(c for c in CLASSES if c in below or c == iri)
    return found or None


# --- reading a query batch ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Query:
    text: str
    classes: frozenset[str] | None  # None: any type
    strict: str
    limit: int
    properties: tuple[tuple[str, tuple[str, ...]], ...]


def _bad(parameter: str, where: str, message: str) -> UsageError:
    return UsageError(f"parameter {parameter}: {where}{': ' if where else ''}{message}", parameter=parameter,
                      query=where or None)


def read_batch(raw: str, parameter: str = "queries") -> dict[str, Query]:
    """The queries of a batch, ``{"q0": {"query": …, "type": …, "limit": …, "properties": […],
    "type_strict": …}, …}``; a ``UsageError`` naming ``parameter`` and the query when malformed."""
    try:
        batch = json.loads(raw)
    except ValueError as exc:
        raise _bad(parameter, "", f"not JSON ({exc})") from None
    if not isinstance(batch, dict) or not batch:
        raise _bad(parameter, "", 'expected a JSON object of queries, e.g. {"q0": {"query": "Python"}}')
    if len(batch) > MAX_BATCH:
        raise _bad(parameter, "", f"{len(batch)} queries in one batch; at most {MAX_BATCH}")
    return {key: read_query(value, parameter, key) for key, value in batch.items()}


def read_query(value, parameter: str, key: str) -> Query:
    """One query object of a batch (or a bare string, the name alone)."""
    if isinstance(value, str):
        value = {"query": value}
    if not isinstance(value, dict):
        raise _bad(parameter, key, "a query is a JSON object with a \"query\" string")
    text = value.get("query")
    if not isinstance(text, str) or not label_key(text):
        raise _bad(parameter, key, "\"query\" must be a string with a letter or digit")
    limit = value.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise _bad(parameter, key, f"\"limit\" must be an integer from 1 to {MAX_LIMIT}")
    strict = value.get("type_strict", "any")
    if strict not in ("any", "all", "should"):
        raise _bad(parameter, key, '"type_strict" must be "any", "all" or "should"')
    return Query(text, _query_classes(value.get("type"), parameter, key, strict), strict, limit,
                 _query_properties(value.get("properties", []), parameter, key))


def _query_classes(given, parameter: str, key: str, strict: str) -> frozenset[str] | None:
    if given is None or given == []:
        return None
    wanted = given if isinstance(given, list) else [given]
    sets = []
    for item in wanted:
        type_id = item.get("id") if isinstance(item, dict) else item
        classes = _classes_of(type_id) if isinstance(type_id, str) and type_id else None
        if classes is None:
            raise _bad(parameter, key, f"unknown type {type_id!r}; the service manifest lists the types")
        sets.append(classes)
    if strict == "all":  # an entity has one class: it is of every type asked only where they overlap
        return frozenset.intersection(*sets)
    return frozenset.union(*sets)


def _query_properties(given, parameter: str, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(given, list):
        raise _bad(parameter, key, '"properties" must be a list of {"pid": …, "v": …}')
    read = []
    for item in given:
        if not isinstance(item, dict) or item.get("pid") not in PROPERTIES or "v" not in item:
            pid = item.get("pid") if isinstance(item, dict) else item
            raise _bad(parameter, key, f"unknown property {pid!r}; properties understood: {', '.join(PROPERTIES)}")
        wanted = item["v"] if isinstance(item["v"], list) else [item["v"]]
        texts = [w.get("id") if isinstance(w, dict) else w for w in wanted]
        if not texts or not all(isinstance(t, (str, int, float)) and str(t).strip() for t in texts):
            raise _bad(parameter, key, f"property {item['pid']}: \"v\" must be a string, a number, {{\"id\": …}} "
                                       "or a list of them")
        read.append((item["pid"], tuple(str(t).strip() for t in texts)))
    return tuple(read)


# --- matching ----------------------------------------------------------------------------------------

def name_scores(text: str, held: Index) -> dict[str, tuple[float, str]]:
    """Entity → (score of its best key against ``text``, that key), for those scoring ``MIN_SCORE`` or more.

    A key equal to the text's scores 100. Any other scores the geometric mean of two shares, that of the
    text's words found in the key and that of the key's words found in the text, where a word is found when
    one of the other side is like it (``WORD_LIKE``; a typo counts for how alike the two are); at most 99.
    So one word of a two-word label scores 71, a typo of a one-word label about 85."""
    wanted = label_key(text)
    words = wanted.split()
    like: dict[str, dict[str, float]] = {}  # a word of the text → the words of our keys like it, how alike
    for word in words:
        like[word] = {w: 100 * s for w, s, _ in process.extract(word, held.words, scorer=OSA.normalized_similarity,
                                                                limit=None, score_cutoff=WORD_LIKE / 100)}
    near = {key for found in like.values() for w in found for key in held.keys_with[w]}
    best: dict[str, tuple[float, str]] = {}
    for key in near | ({wanted} & held.by_key.keys()):
        score = 100.0 if key == wanted else min(99.0, _overlap(words, key.split(), like))
        if score >= MIN_SCORE:
            for iri in held.by_key[key]:
                if score > best.get(iri, (-1.0, ""))[0]:
                    best[iri] = (score, key)
    return best


def _overlap(words: list[str], theirs: list[str], like: dict[str, dict[str, float]]) -> float:
    ours = sum(max((like[w].get(t, 0.0) for t in theirs), default=0.0) for w in words) / len(words)
    found = sum(max((like[w].get(t, 0.0) for w in words), default=0.0) for t in theirs) / len(theirs)
    return (ours * found) ** 0.5


def candidates(query: Query, held: Index) -> list[dict]:
    """The candidates of ``query``, best first, in the API's shape."""
    scored = []
    for iri, (score, key) in name_scores(query.text, held).items():
        entity = held.entities[iri]
        if query.classes is not None and not entity.classes & query.classes:
            if query.strict != "should":
                continue
            score *= OTHER_TYPE
        scored.append((score, key, entity))
    scored.sort(key=lambda s: (-s[0], s[2].name(s[1]).casefold(), s[2].iri))
    exact = [s for s in scored if s[0] == 100]
    results = []
    for score, key, entity in scored[:query.limit * 4 if query.properties else query.limit]:
        links = entity_links(entity.iri)
        match = score == 100 and len(exact) == 1
        if query.properties:  # a candidate linked to none of the concepts asked for keeps 3/4 of its score
            share = _properties_held(query.properties, links)
            score, match = score * (0.75 + 0.25 * share), match and share == 1
        results.append(_candidate(entity, key, round(score, 1), match, links))
    results.sort(key=lambda c: -c["score"])
    return results[:query.limit]


def _properties_held(properties, links: list[dict]) -> float:
    """The share of the query's property values that the candidate's links hold."""
    held = {str(v) for link in links for v in (link["target"], link.get("code")) if v is not None}
    asked = [v for _, wanted in properties for v in wanted]
    return sum(v in held for v in asked) / len(asked)


def entity_links(iri: str) -> list[dict]:
    """The published ESCO and ROME links of an entity, one per target, most confident first."""
    seen: dict[str, dict] = {}
    for row in values(queries.get("entity-links").bind({"entity": iri})):
        seen.setdefault(row["target"], row)
    return list(seen.values())


def _candidate(entity: Entity, key: str, score: float, match: bool, links: list[dict]) -> dict:
    return {"id": identifier(entity.iri), "name": entity.name(key), "score": score, "match": match,
            "type": [{"id": c, "name": term_label(c, "en")} for c in CLASSES if c in entity.classes],
            "description": describe(links),
            "features": [{"id": "name_similarity", "value": score}]}


def describe(links: list[dict]) -> str:
    """The concepts an entity is linked to, e.g. "ESCO 2512.4 software developer (close match)"."""
    return "; ".join(" ".join(p for p in (link["taxonomy"], link.get("code"), link.get("label")) if p)
                     + f" ({_RELATIONS.get(link['relation'].rsplit('#', 1)[-1], link['relation'])})"
                     for link in links)


def identifier(iri: str) -> str:
    """A candidate's id: its IRI without the base (the manifest's ``identifierSpace``)."""
    base = base_iri()
    return iri[len(base):] if iri.startswith(base) else iri


def _iri_of(parameter: str) -> str:
    given = request.args.get(parameter, "").strip()
    if not given:
        raise UsageError(f"parameter {parameter} is missing: the id of one of our entities", parameter=parameter)
    return given if "://" in given else base_iri() + given


# --- routes ------------------------------------------------------------------------------------------

def manifest() -> dict:
    """The service manifest: what OpenRefine reads when a person adds the service."""
    root = request.host_url.rstrip("/")
    return {
        "versions": ["0.1", "0.2"],
        "name": "rolegraph: IT roles, skills, tools and qualifications",
        "identifierSpace": base_iri(),
        "schemaSpace": RG_URI,
        "defaultTypes": types(),
        "view": {"url": root + "/id/{{id}}"},
        "preview": {"url": root + "/reconcile/preview?id={{id}}", "width": 430, "height": 140},
        "suggest": {"entity": {"service_url": root, "service_path": "/reconcile/suggest/entity"}},
    }


@blueprint.route("/reconcile", methods=["GET", "POST"])
def service():
    given = request.values
    if "queries" in given:
        held = index()
        return _json({key: {"result": candidates(q, held)} for key, q in read_batch(given["queries"]).items()})
    if "query" in given:  # one query, the older form: a JSON query object or the name alone
        raw = given["query"]
        try:
            value = json.loads(raw) if raw.lstrip().startswith("{") else raw
        except ValueError as exc:
            raise _bad("query", "", f"not JSON ({exc})") from None
        return _json({"result": candidates(read_query(value, "query", ""), index())})
    return _json(manifest())


@blueprint.route("/reconcile/suggest/entity")
def suggest_entity():
    """Entities whose name starts with (or holds) ``prefix``, for OpenRefine's search-as-you-type."""
    prefix = label_key(request.args.get("prefix", ""))
    if not prefix:
        raise UsageError("parameter prefix: a text with a letter or digit to complete", parameter="prefix")
    try:
        cursor = int(request.args.get("cursor", 0))
    except ValueError:
        raise UsageError("parameter cursor: expected a whole number", parameter="cursor") from None
    held = index()
    found: dict[str, tuple[int, str]] = {}
    for key in held.keys:
        rank = 0 if key.startswith(prefix) else 1 if f" {prefix}" in f" {key}" else None
        if rank is not None:
            for iri in held.by_key[key]:
                found[iri] = min(found.get(iri, (2, key)), (rank, key))
    # the closest completion first: a name the prefix opens, then the shortest label it reaches
    ordered = sorted(found, key=lambda i: (found[i][0], len(found[i][1]), held.entities[i].name(found[i][1]).casefold()))
    page = ordered[max(cursor, 0):max(cursor, 0) + DEFAULT_LIMIT * 2]
    return _json({"result": [{"id": identifier(i), "name": held.entities[i].name(found[i][1]),
                              "description": describe(entity_links(i))} for i in page]})


@blueprint.route("/reconcile/preview")
def preview():
    """A small HTML card of one entity, shown by OpenRefine when a person hovers over a candidate."""
    iri = _iri_of("id")
    entity = index().entities.get(iri)
    if entity is None:
        raise NotFound(f"no role, competency, tool or qualification {iri}", parameter="id")
    return render_template("reconcile-preview.html", entity=entity, page="/id/" + identifier(iri),
                           kinds=[term_label(c, "en") for c in CLASSES if c in entity.classes],
                           links=entity_links(iri), relations=_RELATIONS)


def _json(body: dict) -> Response:
    """JSON, or JSONP when a GET names a ``callback`` (as OpenRefine fetches the manifest)."""
    text = json.dumps(body, ensure_ascii=False)
    callback = request.args.get("callback")
    if callback is None:
        return Response(text, content_type="application/json")
    if not _CALLBACK.match(callback):
        raise UsageError("parameter callback: a JavaScript function name (letters, digits, _, $ and .)",
                         parameter="callback")
    return Response(f"/**/{callback}({text});", content_type="application/javascript; charset=utf-8")

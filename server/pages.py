"""Pages for people: the home page (what the graph holds), search by label, and the query page (an
editor, a form for each named query, results as a table in SELECT order, download links to /sparql)."""
from __future__ import annotations

import re
from functools import lru_cache

from flask import Blueprint, redirect, render_template, request, url_for

from rolegraph import queries
from rolegraph.core.errors import QueryError
from rolegraph.core.keys import label_key
from rolegraph.core.vocabulary import PREFIXES, sparql_prologue
from rolegraph.queries.lexer import query_form

from . import i18n
from .executor import Job
from .html import term_label
from .sparql import ask, construct, execute, values
from .void import summary

blueprint = Blueprint("pages", __name__)

#: Rows shown in the page; the download links give the whole answer.
MAX_SHOWN = 500
DOWNLOADS = {"SELECT": ("csv", "tsv", "json", "xml"), "ASK": ("json", "xml"),
             "CONSTRUCT": ("ttl", "nt", "jsonld"), "DESCRIBE": ("ttl", "nt", "jsonld")}
#: Where a taxonomy's credit line is chosen from its dataset's title.
TAXONOMIES = ("ESCO", "ROME")


@blueprint.route("/")
def home():
    facts = summary()
    for row in facts["counts"]:
        row["label"] = term_label(row["class"])
    roles = i18n.localise(facts["roles"])  # listed when the generation was published
    return render_template("home.html", facts=facts, roles=roles, taxonomies=taxonomies_of(facts["datasets"]))


def taxonomies_of(datasets: list[dict]) -> list[str]:
    """The taxonomies (ESCO, ROME) among the imported datasets, each once, to credit."""
    titles = " ".join(str(d.get("title") or "") + " " + str(d.get("graph") or "") for d in datasets).upper()
    return [name for name in TAXONOMIES if name in titles]


@blueprint.route("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), code=301)


#: How many matches the search page lists.
MAX_MATCHES = 50


@blueprint.route("/search")
def search():
    text = request.args.get("q", "").strip()
    matches: list[dict] = []
    if label_key(text):
        matches = values(queries.get("search").bind({"text": text}))[:MAX_MATCHES]
        i18n.localise(matches)
        for row in matches:
            row["kindLabel"] = i18n.text(f"kind.{row['kind']}")
            # the label as written whose key matched, not the key itself
            written = [w for w in (row.pop("labels", "") or "").split("\n") if label_key(w) == row.get("matched")]
            row["matched"] = written[0] if written else row.get("matched")
    return render_template("search.html", search_text=text, matches=matches)


@lru_cache(maxsize=1)
def _examples() -> list[dict]:
    """Each named query with its parameters bound to their examples, ready to run, without the
    project's prologue (the page declares it)."""
    return [{"name": q.name, "title": q.title, "description": q.description, "parameters": q.parameters,
             "text": _without_prologue(q.bind({p.name: p.example for p in q.parameters}))}
            for q in queries.catalogue().values()]


def _without_prologue(text: str) -> str:
    prologue = sparql_prologue()
    return text[len(prologue):] if text.startswith(prologue) else text


def with_prologue(text: str) -> str:
    """``text`` with a PREFIX line for each of the project's prefixes that it does not declare itself."""
    declared = {m.lower() for m in re.findall(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*)?\s*:", text)}
    missing = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p.lower() not in declared)
    return missing + text


@blueprint.route("/query")
def query():
    examples = _examples()
    name = request.args.get("name", "").strip()
    text = request.args.get("query", "").strip()
    context = {"examples": examples, "text": text or examples[0]["text"], "result": None, "error": None,
               "named": None, "values": {}, "prefixes": PREFIXES}
    status = 200
    try:
        if name:
            named = queries.get(name)
            values = {p.name: request.args.get(p.name, "") for p in named.parameters}
            context.update(named=named.name, values=values)
            text = _without_prologue(named.bind(values))
            context["text"] = text
        if text:
            context["result"] = _answer(with_prologue(text))
    except QueryError as error:
        context["error"] = str(error)
        status = 400
    return render_template("query.html", **context), status


def _answer(text: str) -> dict:
    kind = query_form(text)
    result: dict = {"kind": kind, "downloads": [
        (fmt, url_for("sparql.endpoint", query=text, format=fmt)) for fmt in DOWNLOADS[kind]]}
    if kind == "SELECT":
        answer = execute(Job(text))
        rows = [dict(zip(answer.variables, row)) for row in answer.rows]
        result.update(variables=list(answer.variables), rows=rows[:MAX_SHOWN], total=len(rows))
    elif kind == "ASK":
        result.update(boolean=ask(text))
    else:
        triples = construct(text)
        result.update(variables=["subject", "predicate", "object"], total=len(triples),
                      rows=[{"subject": t.subject, "predicate": t.predicate, "object": t.object}
                            for t in triples[:MAX_SHOWN]])
    return result

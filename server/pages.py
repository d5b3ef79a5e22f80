"""Pages for people: the home page (what the graph holds) and the query page (an editor, the named
queries as examples, results as a table, download links to /sparql)."""
from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, render_template, request, url_for

from rolegraph import queries
from rolegraph.core.errors import QueryError
from rolegraph.queries.lexer import query_form

from .api import _plain
from .html import term_label
from .sparql import ask, construct, select
from .void import summary

blueprint = Blueprint("pages", __name__)

#: Rows shown in the page; the download links give the whole answer.
MAX_SHOWN = 500
DOWNLOADS = {"SELECT": ("csv", "tsv", "json", "xml"), "ASK": ("json", "xml"),
             "CONSTRUCT": ("ttl", "nt", "jsonld"), "DESCRIBE": ("ttl", "nt", "jsonld")}


@blueprint.route("/")
def home():
    facts = summary()
    for row in facts["counts"]:
        row["label"] = term_label(row["class"])
    roles = [{k: _plain(v) for k, v in row.items()} for row in select(queries.get("roles").text)]
    return render_template("home.html", facts=facts, roles=roles)


@lru_cache(maxsize=1)
def _examples() -> list[dict]:
    """Each named query with its parameters bound to their examples, ready to run."""
    return [{"name": q.name, "title": q.title, "description": q.description,
             "text": q.bind({p.name: p.example for p in q.parameters})}
            for q in queries.catalogue().values()]


@blueprint.route("/query")
def query():
    examples = _examples()
    text = request.args.get("query", "").strip()
    context = {"examples": examples, "text": text or examples[0]["text"], "result": None, "error": None}
    status = 200
    if text:
        try:
            context["result"] = _answer(text)
        except QueryError as error:
            context["error"] = str(error)
            status = 400
    return render_template("query.html", **context), status


def _answer(text: str) -> dict:
    kind = query_form(text)
    result: dict = {"kind": kind, "downloads": [
        (fmt, url_for("sparql.endpoint", query=text, format=fmt)) for fmt in DOWNLOADS[kind]]}
    if kind == "SELECT":
        rows = select(text)
        names: list[str] = []
        for row in rows:
            names += [n for n in row if n not in names]
        result.update(variables=names, rows=rows[:MAX_SHOWN], total=len(rows))
    elif kind == "ASK":
        result.update(boolean=ask(text))
    else:
        triples = construct(text)
        result.update(variables=["subject", "predicate", "object"], total=len(triples),
                      rows=[{"subject": t.subject, "predicate": t.predicate, "object": t.object}
                            for t in triples[:MAX_SHOWN]])
    return result

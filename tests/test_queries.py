"""Named queries: headers, safe binding, and real answers on the graph built from the seeds."""
import pytest

import queries
from conftest import BASE
from rolegraph.errors import QueryError
from rolegraph.store import open_read_only

BACKEND = BASE + "role/back-end-developer"


def run(store, name, **values):
    text = queries.get(name).bind(values)
    solutions = open_read_only(store).query(text, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]


def test_every_query_has_a_header_and_parses():
    for query in queries.catalogue().values():
        assert query.title and query.description
        assert query.kind in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


def test_a_query_without_header_is_refused(tmp_path):
    path = tmp_path / "bad.rq"
    path.write_text("SELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match="header"):
        queries.parse(path)


def test_binding_checks_types_and_names():
    query = queries.get("role-tools")
    with pytest.raises(QueryError, match="needs parameter role"):
        query.bind({})
    with pytest.raises(QueryError, match="no parameter"):
        query.bind({"role": BACKEND, "other": "x"})
    with pytest.raises(QueryError, match="not a valid iri"):
        query.bind({"role": "not an iri"})
    bound = query.bind({"role": BACKEND})
    assert f"VALUES (?role) {{ (<{BACKEND}>) }}" in bound


def test_counts(built_store):
    counts = {row["class"].rsplit("#", 1)[1]: int(row["count"]) for row in run(built_store, "counts")}
    assert counts["SourceDocument"] == 5 and counts["Role"] >= 10 and counts["Claim"] > 100


def test_fact_evidence_for_postgresql(built_store):
    rows = run(built_store, "fact-evidence", role=BACKEND, value=BASE + "tool/postgresql")
    assert [r["file"] for r in rows] == ["000_7df5e01f5b9bf01d.txt", "003_0187b262fbc294aa.txt"]
    assert {r["quote"] for r in rows} == {"PostgreSQL"} and {r["support"] for r in rows} == {"2"}


def test_fact_sources_by_label_in_either_language(built_store):
    english = run(built_store, "fact-sources-by-label", role_label="Back-end developer", value_label="postgresql")
    french = run(built_store, "fact-sources-by-label", role_label="développeur back-end", value_label="PostgreSQL")
    assert [r["file"] for r in english] == [r["file"] for r in french] == [
        "000_7df5e01f5b9bf01d.txt", "003_0187b262fbc294aa.txt"]


def test_role_competencies_ranked_by_support(built_store):
    rows = run(built_store, "role-competencies", role=BACKEND)
    supports = [int(r["support"]) for r in rows]
    assert supports == sorted(supports, reverse=True)
    top = {r["label"] for r in rows if r["support"] == "4"}
    assert {"Programming", "Web development"} <= top
    kinds = {r["label"]: r["kind"] for r in rows}
    assert kinds["Rigor"] == "soft skill" and kinds["Programming"] == "skill"


def test_role_tools_grouped_by_category(built_store):
    rows = run(built_store, "role-tools", role=BACKEND)
    by_tool = {r["label"]: (r["category"], int(r["support"])) for r in rows}
    assert by_tool["Python"] == ("language", 4) and by_tool["PostgreSQL"] == ("database", 2)
    categories = [r["category"] for r in rows]
    assert categories == sorted(categories)

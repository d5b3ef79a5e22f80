"""Mappings in SSSOM TSV: the export reads back in the SSSOM readers, a curated file wins over the matcher,
and a bad curated file is refused naming its file and line."""
import shutil

import pytest

from conftest import BASE
from rolegraph.cli import main
from rolegraph.loader.mappings import curated_mappings, stored_mappings

HEADER = ("#curie_map:\n#  esco: http://data.europa.eu/esco/\n#  rolegraph: https://w3id.org/rolegraph/id/\n"
          "#  semapv: https://w3id.org/semapv/vocab/\n#  skos: http://www.w3.org/2004/02/skos/core#\n"
          "#mapping_set_id: https://example.org/curated.sssom.tsv\n"
          "subject_id\tpredicate_id\tpredicate_modifier\tobject_id\tmapping_justification\n")
BACK_END = BASE + "role/back-end-developer"


@pytest.fixture()
def store_copy(taxonomy_store, tmp_path):
    copy = tmp_path / "store"
    shutil.copytree(taxonomy_store, copy, symlinks=True)
    return copy


def test_the_export_loads_in_the_sssom_reader(runner, taxonomy_store, tmp_path):
    import sssom_pydantic

    out = tmp_path / "links.sssom.tsv"
    result = runner.invoke(main, ["--store", str(taxonomy_store), "mappings", "export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    mappings, _converter, _set = sssom_pydantic.read(out)
    stored = stored_mappings(taxonomy_store, BASE)
    assert len(mappings) == len(stored) > 0
    assert {m.predicate.curie for m in mappings} <= {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch",
                                                    "skos:relatedMatch"}
    assert all(m.confidence is not None for m in mappings)


def test_the_export_round_trips_through_the_sssom_package(runner, taxonomy_store, tmp_path):
    """The reference reader of the SSSOM community (the ``sssom`` package) reads every exported mapping back with
    its subject, predicate, object, modifier and confidence."""
    from sssom.parsers import parse_sssom_table

    out = tmp_path / "links.sssom.tsv"
    result = runner.invoke(main, ["--store", str(taxonomy_store), "mappings", "export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    table = parse_sssom_table(out)
    expand = lambda curie: table.converter.expand(curie, strict=True)
    read = sorted((expand(r["subject_id"]), expand(r["predicate_id"]).rsplit("#", 1)[-1], expand(r["object_id"]),
                   r.get("predicate_modifier") == "Not", round(float(r["confidence"]), 4))
                  for r in table.df.to_dict("records"))
    stored = sorted((m["subject"], m["predicate"], m["object"], m["negated"], round(m["confidence"], 4))
                    for m in stored_mappings(taxonomy_store, BASE))
    assert read == stored and len(stored) > 50  # 70 on the fixture exports, thousands on the real ones
    assert table.metadata["mapping_set_id"] == f"{BASE}graph/links.sssom.tsv"


def test_a_rejection_removes_a_link_and_an_acceptance_adds_one(runner, store_copy, tmp_path):
    before = [r for r in stored_mappings(store_copy, BASE) if r["subject"] == BACK_END and r["published"]]
    rejected = before[0]["object"]
    extra = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"  # software developer
    extra = extra if extra != rejected else before[1]["object"]
    assert rejected != extra
    file = tmp_path / "curated.sssom.tsv"
    compact = lambda iri: iri.replace(BASE, "rolegraph:").replace("http://data.europa.eu/esco/", "esco:")  # noqa: E731
    file.write_text(HEADER + f"rolegraph:role/back-end-developer\tskos:{before[0]['predicate']}\tNot\t{compact(rejected)}"
                    "\tsemapv:ManualMappingCuration\n"
                    f"rolegraph:role/back-end-developer\tskos:relatedMatch\t\t{compact(extra)}\tsemapv:ManualMappingCuration\n",
                    encoding="utf-8")
    result = runner.invoke(main, ["--store", str(store_copy), "link", "--mappings", str(file)])
    assert result.exit_code == 0, result.output
    after = {(r["object"], r["published"], r["negated"], r["predicate"]) for r in stored_mappings(store_copy, BASE)
             if r["subject"] == BACK_END}
    assert (rejected, True) not in {(o, p) for o, p, _, _ in after}
    assert any(o == rejected and n for o, _, n, _ in after)  # kept, as rejected, among the candidates
    assert (extra, True, False, "relatedMatch") in after


@pytest.mark.parametrize("row, says", [
    ("rolegraph:role/x\tskos:sameAs\t\tesco:skill/y\tsemapv:ManualMappingCuration\n", "predicate_id"),
    ("rolegraph:role/x\tskos:closeMatch\t\tesco:skill/y\tsemapv:LexicalMatching\n", "ManualMappingCuration"),
    ("rolegraph:role/x\tskos:closeMatch\tMaybe\tesco:skill/y\tsemapv:ManualMappingCuration\n", "predicate_modifier"),
    ("nowhere:x\tskos:closeMatch\t\tesco:skill/y\tsemapv:ManualMappingCuration\n", ""),
])
def test_a_bad_row_is_refused_naming_the_file_and_line(runner, store_copy, tmp_path, row, says):
    file = tmp_path / "bad.sssom.tsv"
    good = "rolegraph:role/x\tskos:closeMatch\t\tesco:skill/z\tsemapv:ManualMappingCuration\n"
    file.write_text(HEADER + good + row, encoding="utf-8")
    line = HEADER.count("\n") + 2
    result = runner.invoke(main, ["--store", str(store_copy), "link", "--mappings", str(file)])
    assert result.exit_code == 2, result.output
    assert f"{file}:{line}:" in result.output and says in result.output
    assert "Traceback" not in result.output


def test_the_curated_file_of_the_project_reads():
    found = curated_mappings(None, BASE)
    assert all(not c.negated or c.predicate for c in found)
    assert {c.subject for c in found} <= {BACK_END, BASE + "role/business-analyst"}
    # the reviewed sample judged the management business analyst wrong for ours: rejected, not accepted
    assert [c.negated for c in found if c.subject == BASE + "role/business-analyst"] == [True]


def test_the_curated_verdicts_are_read_again_when_the_file_changes_and_a_bad_file_is_never_cached(tmp_path):
    from rolegraph.core.errors import InputError

    cache, file = tmp_path / "cache", tmp_path / "curated.sssom.tsv"
    accept = "rolegraph:role/x\tskos:closeMatch\t\tesco:skill/{}\tsemapv:ManualMappingCuration\n"
    file.write_text(HEADER + accept.format("y"), encoding="utf-8")
    first = curated_mappings(file, BASE, cache)
    assert [v.target for v in first] == ["http://data.europa.eu/esco/skill/y"] and list(cache.glob("curated-*"))
    assert curated_mappings(file, BASE, cache) == first
    file.write_text(HEADER + accept.format("z"), encoding="utf-8")
    assert [v.target for v in curated_mappings(file, BASE, cache)] == ["http://data.europa.eu/esco/skill/z"]
    file.write_text(HEADER + "rolegraph:role/x\tskos:sameAs\t\tesco:skill/y\tsemapv:ManualMappingCuration\n", encoding="utf-8")
    for _ in range(2):  # refused each time, naming the line
        with pytest.raises(InputError, match=f"{file}:8: predicate_id"):
            curated_mappings(file, BASE, cache)

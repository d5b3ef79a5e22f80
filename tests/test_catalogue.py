"""A living corpus: `add`, `remove` and `documents` keep the published document set, each publishing one
generation; the graph after any sequence of them is the graph a fresh `build` of the final set publishes."""
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings, strategies as st
from rdflib.compare import isomorphic

from conftest import BASE, CORPUS, SAMPLES
from rolegraph.cli import main
from rolegraph.core.errors import UsageError
from rolegraph.core.naming import CANDIDATES_GRAPH, FICHES_GRAPH, LINKS_GRAPH, RETIRED_GRAPH, graph_iri
from rolegraph.core.store import current_generation, open_read_only, open_store
from rolegraph.loader.build import add, build, documents, remove
from rolegraph.queries.summary import gather, stored

POOL = sorted([*CORPUS.iterdir(), *SAMPLES.iterdir()])
DCTERMS_MODIFIED = "http://purl.org/dc/terms/modified"


def graph(store: Path, name: str) -> rdflib.Graph:
    """One named graph of the published generation, without its generation metadata (the links' date)."""
    reader = open_read_only(store)
    quads = reader.quads_for_pattern(None, None, None, ox.NamedNode(str(graph_iri(BASE, name))))
    data = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads
                         if q.predicate.value != DCTERMS_MODIFIED], format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data, format="nt")


def same_graphs(store: Path, reference: Path) -> bool:
    return all(isomorphic(graph(store, name), graph(reference, name)) for name in (FICHES_GRAPH, LINKS_GRAPH, CANDIDATES_GRAPH))


def copy(name: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    source = next(p for p in POOL if p.name == name)
    return Path(shutil.copy(source, folder / name))


def files(store: Path) -> list[str]:
    return sorted(e.name for e in documents(store))


def test_add_keeps_the_set_and_the_same_content_twice_changes_nothing(tmp_path):
    store = tmp_path / "store"
    build([CORPUS], store, BASE)
    result = add([SAMPLES / "data-engineer.html"], store, BASE)
    assert result.added == ["data-engineer.html"] and result.documents == 7 and result.generation == "000002"
    assert files(store) == sorted([p.name for p in CORPUS.iterdir()] + ["data-engineer.html"])
    again = add([SAMPLES / "data-engineer.html", CORPUS / "testeur-logiciel.md"], store, BASE)
    assert again.unchanged == ["data-engineer.html", "testeur-logiciel.md"] and not again.changed
    assert current_generation(store).name == "000002"  # nothing was published
    reference = tmp_path / "reference"
    build([CORPUS, SAMPLES / "data-engineer.html"], reference, BASE)
    assert same_graphs(store, reference)


def test_a_changed_file_replaces_its_earlier_version_and_the_old_iri_is_retired(tmp_path):
    store, folder = tmp_path / "store", tmp_path / "docs"
    path = copy("ingenieur-devops.md", folder)
    first = add([path, SAMPLES / "data-engineer.html"], store, BASE)
    assert sorted(first.added) == ["data-engineer.html", "ingenieur-devops.md"]
    old = next(e for e in documents(store) if e.name == "ingenieur-devops.md")
    path.write_text(path.read_text(encoding="utf-8").replace("Ansible", "Puppet"), encoding="utf-8")
    second = add([path], store, BASE)
    assert second.replaced == ["ingenieur-devops.md"] and second.added == [] and second.documents == 2
    new = next(e for e in documents(store) if e.name == "ingenieur-devops.md")
    assert new.checksum != old.checksum and new.source == str(path.resolve())
    retired = graph(store, RETIRED_GRAPH)
    old_iri = rdflib.URIRef(old.iri)
    assert (old_iri, rdflib.OWL.deprecated, rdflib.Literal(True)) in retired
    assert (old_iri, rdflib.DCTERMS.isReplacedBy, rdflib.URIRef(new.iri)) in retired
    reference = tmp_path / "reference"
    build([path, SAMPLES / "data-engineer.html"], reference, BASE)
    assert same_graphs(store, reference)


def test_remove_by_path_name_or_iri_and_an_unknown_name_publishes_nothing(tmp_path):
    store = tmp_path / "store"
    build([CORPUS], store, BASE)
    entries = {e.name: e for e in documents(store)}
    generation = current_generation(store)
    with pytest.raises(UsageError, match="no document 'nothere.md' in the store"):
        remove(["testeur-logiciel.md", "nothere.md"], store, BASE)
    assert current_generation(store) == generation and len(documents(store)) == 6
    result = remove([str(CORPUS / "testeur-logiciel.md"), "front-end-developer.html",
                     entries["developpeuse-api.html"].iri], store, BASE)
    assert result.removed == ["developpeuse-api.html", "front-end-developer.html", "testeur-logiciel.md"]
    assert files(store) == ["backend-developer.md", "developpeur-back-end.txt", "server-side-engineer.txt"]
    reference = tmp_path / "reference"
    build([CORPUS / n for n in files(store)], reference, BASE)
    assert same_graphs(store, reference)
    # What only the removed documents stated is retired: the test engineer role, for one.
    retired = graph(store, RETIRED_GRAPH)
    assert (rdflib.URIRef(f"{BASE}role/test-engineer"), rdflib.OWL.deprecated, rdflib.Literal(True)) in retired


def test_the_cli_adds_lists_and_removes_and_build_says_it_replaces_the_set(tmp_path, runner, write):
    store = str(tmp_path / "store")
    broken = write("docs/broken.txt", b"\x00\x00\x01\x02")
    built = runner.invoke(main, ["--store", store, "build", str(CORPUS / "testeur-logiciel.md")])
    assert built.exit_code == 0, built.output
    assert "the document set was replaced by these 1" in built.output
    assert "REPLACING the document set" in " ".join(runner.invoke(main, ["build", "--help"]).output.split())
    added = runner.invoke(main, ["--store", store, "add", "--json", str(SAMPLES / "data-engineer.html"), str(broken)])
    assert added.exit_code == 0, added.output
    assert "skipped: cannot read" in added.stderr or "broken.txt" in added.stderr
    summary = json.loads(added.stdout[added.stdout.index("{"):])
    assert summary["set"] == "kept" and summary["added"] == ["data-engineer.html"] and summary["documents"] == 2
    assert summary["failures"] and "broken.txt" in summary["failures"][0]
    listed = runner.invoke(main, ["--store", store, "documents", "--json"])
    rows = json.loads(listed.output)
    assert [(r["name"], r["language"], r["facts"] > 0) for r in rows] == [
        ("data-engineer.html", "en", True), ("testeur-logiciel.md", "fr", True)]
    assert all(len(r["checksum"]) == 64 and r["added"].endswith("+00:00") for r in rows)
    table = runner.invoke(main, ["--store", store, "documents"]).output
    assert "testeur-logiciel.md" in table and rows[0]["checksum"][:16] in table and "2 document(s)" in table
    unknown = runner.invoke(main, ["--store", store, "remove", "nothere.md"])
    assert unknown.exit_code == 2 and "no document 'nothere.md'" in unknown.stderr
    assert current_generation(Path(store)).name == "000002"
    removed = runner.invoke(main, ["--store", store, "remove", "data-engineer.html"])
    assert removed.exit_code == 0 and "1 removed; 1 in the store" in removed.output
    assert current_generation(Path(store)).name == "000003"


# ---------------------------------------------------------------- any sequence, the graph of a fresh build

#: A step: add a document of the pool as it is, add it edited (a changed file at the same path), remove it.
STEPS = st.lists(st.tuples(st.sampled_from(["add", "edit", "remove"]), st.sampled_from([p.name for p in POOL])),
                 min_size=1, max_size=3)


@pytest.fixture(scope="module")
def sequence_store(tmp_path_factory):
    """One store that the examples carry on from (each starts where the last one ended)."""
    folder = tmp_path_factory.mktemp("sequence")
    return {"store": folder / "store", "docs": folder / "docs", "fresh": folder, "builds": 0}


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          derandomize=True)
@given(steps=STEPS)
def test_any_sequence_of_adds_and_removes_gives_the_graph_of_a_fresh_build(sequence_store, steps):
    store, docs = sequence_store["store"], sequence_store["docs"]
    for action, name in steps:
        built = {e.name for e in documents(store)}
        if action == "remove":
            if name in built:
                remove([name], store, BASE)
            else:
                with pytest.raises(UsageError):
                    remove([name], store, BASE)
            continue
        path = copy(name, docs)
        if action == "edit":  # a changed version of the file: one more line
            path.write_text(path.read_text(encoding="utf-8") + "\nOutils : Git et Jira.\n", encoding="utf-8")
        add([path], store, BASE)
    final = sorted(docs / e.name for e in documents(store))
    assert {e.source for e in documents(store)} == {str(p.resolve()) for p in final}
    # The summary each change stored (what it counted again, and the roles it listed again) is the one
    # that counting the whole generation gives.
    if open_store(store).generation is not None:
        published = open_store(store).open()
        assert stored(published) == gather(published)
    if not final:
        assert len(graph(store, FICHES_GRAPH)) == 0
        return
    sequence_store["builds"] += 1
    reference = sequence_store["fresh"] / f"fresh-{sequence_store['builds']}"
    build(final, reference, BASE)
    assert same_graphs(store, reference)


def imported(store: Path) -> None:
    """Our tiny ESCO- and ROME-shaped exports imported into ``store``, the last import relinking."""
    from conftest import FIXTURE_EXPORTS
    from rolegraph.loader.lexicon import load_lexicon
    from rolegraph.loader.link import relink
    from rolegraph.loader.taxonomies.esco import import_esco
    from rolegraph.loader.taxonomies.rome import import_rome

    import_esco(store, FIXTURE_EXPORTS.esco_en, BASE)
    import_rome(store, FIXTURE_EXPORTS.rome, BASE, then=lambda s: relink(s, BASE, load_lexicon()))


def test_adds_and_removes_after_the_imports_relink_as_a_fresh_build_and_import_would(tmp_path):
    store = tmp_path / "store"
    build([CORPUS], store, BASE)
    imported(store)
    add([SAMPLES], store, BASE)
    remove(["backend-developer.md", "testeur-logiciel.md"], store, BASE)
    assert len(graph(store, LINKS_GRAPH)) > 50
    reference = tmp_path / "reference"
    build([CORPUS / n for n in files(store) if (CORPUS / n).exists()] + [SAMPLES], reference, BASE)
    imported(reference)
    assert files(store) == files(reference)
    assert same_graphs(store, reference)


def test_an_import_that_did_not_relink_makes_the_next_add_link_every_entity(tmp_path):
    from conftest import FIXTURE_EXPORTS
    from rolegraph.loader.taxonomies.esco import import_esco

    store = tmp_path / "store"
    build([CORPUS], store, BASE)
    import_esco(store, FIXTURE_EXPORTS.esco_en, BASE)  # the library call, without its relinking step
    assert len(graph(store, LINKS_GRAPH)) == 0
    add([SAMPLES / "data-engineer.html"], store, BASE)
    reference = tmp_path / "reference"
    build([CORPUS, SAMPLES / "data-engineer.html"], reference, BASE)
    import_esco(reference, FIXTURE_EXPORTS.esco_en, BASE)
    from rolegraph.loader.link import link
    link(reference, BASE)
    assert len(graph(reference, LINKS_GRAPH)) > 0 and same_graphs(store, reference)


def test_an_add_with_other_link_options_relinks_every_entity_as_a_fresh_link_would(tmp_path):
    from rolegraph.loader.link import LinkOptions, link

    store = tmp_path / "store"
    build([CORPUS], store, BASE)
    imported(store)  # linked with the default options
    published, candidates = len(graph(store, LINKS_GRAPH)), len(graph(store, CANDIDATES_GRAPH))
    strict = LinkOptions(min_confidence=0.99)
    add([SAMPLES / "data-engineer.html"], store, BASE, link_options=strict)
    reference = tmp_path / "reference"
    build([CORPUS, SAMPLES / "data-engineer.html"], reference, BASE)
    imported(reference)
    link(reference, BASE, options=strict)
    assert same_graphs(store, reference)
    # the unchanged entities' links were judged again by the stricter floor
    assert len(graph(store, LINKS_GRAPH)) < published and len(graph(store, CANDIDATES_GRAPH)) > candidates


def test_a_store_without_the_entity_index_has_it_rebuilt_once_from_the_parts(tmp_path):
    """A store written before the index was kept (only its parts) changes as a fresh build would."""
    from rolegraph.core.store import state_folder
    from rolegraph.loader.catalogue import INDEX

    store = tmp_path / "store"
    build([CORPUS], store, BASE)
    index = state_folder(current_generation(store)) / INDEX
    assert index.is_file()
    index.unlink()
    add([SAMPLES / "data-engineer.html"], store, BASE)
    remove(["testeur-logiciel.md"], store, BASE)
    assert (state_folder(current_generation(store)) / INDEX).is_file()
    reference = tmp_path / "reference"
    build([p for p in CORPUS.iterdir() if p.name != "testeur-logiciel.md"] + [SAMPLES / "data-engineer.html"],
          reference, BASE)
    assert same_graphs(store, reference)
    assert graph(store, RETIRED_GRAPH).value(predicate=rdflib.RDFS.label, object=rdflib.Literal("testeur-logiciel.md")) is not None


def test_an_add_keeps_the_taxonomies_link_tables_in_the_store_cache_and_reads_them_back(tmp_path, monkeypatch):
    """Relinking after an add reads the taxonomies' labels once: their tables are kept in the store's
    cache/ folder by default, and the next add in a new process loads them instead of the labels."""
    import rolegraph.loader.link as link

    store = tmp_path / "store"
    build([CORPUS], store, BASE)
    imported(store)
    link._TABLES.clear()  # each add as a new process would run it
    add([SAMPLES / "data-engineer.html"], store, BASE)
    assert len(list((store / "cache").glob("links-*.pickle"))) == 1
    link._TABLES.clear()

    def no_labels(*args, **kwargs):
        raise AssertionError("the labels were read again")

    monkeypatch.setattr(link, "_indexes", no_labels)
    add([SAMPLES / "ingenieur-devops.md"], store, BASE)
    assert len(graph(store, LINKS_GRAPH)) > 50


def test_an_add_after_the_first_reads_the_link_tables_key_by_key_and_links_as_a_fresh_build(tmp_path, monkeypatch):
    """The few entities an add or remove links again are matched against the tables' SQLite file in the
    cache, read key by key: no pickle is loaded and no label is read, and the links are those of a fresh
    build and import of the same documents."""
    import rolegraph.loader.link as link

    store = tmp_path / "store"
    build([CORPUS], store, BASE)
    imported(store)
    link._TABLES.clear()
    add([SAMPLES / "data-engineer.html"], store, BASE)  # the tables are made once, and kept in both forms
    assert len(list((store / "cache").glob("links-*.sqlite"))) == 1

    def loaded(*args, **kwargs):
        raise AssertionError("the tables were loaded whole")

    monkeypatch.setattr(link, "_indexes", loaded)
    monkeypatch.setattr(link, "load_cached", loaded)
    for change in (lambda: add([SAMPLES / "ingenieur-devops.md"], store, BASE),
                   lambda: remove(["backend-developer.md"], store, BASE)):
        link._TABLES.clear()  # each change as a new process would run it
        change()
    monkeypatch.undo()
    reference = tmp_path / "reference"
    build([CORPUS / n for n in files(store) if (CORPUS / n).exists()] + [SAMPLES / "data-engineer.html",
                                                                         SAMPLES / "ingenieur-devops.md"], reference, BASE)
    imported(reference)
    assert files(store) == files(reference)
    assert len(graph(store, LINKS_GRAPH)) > 50
    assert same_graphs(store, reference)

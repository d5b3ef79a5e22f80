"""A store written by an earlier rolegraph (store format 1: generations without state) is never misread:
every command refuses it naming `rolegraph migrate` (exit 3), which keeps its graphs."""
import shutil

import pytest

from conftest import BASE, SAMPLES
from rolegraph.cli import main
from rolegraph.core.errors import StoreError
from rolegraph.core.store import FORMAT_FILE, GENERATIONS, current_generation, open_store, state_folder
from rolegraph.loader.build import build, documents


def old_store(folder):
    """A store as an earlier version left it: the same database, no state folders, no format file."""
    store = folder / "store"
    build([SAMPLES / "data-engineer.html"], store, BASE)
    (store / FORMAT_FILE).unlink()
    for state in (store / GENERATIONS).glob("*.state"):
        shutil.rmtree(state)
    return store


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def test_an_old_store_is_refused_with_the_command_that_fixes_it(tmp_path, runner):
    store = old_store(tmp_path)
    with pytest.raises(StoreError, match=r"earlier rolegraph \(store format 1.*rolegraph --store .* migrate"):
        open_store(store).open()
    for command in (["documents"], ["query", "counts"], ["add", str(SAMPLES / "ingenieur-devops.md")],
                    ["build", str(SAMPLES / "ingenieur-devops.md")]):
        result = runner.invoke(main, ["--store", str(store), *command])
        assert result.exit_code == 3, (command, result.output)
        assert f"rolegraph --store {store} migrate" in result.stderr
    assert current_generation(store).name == "000001"  # nothing was published


def test_migrate_keeps_the_graphs_then_asks_for_one_build_before_add(tmp_path, runner):
    store = old_store(tmp_path)
    migrated = runner.invoke(main, ["--store", str(store), "migrate"])
    assert migrated.exit_code == 0, migrated.output
    assert "from store format 1 to 2" in migrated.output and "1 document(s) kept" in migrated.output
    generation = current_generation(store)
    assert generation.name == "000002" and state_folder(generation).is_dir()
    listed = documents(store)
    assert [(e.name, e.part) for e in listed] == [("data-engineer.html", None)]
    assert int(next(iter(open_store(store).query(COUNT)))["n"].value) > 1000
    added = runner.invoke(main, ["--store", str(store), "add", str(SAMPLES / "ingenieur-devops.md")])
    assert added.exit_code == 3 and "rebuild them once with `rolegraph build DOCS...`" in added.stderr
    assert runner.invoke(main, ["--store", str(store), "build", str(SAMPLES)]).exit_code == 0
    assert runner.invoke(main, ["--store", str(store), "remove", "data-engineer.html"]).exit_code == 0
    again = runner.invoke(main, ["--store", str(store), "migrate"])
    assert again.exit_code == 0 and "already in store format 2; nothing to migrate" in again.output

"""The store interface that the loader and the server use: opening, querying, publishing a change,
the current generation; and the rule that nothing else opens the database."""
import ast
import threading

import pytest

from rolegraph.core.errors import StoreError, StoreLocked
from rolegraph.core.store import GENERATIONS, EmbeddedStore, open_store
from test_layout import imports, modules

GRAPH = "https://example.org/graph"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"


def insert(value: str) -> str:
    return f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <https://example.org/s> <https://example.org/p> "{value}" }} }}'


def values(source) -> list[str]:
    """The objects in GRAPH, read through ``query`` (a Store or a Snapshot)."""
    text = f"SELECT ?o WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} ORDER BY ?o"
    return [row["o"].value for row in source.query(text)]


def test_a_store_with_nothing_published_cannot_be_opened_and_the_error_names_it(tmp_path):
    root = tmp_path / "store"
    store = open_store(root)
    assert store.generation is None and store.published_at is None
    for read in (store.open, lambda: store.query(COUNT)):
        with pytest.raises(StoreError) as caught:
            read()
        assert str(root) in str(caught.value) and caught.value.details["store"] == str(root)


def test_open_store_takes_the_settings_a_folder_or_a_store(tmp_path):
    root = tmp_path / "store"
    by_settings, by_folder = open_store({"store": str(root), "base_iri": "x"}), open_store(root)
    assert isinstance(by_settings, EmbeddedStore) and by_settings.location == by_folder.location == str(root)
    assert open_store(by_folder) is by_folder


def test_each_publication_advances_the_generation(tmp_path):
    store = open_store(tmp_path / "store")
    names = []
    for value in ("a", "b", "c"):
        with store.publishing() as writable:
            writable.update(insert(value))
        names.append(store.generation)
    assert names == ["000001", "000002", "000003"]
    assert store.open().generation == "000003" and store.published_at is not None
    assert values(store) == ["a", "b", "c"]


def test_a_snapshot_keeps_its_generation_and_open_follows_the_published_one(tmp_path):
    store = open_store(tmp_path / "store")
    with store.publishing() as writable:
        writable.update(insert("a"))
    first = store.open()
    assert store.open() is first  # reused while its generation is the published one
    with open_store(tmp_path / "store").publishing() as writable:  # another handle, as another process
        writable.update(insert("b"))
    assert (first.generation, values(first)) == ("000001", ["a"])
    latest = store.open()
    assert (latest.generation, values(latest)) == ("000002", ["a", "b"])


def change_half_way(store, value: str) -> None:
    """A change that fails after writing ``value``; it sees its own write, as a change does."""
    with store.publishing() as writable:
        writable.update(insert(value))
        assert value in values(writable)
        raise RuntimeError("half-way")


def test_a_failing_change_publishes_nothing(tmp_path):
    store = open_store(tmp_path / "store")
    with store.publishing() as writable:
        writable.update(insert("a"))
    with pytest.raises(RuntimeError, match="half-way"):
        change_half_way(store, "b")
    assert store.generation == "000001" and values(store) == ["a"]
    with store.publishing() as writable:
        writable.update(insert("c"))
    # Its folder is gone and its number is not given again by this process, where a result of the failed
    # change may still hold that database open; its data is not there.
    assert store.generation == "000003" and values(store) == ["a", "c"]
    assert sorted(p.name for p in (tmp_path / "store" / GENERATIONS).iterdir()) == [
        "000001", "000001.state", "000003", "000003.state"]


def test_a_failed_change_holds_nothing_open_for_the_next(tmp_path):
    store = open_store(tmp_path / "store")
    kept = []
    with pytest.raises(RuntimeError, match="half-way"):
        with store.publishing() as writable:
            kept.append(writable)  # as the frames of a traceback keep it, until a garbage collection
            results = writable.query("SELECT * { ?s ?p ?o }")
            kept.append(results)  # a result still open on the database
            raise RuntimeError("half-way")
    with store.publishing() as writable:  # at once, in the same process
        writable.update(insert("a"))
    assert values(store) == ["a"]
    with pytest.raises(StoreError, match="has ended"):
        kept[0].update(insert("b"))


def test_a_first_change_that_fails_leaves_the_store_unpublished(tmp_path):
    store = open_store(tmp_path / "store")
    with pytest.raises(RuntimeError, match="half-way"):
        change_half_way(store, "a")
    assert store.generation is None
    with pytest.raises(StoreError):
        store.open()


def test_queries_take_the_options_of_the_sparql_dataset(tmp_path):
    store = open_store(tmp_path / "store")
    with store.publishing() as writable:
        writable.update(insert("a"))
    union = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert next(iter(store.query(union)))["n"].value == "0"  # the default graph is empty
    assert next(iter(store.query(union, use_default_graph_as_union=True)))["n"].value == "1"
    assert bool(store.query(f"ASK {{ GRAPH <{GRAPH}> {{ ?s ?p 'a' }} }}"))


def test_one_writer_at_a_time_and_its_own_publication_inside_its_lock(tmp_path):
    store = open_store(tmp_path / "store")
    refused = []

    def second_writer() -> None:
        try:
            with open_store(tmp_path / "store").publishing():
                pass
        except StoreLocked as error:
            refused.append(error)

    with store.writing():
        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join()
        with store.publishing() as writable:  # the lock holder publishes without taking it again
            writable.update(insert("a"))
    assert len(refused) == 1 and str(tmp_path / "store") in str(refused[0])
    assert store.generation == "000001"


# ---------------------------------------------------------------- only the store module opens the database

STORE_MODULE = "rolegraph.core.store"
#: What code outside the store module may take from it: the interface, nothing of the embedded layout.
INTERFACE = {"Store", "Snapshot", "Readable", "Writable", "open_store"}


def pyoxigraph_store_uses(source: str) -> list[int]:
    """Lines of ``source`` that name ``pyoxigraph.Store`` (to construct it, open it read-only …)."""
    tree = ast.parse(source)
    modules_named, lines = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules_named |= {alias.asname or alias.name for alias in node.names if alias.name == "pyoxigraph"}
        elif isinstance(node, ast.ImportFrom) and node.module == "pyoxigraph":
            lines += [node.lineno for alias in node.names if alias.name == "Store"]
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr == "Store" and isinstance(node.value, ast.Name)
                and node.value.id in modules_named):
            lines.append(node.lineno)
    return sorted(lines)


def test_the_rule_reader_sees_every_way_of_naming_the_database():
    probe = ("import pyoxigraph as ox\nimport pyoxigraph\nfrom pyoxigraph import Store as S\n"
             "a = ox.Store('x')\nb = pyoxigraph.Store.read_only('y')\nc = ox.NamedNode('urn:z')\n")
    assert pyoxigraph_store_uses(probe) == [3, 4, 5]


def test_only_the_store_module_opens_the_database():
    found = {module: pyoxigraph_store_uses(path.read_text(encoding="utf-8")) for module, path in modules().items()}
    assert {module for module, lines in found.items() if lines} == {STORE_MODULE}


def test_other_modules_use_only_the_interface_of_the_store_module():
    taken = {module: {name.removeprefix(STORE_MODULE + ".") for name in imports(module, path)
                      if name.startswith(STORE_MODULE + ".")}
             for module, path in modules().items() if module != STORE_MODULE}
    assert taken["rolegraph.loader.build"] == {"open_store"}  # the reader sees what a module takes
    assert taken["rolegraph.core.export"] >= {"open_store"}  # relative imports too
    assert {module: sorted(names - INTERFACE) for module, names in taken.items() if names - INTERFACE} == {}


def test_a_change_can_start_from_a_kept_base_with_the_published_state(tmp_path):
    """``keep_base`` checkpoints a change's database as it was then; a later change started from it has
    that database and the published generation's state files, and an unknown base is refused."""
    store = open_store(tmp_path / "store")
    with store.publishing() as writable:
        writable.update(insert("taxonomy"))
        writable.keep_base("taxonomies")
        writable.update(insert("document"))
        writable.put_state("documents.json", b"one")
    assert store.has_base("taxonomies") and not store.has_base("other")
    with store.publishing(base="taxonomies") as writable:
        assert values(writable) == ["taxonomy"] and writable.state("documents.json") == b"one"
        writable.update(insert("new document"))
    assert values(store) == ["new document", "taxonomy"]
    with pytest.raises(StoreError, match="no base 'other'"):
        with store.publishing(base="other"):
            pass
    assert store.generation == "000002"


def test_keeping_a_base_replaces_the_other_and_a_half_written_one_is_never_used(tmp_path):
    store = open_store(tmp_path / "store")
    with store.publishing() as writable:
        writable.update(insert("a"))
        writable.keep_base("first")
    (tmp_path / "store" / "bases" / ".second.12345").mkdir()  # what a writer killed while keeping it leaves
    assert not store.has_base("second")
    with store.publishing() as writable:
        writable.update(insert("b"))
        writable.keep_base("second")
    assert sorted(p.name for p in (tmp_path / "store" / "bases").iterdir()) == ["second"]
    with store.publishing(base="second") as writable:
        assert values(writable) == ["a", "b"]

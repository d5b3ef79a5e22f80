"""Crash safety of the real CLI: `rolegraph build` killed with SIGKILL at random points leaves the store
opening on the previous graph, and a second build started while one runs is refused, not interleaved."""
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import to_isomorphic

from conftest import BASE, ROOT, SAMPLES
from loader.build import build
from rolegraph.store import GENERATIONS, current_generation, open_read_only

TRIALS = 12


def rolegraph(store: Path, *args: str) -> subprocess.Popen:
    """The real command in its own process, as a user runs it (the worktree's code: cwd is the root)."""
    return subprocess.Popen([sys.executable, "-m", "rolegraph", "--store", str(store), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def snapshot(store: Path) -> dict:
    """What a reader sees: the published generation's graphs, each as an isomorphism-comparable graph."""
    reader = open_read_only(store)  # must open cleanly
    graphs: dict[str, rdflib.Graph] = {}
    for name in reader.named_graphs():
        quads = reader.quads_for_pattern(None, None, None, name)
        data = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES)
        graphs[name.value] = to_isomorphic(rdflib.Graph().parse(data=data, format="nt"))
    return graphs


def fiche(folder: Path, lines: int) -> Path:
    """A long job profile of our own, so that a build lasts long enough to be caught at work."""
    folder.mkdir(parents=True, exist_ok=True)
    block = ("- Le développeur back-end maîtrise Python, SQL et Docker ; il travaille avec le chef de projet.\n"
             "Salaire : de 38 000 à 46 000 euros brut par an pour un junior.\n")
    path = folder / "developpeur.md"
    path.write_text("# Développeur back-end\n\n## Compétences\n\n" + block * lines, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """A store with a first graph published (one sample), and the figures of a full CLI build of the
    other documents on top of it: its duration and the graph it publishes."""
    tmp = tmp_path_factory.mktemp("crash")
    docs = [str(SAMPLES), str(fiche(tmp / "docs", 300))]
    previous = tmp / "store"
    build([SAMPLES / "data-engineer.html"], previous, BASE)
    reference = tmp / "reference"
    build([SAMPLES / "data-engineer.html"], reference, BASE)
    started = time.monotonic()
    process = rolegraph(reference, "build", *docs)
    out, err = process.communicate(timeout=300)
    duration = time.monotonic() - started
    assert process.returncode == 0, err.decode()
    return {"store": previous, "docs": docs, "duration": duration, "before": snapshot(previous),
            "generation": current_generation(previous), "after": snapshot(reference)}


def test_a_build_killed_at_random_points_leaves_the_previous_graph(stores):
    store, rng = stores["store"], random.Random(20261121)
    assert stores["before"] != stores["after"]
    outcomes, delays = [], []
    for trial in range(TRIALS):
        # One random delay in each of TRIALS equal slices of the build's duration (and a little after:
        # a build under load lasts longer than the one measured).
        delay = (trial + rng.random()) / TRIALS * stores["duration"] * 1.2
        delays.append(delay)
        process = rolegraph(store, "build", *stores["docs"])
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        killed = process.returncode == -signal.SIGKILL
        generation = current_generation(store)
        seen = snapshot(store)
        if generation == stores["generation"]:
            assert seen == stores["before"], f"trial {trial} (killed after {delay:.2f} s): the previous graph changed"
            unpublished = [p for p in (store / GENERATIONS).iterdir() if int(p.name) > int(generation.name)]
            outcomes.append("while writing" if unpublished else "before writing")
        else:  # the kill came after the atomic swap of `current`: the new graph, whole
            assert seen == stores["after"], f"trial {trial} (killed after {delay:.2f} s): a partial graph is published"
            outcomes.append("new")
            build([SAMPLES / "data-engineer.html"], store, BASE)  # back to a previous graph for the next trial
            stores["generation"] = current_generation(store)
            assert snapshot(store) == stores["before"]
        assert killed or outcomes[-1] == "new", f"trial {trial}: the build failed instead of being killed"
    report = "; ".join(f"{d:.2f} s: {o}" for d, o in zip(delays, outcomes))
    assert "while writing" in outcomes, report  # some kills fell while the new generation was written
    assert outcomes.count("new") <= TRIALS // 2, report
    finished = rolegraph(store, "build", *stores["docs"])
    out, err = finished.communicate(timeout=300)
    assert finished.returncode == 0, err.decode()
    assert snapshot(store) == stores["after"]
    current = int(current_generation(store).name)
    assert [p.name for p in (store / GENERATIONS).iterdir() if int(p.name) > current] == []  # leftovers removed


def test_a_second_build_while_one_runs_is_refused_and_the_first_completes(tmp_path):
    store = tmp_path / "store"
    slow = fiche(tmp_path / "slow", 1500)
    quick = tmp_path / "quick"
    quick.mkdir()
    (quick / "admin.txt").write_bytes((SAMPLES / "administrateur-systemes.txt").read_bytes())
    first = rolegraph(store, "build", "--json", str(slow))
    # Wait until the first build is at work: it has printed its progress label (after its imports).
    os.set_blocking(first.stderr.fileno(), False)
    label, deadline = b"", time.monotonic() + 60
    while b"reading" not in label and first.poll() is None and time.monotonic() < deadline:
        label += first.stderr.read() or b""
        time.sleep(0.05)
    assert b"reading" in label, label
    second = rolegraph(store, "build", str(quick))
    out, err = second.communicate(timeout=120)
    still_running = first.poll() is None
    os.set_blocking(first.stderr.fileno(), True)
    first_out, first_err = first.communicate(timeout=300)
    assert second.returncode == 3, (out + err).decode()
    assert f"error: store {store} is being written by another process; try again when it ends" in err.decode()
    assert still_running  # the refusal came while the first build was at work, not after it
    assert first.returncode == 0, first_err.decode()
    summary = json.loads(first_out)
    assert current_generation(store).name == summary["generation"] == "000001"
    files = {row[0].value for row in open_read_only(store).query(
        "SELECT ?f WHERE { ?d <https://w3id.org/rolegraph/ontology#fileName> ?f }", use_default_graph_as_union=True)}
    assert files == {"developpeur.md"}

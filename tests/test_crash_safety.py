"""Crash safety of the real CLI: `rolegraph build` killed with SIGKILL at random points leaves the store
opening on the previous graph, and a second build started while one runs is refused, not interleaved."""
import json
import os
import random
import shutil
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
from rolegraph.loader.build import build
from rolegraph.core.store import GENERATIONS, current_generation, open_read_only

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


def unpublished(store: Path) -> list[Path]:
    """Generation folders above the published one: a build writing (or a dead build's leftovers)."""
    generation = current_generation(store)
    published = int(generation.name) if generation else 0
    folder = store / GENERATIONS
    return [p for p in folder.iterdir() if p.name.isdigit() and int(p.name) > published] if folder.exists() else []


def watch(process: subprocess.Popen, store: Path, deadline: float) -> float | None:
    """Poll ``store`` until the build ``process`` starts writing a new generation; return the time it was
    seen, or None if the process ended first."""
    while process.poll() is None and time.monotonic() < deadline:
        if unpublished(store):
            return time.monotonic()
        time.sleep(0.002)
    return None


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """A store with a first graph published (one sample), and the figures of a full CLI build of the
    other documents on top of it: when it starts writing the new generation, when it publishes it, its
    duration and the graph it publishes."""
    tmp = tmp_path_factory.mktemp("crash")
    docs = [str(SAMPLES), str(fiche(tmp / "docs", 300))]
    previous = tmp / "store"
    build([SAMPLES / "data-engineer.html"], previous, BASE)
    reference = tmp / "reference"
    build([SAMPLES / "data-engineer.html"], reference, BASE)
    started = time.monotonic()
    process = rolegraph(reference, "build", *docs)
    writing = watch(process, reference, started + 300)
    out, err = process.communicate(timeout=300)
    ended = time.monotonic()
    assert process.returncode == 0, err.decode()
    assert writing is not None, "the build was not seen writing a new generation"
    # Writing lasts from the new generation's folder to the end of the process: publication is its last step.
    return {"store": previous, "docs": docs, "duration": ended - started, "reading": writing - started,
            "writing": ended - writing, "before": snapshot(previous),
            "generation": current_generation(previous), "after": snapshot(reference)}


@pytest.mark.slow
def test_a_build_killed_at_random_points_leaves_the_previous_graph(stores):
    store, rng = stores["store"], random.Random(20261121)
    assert stores["before"] != stores["after"]
    outcomes, points = [], []
    for trial in range(TRIALS):
        for leftover in unpublished(store):  # a dead build's folder, checked below; the next build would remove it
            shutil.rmtree(leftover)
        # each trial extracts its documents as the measured build did: parts cached by an earlier trial
        # would shorten the reading phase below the measured one and the kills meant for it would miss it
        shutil.rmtree(store / "cache" / "parts", ignore_errors=True)
        process = rolegraph(store, "build", *stores["docs"])
        kind, slot = (trial + 2) % 3, trial // 3  # the last trial kills a build while it writes
        if kind == 1:
            # While the new generation is written: a random part of the measured writing time after the
            # build is seen starting it (its share of the build is short, random delays alone may miss it),
            # within the first half of that time (a build under load writes more slowly, never faster).
            seen = watch(process, store, time.monotonic() + 300)
            delay = rng.random() * stores["writing"] / 2
            points.append(f"{delay:.2f} s after writing began" if seen else "after the build ended")
        else:
            # Kind 0, while documents are read and extracted: a random delay in each of TRIALS/3 slices of
            # the measured time before writing (a build under load takes longer, never less).
            # Kind 2, anywhere: the same over the whole build and a little after.
            span = stores["reading"] * 0.9 if kind == 0 else stores["duration"] * 1.2
            delay = (slot + rng.random()) / (TRIALS // 3) * span
            points.append(f"{delay:.2f} s after the start")
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        killed = process.returncode == -signal.SIGKILL
        generation = current_generation(store)
        seen = snapshot(store)
        if generation == stores["generation"]:
            assert seen == stores["before"], f"trial {trial} ({points[-1]}): the previous graph changed"
            outcomes.append("while writing" if unpublished(store) else "before writing")
        else:  # the kill came after the atomic swap of `current`: the new graph, whole
            assert seen == stores["after"], f"trial {trial} ({points[-1]}): a partial graph is published"
            outcomes.append("new")
            build([SAMPLES / "data-engineer.html"], store, BASE)  # back to a previous graph for the next trial
            stores["generation"] = current_generation(store)
            reset = snapshot(store)
            # The same graphs, and the IRIs of the documents that left kept as retired.
            assert {k: v for k, v in reset.items() if not k.endswith("/graph/retired")} == {
                k: v for k, v in stores["before"].items() if not k.endswith("/graph/retired")}
            stores["before"] = reset
        assert killed or outcomes[-1] == "new", f"trial {trial}: the build failed instead of being killed"
    report = "; ".join(f"{p}: {o}" for p, o in zip(points, outcomes))
    assert outcomes.count("while writing") >= 3, report  # kills fell while the new generation was written
    assert outcomes.count("before writing") >= 3, report  # and while the documents were read and extracted
    finished = rolegraph(store, "build", *stores["docs"])
    out, err = finished.communicate(timeout=300)
    assert finished.returncode == 0, err.decode()
    assert snapshot(store) == stores["after"]
    assert unpublished(store) == []  # the half-written generation was removed


@pytest.mark.slow
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


def catalogue(store: Path) -> list[tuple]:
    """The documents the published generation lists (what `rolegraph documents` prints)."""
    from rolegraph.loader.build import documents

    return sorted((e.name, e.checksum) for e in documents(store))


def killed_at_random_points(store: Path, args: list[str], trials: int, seed: int) -> list[str]:
    """Run ``rolegraph ARGS`` on ``store`` ``trials`` times, each killed with SIGKILL at a random point of
    the time a full run takes (measured on a copy); after each kill the store serves the previous graph
    and catalogue, or the new ones whole. Returns what each kill found."""
    reference = store.parent / f"{store.name}-reference-{seed}"
    shutil.copytree(store, reference, symlinks=True)
    started = time.monotonic()
    process = rolegraph(reference, *args)
    out, err = process.communicate(timeout=300)
    duration = time.monotonic() - started
    assert process.returncode == 0, err.decode()
    before, after = (snapshot(store), catalogue(store)), (snapshot(reference), catalogue(reference))
    assert before != after
    generation, rng, outcomes = current_generation(store), random.Random(seed), []
    for trial in range(trials):
        process = rolegraph(store, *args)
        delay = (trial + rng.random()) / trials * duration * 1.1
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        seen = (snapshot(store), catalogue(store))
        if current_generation(store) == generation:
            assert seen == before, f"trial {trial} ({delay:.2f} s): the previous graph changed"
            outcomes.append("while writing" if unpublished(store) else "before writing")
        else:
            assert seen == after, f"trial {trial} ({delay:.2f} s): a partial graph is published"
            outcomes.append("new")
            break
    if outcomes[-1] != "new":  # the next run after the kills is clean
        finished = rolegraph(store, *args)
        out, err = finished.communicate(timeout=300)
        assert finished.returncode == 0, err.decode()
    assert (snapshot(store), catalogue(store)) == after
    assert unpublished(store) == []
    return outcomes


@pytest.mark.slow
def test_an_add_or_a_remove_killed_at_any_point_leaves_the_previous_graph_and_the_next_one_clean(tmp_path):
    store = tmp_path / "store"
    build([SAMPLES / "data-engineer.html", SAMPLES / "ingenieur-devops.md"], store, BASE)
    long = fiche(tmp_path / "docs", 300)
    added = killed_at_random_points(store, ["add", str(long)], 6, 20261202)
    assert len(added) >= 3 and "before writing" in added, added
    removed = killed_at_random_points(store, ["remove", "ingenieur-devops.md"], 6, 20261203)
    assert len(removed) >= 3, removed
    assert catalogue(store) == sorted(catalogue(store))
    assert [name for name, _ in catalogue(store)] == ["data-engineer.html", "developpeur.md"]

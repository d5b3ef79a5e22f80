"""Broken and hostile documents, made here: each is refused with an error naming it, the others are
built, and the published graph is exactly the graph of the good documents alone."""
import os
import random
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import to_isomorphic

import rolegraph.loader.build
from conftest import BASE, pdf_bytes
from rolegraph.loader.build import build
from rolegraph.loader.documents import read_document
from rolegraph.cli import main
from rolegraph.core.errors import InputError
from rolegraph.core.store import open_read_only

CLOUD = """# Cloud engineer

The cloud engineer designs and runs the infrastructure of applications on AWS and Azure.

## Skills

- Automates deployments with Terraform, Ansible and Docker.
- Monitors services and writes Python scripts.

## Salary

From 42,000 to 55,000 euros gross per year for a junior.
"""
TESTEUR = """Testeur logiciel

Le testeur logiciel vérifie la qualité des applications avant leur mise en production.

Compétences
- Rédige des plans de test et automatise les tests avec Selenium et Python.
- Maîtrise SQL et Jira.

Formation
Un BTS SIO ou une licence professionnelle en informatique.
"""
#: Good documents under names with spaces, quotes and non-ASCII characters, one of them not even
#: UTF-8 (a Latin-1 "é" byte, as a file copied from an old system has).
GOOD = {
    "fiche cloud 'engineer' \"v2\" – élément.md".encode(): CLOUD.encode(),
    b"testeur logiciel \xe9t\xe9.txt": TESTEUR.encode("cp1252"),
}
FIFTY_MB = 50 * 1000 * 1000


def bad_corpus(folder: Path) -> dict[str, str]:
    """Write the broken inputs into ``folder``; return file name → what its error must say."""
    pdf = pdf_bytes(["Cloud engineer", "Skills: Kubernetes and Terraform."])
    rng = random.Random(8)
    noise = bytes(rng.randrange(1, 256) for _ in range(4000))  # no NUL byte
    nested = "<div><span>" * 20000 + "<script>Cloud engineer: Terraform</script>" + "</span></div>" * 20000
    files = {
        "empty.txt": (b"", "empty document"),
        "blank lines.md": (b"  \n\t\n   \r\n", "empty document"),
        "photo.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise, "binary file (NUL bytes)"),
        "noise.html": (noise, "binary file (control characters)"),
        "truncated.pdf": (pdf[: len(pdf) // 2], "unreadable PDF"),
        "cut header.pdf": (pdf[:12], "unreadable PDF"),
        "scripts and frames.html": (
            b"<html><head><title></title><script>document.write('Cloud engineer')</script></head><body>"
            b"<iframe src='https://evil.example/'>Cloud engineer with Terraform</iframe>"
            b"<script src=x.js></script><noscript>Python developer</noscript><style>p{}</style></body></html>",
            "no text found"),
        "deeply nested.html": (nested.encode(), "no text found"),
        "vide « guillemets » \"q\" 'q'.txt": (b"", "empty document"),
    }
    for name, (content, _) in files.items():
        (folder / name).write_bytes(content)
    with open(folder / "huge 50 MB.txt", "wb") as handle:  # sparse: 50 MB without writing them
        handle.truncate(FIFTY_MB)
    os.mkfifo(folder / "pipe.txt")  # reading it would wait forever for a writer
    os.symlink("/dev/zero", folder / "zeros.txt")  # reading it would never end
    (folder / "vanishing.md").write_text(CLOUD.replace("Cloud engineer", "Data engineer"), encoding="utf-8")
    return {**{name: message for name, (_, message) in files.items()},
            "huge 50 MB.txt": f"file too large ({FIFTY_MB} bytes", "pipe.txt": "not a regular file",
            "zeros.txt": "not a regular file", "vanishing.md": "cannot read file: No such file"}


def write_good(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in GOOD.items():
        Path(os.fsdecode(os.path.join(os.fsencode(folder), name))).write_bytes(content)
    return folder


def vanish(monkeypatch, name: str) -> None:
    """Delete the file called ``name`` just before the build reads it, as another process might."""
    real = rolegraph.loader.parts.read_bytes

    def reader(path, *args):
        if Path(path).name == name:
            Path(path).unlink()
        return real(path, *args)

    monkeypatch.setattr(rolegraph.loader.parts, "read_bytes", reader)


def dataset(store: Path) -> dict[str, object]:
    """The published store, to compare: the fiches graph as its set of N-Quads lines (it has no blank
    node), every other graph as an rdflib graph compared by isomorphism (the ontology's OWL lists
    are blank nodes). Nothing is left out: without ESCO or ROME there is no links graph, hence no
    build time stamp (the linkset's dcterms:modified) to ignore."""
    graphs: dict[str, list] = {}
    for quad in open_read_only(store).quads_for_pattern(None, None, None, None):
        graphs.setdefault(str(quad.graph_name), []).append(quad)
    assert set(graphs) == {f"<{BASE}graph/fiches>", f"<{BASE}graph/ontology>"}
    fiches = graphs.pop(f"<{BASE}graph/fiches>")
    assert not any(isinstance(term, ox.BlankNode) for q in fiches for term in (q.subject, q.object))
    found: dict[str, object] = {"fiches": {str(q) for q in fiches}}
    for name, quads in graphs.items():
        data = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES)
        found[name] = to_isomorphic(rdflib.Graph().parse(data=data, format="nt"))
    return found


@pytest.fixture(scope="module")
def good_store(tmp_path_factory) -> tuple[Path, dict]:
    folder = write_good(tmp_path_factory.mktemp("good") / "docs")
    store = folder.parent / "store"
    result = build([folder], store, BASE)
    assert result.documents_read == 2 and result.failures == [] and result.entities["Role"] >= 2
    return store, dataset(store)


def test_each_broken_file_is_named_in_its_error_and_the_graph_is_the_good_files_graph(tmp_path, good_store,
                                                                                        monkeypatch):
    folder = write_good(tmp_path / "docs")
    expected = bad_corpus(folder)
    vanish(monkeypatch, "vanishing.md")
    result = build([folder], tmp_path / "store", BASE)
    errors = {Path(f.details["file"]).name: str(f) for f in result.failures}
    assert set(errors) == set(expected)
    for name, message in expected.items():
        assert message in errors[name] and f"(file={folder / name})" in errors[name], errors[name]
    assert result.documents_read == 2
    names = {r[0].value for r in open_read_only(tmp_path / "store").query(
        "SELECT ?f WHERE { ?d <https://w3id.org/rolegraph/ontology#fileName> ?f }", use_default_graph_as_union=True)}
    assert names == {"fiche cloud 'engineer' \"v2\" – élément.md", "testeur logiciel \ufffdt\ufffd.txt"}
    assert dataset(tmp_path / "store") == good_store[1]


def test_the_cli_lists_each_skipped_file_builds_the_rest_and_exits_0(runner, tmp_path, good_store, monkeypatch):
    folder = write_good(tmp_path / "docs")
    expected = bad_corpus(folder)
    vanish(monkeypatch, "vanishing.md")
    result = runner.invoke(main, ["--store", str(tmp_path / "store"), "build", str(folder)])
    assert result.exit_code == 0, result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped: ")]
    assert len(skipped) == len(expected)
    for name, message in expected.items():
        assert any(message in line and f"(file={folder / name})" in line for line in skipped), name
    assert "documents: 2 read, 13 failed" in result.output
    assert dataset(tmp_path / "store") == good_store[1]


def test_only_broken_files_is_exit_code_2_and_publishes_nothing(runner, tmp_path, monkeypatch):
    folder = tmp_path / "bad"
    folder.mkdir()
    expected = bad_corpus(folder)
    vanish(monkeypatch, "vanishing.md")
    result = runner.invoke(main, ["--store", str(tmp_path / "store"), "build", str(folder)])
    assert result.exit_code == 2 and "no document could be read; nothing was published" in result.output
    assert all(f"(file={folder / name})" in result.output for name in expected)
    assert not (tmp_path / "store" / "current").exists()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root reads a file whatever its mode: chmod 000 cannot make it unreadable")
def test_a_file_made_unreadable_during_the_build_is_named(tmp_path, good_store, monkeypatch):
    folder = write_good(tmp_path / "docs")
    (folder / "locked.md").write_text(CLOUD.replace("Cloud", "Data"), encoding="utf-8")
    real = rolegraph.loader.build.read_document

    def reader(path, *args):
        if Path(path).name == "locked.md":
            Path(path).chmod(0)
        return real(path, *args)

    monkeypatch.setattr(rolegraph.loader.build, "read_document", reader)
    result = build([folder], tmp_path / "store", BASE)
    assert [(Path(f.details["file"]).name, f.message) for f in result.failures] == [
        ("locked.md", "cannot read file: Permission denied")]
    assert dataset(tmp_path / "store") == good_store[1]


def test_the_document_size_limit_is_a_setting_and_an_option(runner, tmp_path, good_store):
    folder = write_good(tmp_path / "docs")
    big = folder / "big.md"
    big.write_text(CLOUD.replace("Cloud engineer", "Data engineer") + "x" * 3000, encoding="utf-8")
    size = big.stat().st_size
    by_option = runner.invoke(main, ["--store", str(tmp_path / "a"), "build", "--max-document-bytes", str(size - 1),
                                     str(folder)])
    assert by_option.exit_code == 0, by_option.output
    assert f"skipped: file too large ({size} bytes; the limit is {size - 1}) (file={big})" in by_option.output
    assert dataset(tmp_path / "a") == good_store[1]
    by_env = runner.invoke(main, ["--store", str(tmp_path / "b"), "build", str(folder)],
                           env={"ROLEGRAPH_MAX_DOCUMENT_BYTES": str(size)})
    assert by_env.exit_code == 0 and "documents: 3 read, 0 failed" in by_env.output


def test_a_file_that_grows_past_the_limit_after_its_size_was_checked_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "growing.txt"
    path.write_text("Cloud engineer: Terraform.\n", encoding="utf-8")
    real_fstat = os.fstat

    def fstat(fd):  # the size seen is the size before another process appends to the file
        status = real_fstat(fd)
        with open(path, "ab") as handle:
            handle.write(b"x" * 5000)
        return status

    monkeypatch.setattr(os, "fstat", fstat)
    with pytest.raises(InputError) as caught:
        read_document(path, max_bytes=1000)
    assert "file too large (over the limit of 1000 bytes)" in str(caught.value)


def test_thousands_of_small_files_are_read_in_bounded_time(tmp_path, good_store):
    folder = write_good(tmp_path / "docs")
    rng = random.Random(2000)
    expected_failures = 0
    for index in range(2000):
        sub = folder / f"batch {index // 250:02d}"
        sub.mkdir(exist_ok=True)
        kind = index % 4
        if kind == 0:  # empty
            (sub / f"{index:04d}.txt").write_bytes(b"")
            expected_failures += 1
        elif kind == 1:  # binary noise
            (sub / f"{index:04d}.md").write_bytes(bytes([0, *rng.randbytes(30)]))
            expected_failures += 1
        elif kind == 2:  # a copy of a good document: the same content is read once
            (sub / f"{index:04d} copie.md").write_bytes(CLOUD.encode())
        else:  # not a document type: skipped by the folder walk
            (sub / f"{index:04d}.csv").write_bytes(b"a,b\n")
    result = build([folder], tmp_path / "store", BASE)  # its seconds: bench/inputs_bench.py
    assert len(result.failures) == expected_failures == 1000 and result.documents_read == 2
    assert dataset(tmp_path / "store") == good_store[1]


def test_deeply_nested_html_keeps_its_text(tmp_path):
    path = tmp_path / "nested.html"
    path.write_text("<html><body>" + "<div><section>" * 50000 + "<h2>Cloud engineer</h2><p>Runs Terraform.</p>"
                    + "</section></div>" * 50000 + "<div>" * 50000 + "</body></html>", encoding="utf-8")
    document = read_document(path)  # its seconds: bench/inputs_bench.py
    assert [(b.kind, b.text) for b in document.blocks] == [("heading", "Cloud engineer"), ("paragraph", "Runs Terraform.")]


def test_html_scripts_frames_and_unclosed_markup_never_reach_the_text(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><body><h1>Cloud engineer</h1><!-- <p>comment Kubernetes</p> -->"
        "<svg><script>alert('svg')</script><text>chart</text></svg>"
        "<p>Runs <b>Terraform</b> &lt;script&gt;quoted&lt;/script&gt;.</p>"
        "<iframe srcdoc='<p>framed Ansible</p>'>inside frame</iframe><template><p>templated</p></template>"
        "<p>Writes Python.</p><script>var unclosed = 'Cloud architect'; document.write('<p>injected</p>')",
        encoding="utf-8")
    document = read_document(path)
    assert document.text == "Cloud engineer\nRuns Terraform <script>quoted</script>.\nWrites Python."


def test_mixed_encodings_decode_each_passage(tmp_path):
    path = tmp_path / "mixte.txt"
    path.write_bytes("Développeur back-end\nLe développeur écrit des API. ".encode("utf-8")
                     + "Il maîtrise Python et SQL ; salaire négocié.\n".encode("cp1252"))
    document = read_document(path)
    assert document.text == ("Développeur back-end\nLe développeur écrit des API. "
                             "Il maîtrise Python et SQL ; salaire négocié.")
    assert document.encoding == "utf-8+cp1252"
    cp1252 = tmp_path / "ancien.txt"  # a cp1252 file with one accidental UTF-8-looking pair stays cp1252
    cp1252.write_bytes("Développeur : maîtrise de Java, Ã© près.\n".encode("cp1252"))
    assert read_document(cp1252).text == "Développeur : maîtrise de Java, Ã© près."

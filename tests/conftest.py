"""Shared fixtures: our fixture corpus (tests/fixtures/corpus) and stores built from it once per session,
the ESCO and ROME exports imported once per session (the real ones of ../shared/reference when they are
beside the checkout, else our tiny ones of tests/fixtures), the Flask app, its test client and the CLI
runner. The seed documents, their gold annotations and the real exports live in ../shared, which a fresh
clone does not have: tests that need them skip, naming the missing folder. ROLEGRAPH_SHARED points
elsewhere (a folder that does not exist runs the suite as a fresh clone would)."""
from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

import serving

if TYPE_CHECKING:
    from rolegraph.loader.taxonomies import ImportResult

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ROLEGRAPH_SHARED") or ROOT.parent / "shared")
SEEDS = SHARED / "seeds"
GOLD = SHARED / "eval" / "seeds-gold"
REFERENCE = SHARED / "reference"
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = FIXTURES / "corpus"
SAMPLES = ROOT / "data" / "samples"
BASE = "https://w3id.org/rolegraph/id/"


def text_document(text: str, language: str | None):
    """A plain-text document of ``text`` in ``language``, as the reader makes one, for extraction tests."""
    from rolegraph.loader.documents import Document

    return Document(path="t.txt", name="t.txt", media_type="text/plain", checksum="0" * 64, text=text,
                    blocks=[], language=language)


def missing(folder: Path) -> str:
    """Why a test that needs ``folder`` (a folder of ../shared) skips."""
    if os.environ.get("ROLEGRAPH_SHARED"):
        return f"{folder} is not there (ROLEGRAPH_SHARED={os.environ['ROLEGRAPH_SHARED']})"
    return f"../shared/{folder.relative_to(SHARED).as_posix()} is not beside the checkout"


def needs(folder: Path) -> pytest.MarkDecorator:
    """Skip unless ``folder`` (a folder of ../shared) is there."""
    return pytest.mark.skipif(not folder.is_dir(), reason=missing(folder))


needs_seeds = needs(SEEDS)
needs_w3c = needs(REFERENCE / "w3c-sparql11-protocol")  # the W3C SPARQL 1.1 Protocol tests' manifest


@pytest.fixture(scope="session")
def corpus() -> Path:
    """Our fixture corpus: six short job profiles in French and English (four about the back-end developer)."""
    return CORPUS


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The seed documents of ../shared, for the tests that measure the extractor against their gold."""
    if not SEEDS.is_dir():
        pytest.skip(missing(SEEDS))
    return SEEDS


@pytest.fixture(scope="session")
def gold() -> Path:
    """The gold annotations of the seed documents (a test asks for it before ``seeds``, so that its skip
    names the gold)."""
    if not GOLD.is_dir():
        pytest.skip(missing(GOLD))
    return GOLD


@pytest.fixture(scope="session")
def built_store(tmp_path_factory, corpus) -> Path:
    """A store with the fixture corpus built into it (the library function, as the CLI calls it)."""
    from rolegraph.loader.build import build

    store = tmp_path_factory.mktemp("store") / "store"
    build([corpus], store, BASE)
    return store


@pytest.fixture(scope="session")
def mixed_store(tmp_path_factory, corpus) -> Path:
    """A store with the fixture corpus and our sample documents (other roles) built into it."""
    from rolegraph.loader.build import build

    store = tmp_path_factory.mktemp("mixed") / "store"
    build([corpus, SAMPLES], store, BASE)
    return store


@pytest.fixture()
def app(built_store):
    from rolegraph.server import create_app

    app = create_app({"store": str(built_store), "base_iri": BASE, "testing": True})
    yield app
    # Left to the garbage collector, each test's query workers outlived it.
    app.extensions["rolegraph.executor"].close()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def write(tmp_path):
    """Write a test document (text or bytes) and return its path."""
    def _write(name: str, content, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode(encoding))
        return path
    return _write


def pdf_bytes(lines: list[str]) -> bytes:
    """A minimal one-page PDF with a text layer, written by hand (no PDF library needed)."""
    text = " ".join(f"({line}) Tj T*" for line in lines)
    stream = f"BT /F1 12 Tf 14 TL 72 720 Td {text} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


ESCO_DEVELOPER = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
ROME_FICHE = BASE + "rome/fiche/M1805"
LINKS = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX sssom: <https://w3id.org/sssom/>
PREFIX semapv: <https://w3id.org/semapv/vocab/>
INSERT DATA {{
  GRAPH <{BASE}graph/links> {{
    <{BASE}role/back-end-developer> skos:closeMatch <{ESCO_DEVELOPER}> ; skos:relatedMatch <{ROME_FICHE}> .
    <{BASE}graph/links/genid/back-end-developer-close> a owl:Axiom ;
       owl:annotatedSource <{BASE}role/back-end-developer> ; owl:annotatedProperty skos:closeMatch ;
       owl:annotatedTarget <{ESCO_DEVELOPER}> ; sssom:confidence 0.87 ;
       sssom:mapping_justification semapv:LexicalMatching .
  }}
  GRAPH <{BASE}graph/rome> {{ <{ROME_FICHE}> skos:prefLabel "Études et développement informatique"@fr }}
}}
"""


@pytest.fixture(scope="session")
def linked_store(tmp_path_factory, corpus) -> Path:
    """The fixture corpus, a one-occupation ESCO export written here (v1.2.0, English) imported by the real
    importer, and two mappings of the back-end developer recorded as the linking step records them."""
    from rolegraph.loader.build import build
    from rolegraph.loader.taxonomies.esco import import_esco
    from rolegraph.core.store import publishing

    tmp = tmp_path_factory.mktemp("linked")
    store = tmp / "store"
    build([corpus], store, BASE)
    esco = tmp / "esco" / "v1.2.0"
    esco.mkdir(parents=True)
    (esco / "occupations_en.csv").write_text(
        "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,"
        "regulatedProfessionNote,scopeNote,definition,inScheme,description,code\n"
        f"Occupation,{ESCO_DEVELOPER},2512,software developer,,,released,,,,,,Writes software.,2512.4\n",
        encoding="utf-8")
    import_esco(store, esco, BASE)
    with publishing(store) as writable:
        writable.update(LINKS)
    return store


@dataclass(frozen=True)
class Exports:
    """The ESCO (English, French) and ROME export folders a session imports."""

    esco_en: Path
    esco_fr: Path
    rome: Path


REAL_EXPORTS = Exports(REFERENCE / "esco" / "v1.1.1", REFERENCE / "esco" / "v1.2.1" / "fr_partial",
                       REFERENCE / "rome" / "v460")
FIXTURE_EXPORTS = Exports(FIXTURES / "esco" / "v1.2.0" / "en", FIXTURES / "esco" / "v1.2.0" / "fr", FIXTURES / "rome")


def real_exports_missing() -> str | None:
    """Why a session imports our tiny exports rather than the real ones (None when the real ones are there)."""
    for folder in (REFERENCE / "esco", REFERENCE / "rome", *vars(REAL_EXPORTS).values()):
        if not folder.is_dir():
            return missing(folder)
    return None


@dataclass(frozen=True)
class Taxonomies:
    """A store with the fixture corpus and our samples built, then ESCO and ROME imported: the exports, what
    each import did, and the fiches graph as built, before the imports (N-Triples)."""

    store: Path
    exports: Exports
    esco_en: ImportResult
    esco_fr: ImportResult
    rome: ImportResult
    fiches: bytes


@pytest.fixture(scope="session")
def taxonomies(tmp_path_factory, corpus) -> Taxonomies:
    """The fixture corpus and our samples built, then ESCO (English, then French labels) and ROME imported
    the way ``rolegraph import`` does, the last import relinking; once per session. The exports are the
    real ones of ../shared/reference when they are beside the checkout, else our tiny ones."""
    import pyoxigraph as ox

    from rolegraph.core.naming import FICHES_GRAPH, graph_iri
    from rolegraph.core.store import open_read_only
    from rolegraph.loader.build import build
    from rolegraph.loader.lexicon import load_lexicon
    from rolegraph.loader.link import relink
    from rolegraph.loader.taxonomies.esco import import_esco
    from rolegraph.loader.taxonomies.rome import import_rome

    exports = FIXTURE_EXPORTS if real_exports_missing() else REAL_EXPORTS
    store = tmp_path_factory.mktemp("taxonomies") / "store"
    build([corpus, SAMPLES], store, BASE)
    fiches = open_read_only(store).dump(format=ox.RdfFormat.N_TRIPLES,
                                        from_graph=ox.NamedNode(str(graph_iri(BASE, FICHES_GRAPH))))
    esco_en = import_esco(store, exports.esco_en, BASE)
    esco_fr = import_esco(store, exports.esco_fr, BASE)
    rome = import_rome(store, exports.rome, BASE, then=lambda s: relink(s, BASE, load_lexicon()))
    assert rome.then.links
    return Taxonomies(store, exports, esco_en, esco_fr, rome, fiches)


def pytest_collection_modifyitems(items):
    """With the real exports beside the checkout, the session's ESCO and ROME import takes about 40 s: the
    tests that need it are slow."""
    if real_exports_missing() is None:
        for item in items:
            if "taxonomies" in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.slow)


DEV_DOCS = SHARED / "eval" / "dev" / "docs"


@pytest.fixture(scope="session")
def reviewed_store(tmp_path_factory, taxonomies) -> Path:
    """The seeds and the development documents of ../shared built into a copy of the ``taxonomies`` store, so
    linked to the real ESCO and ROME exports: the build whose links the reviewed sample judges (skips,
    naming the folder, without the seeds, the development set or the real exports)."""
    from rolegraph.loader.build import build

    reason = real_exports_missing() or next((missing(f) for f in (SEEDS, DEV_DOCS) if not f.is_dir()), None)
    if reason:
        pytest.skip(reason)
    store = tmp_path_factory.mktemp("reviewed") / "store"
    shutil.copytree(taxonomies.store, store, symlinks=True)
    build([SEEDS, DEV_DOCS], store, BASE)
    return store


@pytest.fixture(scope="session")
def taxonomy_store(taxonomies) -> Path:
    """The store of ``taxonomies``: our documents linked to the imported ESCO and ROME."""
    return taxonomies.store


@contextlib.contextmanager
def served(store: Path, folder: Path, *options: str, env: dict | None = None):
    """`rolegraph serve --production` as a real process on a copy of ``store`` (made in ``folder``),
    with ``options`` after ``serve``; yields (base URL, path of the file holding its stdout and stderr)."""
    copy = folder / "store"
    shutil.copytree(store, copy, symlinks=True)
    port = serving.free_port()
    with serving.start(serving.rolegraph_serve(copy, port, *options), f"http://127.0.0.1:{port}",
                       log=folder / "server.log", env={**os.environ, **(env or {})}) as server:
        yield server.url, server.log


def pytest_addoption(parser):
    parser.addoption("--screenshots", metavar="DIR", default=None,
                     help="write screenshots of the main pages, taken by the browser tests, under DIR (never committed)")

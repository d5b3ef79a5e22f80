"""Shared fixtures: the seed documents, a store built from them once per session, the Flask app,
its test client and the CLI runner."""
from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import serving

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
GOLD = ROOT.parent / "shared" / "eval" / "seeds-gold"
SAMPLES = ROOT / "data" / "samples"
BASE = "https://w3id.org/rolegraph/id/"

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the checkout")


@pytest.fixture(scope="session")
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the checkout")
    return SEEDS


@pytest.fixture(scope="session")
def built_store(tmp_path_factory, seeds) -> Path:
    """A store with the seeds built into it (the library function, as the CLI calls it)."""
    from rolegraph.loader.build import build

    store = tmp_path_factory.mktemp("store") / "store"
    build([seeds], store, BASE)
    return store


@pytest.fixture(scope="session")
def mixed_store(tmp_path_factory, seeds) -> Path:
    """A store with the seeds and our sample documents (other roles) built into it."""
    from rolegraph.loader.build import build

    store = tmp_path_factory.mktemp("mixed") / "store"
    build([seeds, SAMPLES], store, BASE)
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
    [] a owl:Axiom ; owl:annotatedSource <{BASE}role/back-end-developer> ; owl:annotatedProperty skos:closeMatch ;
       owl:annotatedTarget <{ESCO_DEVELOPER}> ; sssom:confidence 0.87 ;
       sssom:mapping_justification semapv:LexicalMatching .
  }}
  GRAPH <{BASE}graph/rome> {{ <{ROME_FICHE}> skos:prefLabel "Études et développement informatique"@fr }}
}}
"""


@pytest.fixture(scope="session")
def linked_store(tmp_path_factory, seeds) -> Path:
    """The seeds, a one-occupation ESCO export written here (v1.2.0, English) imported by the real
    importer, and two mappings of the back-end developer recorded as the linking step records them."""
    from rolegraph.loader.build import build
    from rolegraph.loader.taxonomies.esco import import_esco
    from rolegraph.core.store import publishing

    tmp = tmp_path_factory.mktemp("linked")
    store = tmp / "store"
    build([seeds], store, BASE)
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


REFERENCE = ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def reference_store(tmp_path_factory, seeds) -> Path:
    """The seeds and our samples built, then the real ESCO (v1.1.1 English, v1.2.1 French labels) and
    ROME v460 exports imported the way ``rolegraph import`` does, the last import relinking."""
    from rolegraph.loader.build import build
    from rolegraph.loader.lexicon import load_lexicon
    from rolegraph.loader.link import relink
    from rolegraph.loader.taxonomies.esco import import_esco
    from rolegraph.loader.taxonomies.rome import import_rome

    if not (REFERENCE / "esco").is_dir() or not (REFERENCE / "rome").is_dir():
        pytest.skip("../shared/reference is not beside the checkout")
    store = tmp_path_factory.mktemp("reference") / "store"
    build([seeds, SAMPLES], store, BASE)
    import_esco(store, REFERENCE / "esco" / "v1.1.1", BASE)
    import_esco(store, REFERENCE / "esco" / "v1.2.1", BASE)
    result = import_rome(store, REFERENCE / "rome", BASE, then=lambda s: relink(s, BASE, load_lexicon()))
    assert result.then.links
    return store


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

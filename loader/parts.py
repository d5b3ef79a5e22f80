"""Documents → parts, made in worker processes and kept in a cache by content, for the full build.

A ``Made`` is what one document gives the build: its catalogue fields, its ``Part`` as the bytes the
catalogue stores (``catalogue.part_content``) and the findings of the shapes on its own nodes (its
document node, salary ranges and evidence, which no other document states: ``validate.own_nodes``).
Making one is a pure function of the file's bytes and name, the lexicon, the base IRI and the code, so
it is cached under a key of those (``cache/parts/`` of the store): a build that finds a document it
made before, with the same lexicon and code, reads neither its text nor extracts it again.

Documents not in the cache are read, extracted and checked by ``workers`` processes (one per CPU by
default), each started from a clean interpreter (``forkserver``: none inherits the store's lock or its
open database) and given the lexicon once. The build keeps only the compressed bytes of each part, so its
memory grows with the number of documents by a few kB each, not by their rdflib terms.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import multiprocessing
import os
import pickle
import resource
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

import rolegraph
from rolegraph.core.errors import InputError
from rolegraph.core.paths import LEXICON_DIR, SHAPE_FILES

from .catalogue import part_content
from .documents import FORMATS, expand_paths, read_bytes, read_document, shown
from .extract import extract
from .graph import document_part
from .lexicon import Lexicon
from .validate import Finding, own_nodes

#: Below this many documents to make, they are made in the build's own process: starting workers costs
#: more than it saves.
MIN_PARALLEL = 8
#: Layout of a cached record; another one is made again, never misread.
LAYOUT = 1
#: The modules whose code decides what a part holds: a change of any makes every part again.
_CODE = ("extract", "graph", "documents.py", "language.py", "boilerplate.py", "validate.py", "parts.py",
         "lexicon.py", "catalogue.py")


@dataclass
class Made:
    """One document made into its part: the catalogue's fields, the part's bytes, its own nodes' findings."""

    checksum: str
    name: str
    language: str
    title: str | None
    facts: int
    #: ``catalogue.part_content`` of the part, and its key (``catalogue.part_key``).
    content: bytes
    key: str
    findings: list[Finding] = field(default_factory=list)
    #: The path it was read from (resolved), set by the build.
    source: str = ""

    def encode(self) -> bytes:
        head = {"layout": LAYOUT, "checksum": self.checksum, "name": self.name, "language": self.language,
                "title": self.title, "facts": self.facts, "key": self.key,
                "findings": [asdict(f) for f in self.findings]}
        return gzip.compress(json.dumps(head, ensure_ascii=False).encode("utf-8") + b"\n" + self.content,
                             compresslevel=1, mtime=0)

    @classmethod
    def decode(cls, data: bytes) -> Made | None:
        head, _, content = gzip.decompress(data).partition(b"\n")
        fields = json.loads(head)
        if fields.pop("layout", None) != LAYOUT:
            return None
        fields["findings"] = [Finding(**f) for f in fields["findings"]]
        return cls(content=content, **fields)


def fingerprint(lexicon: Lexicon, base: str) -> str:
    """A digest of what a part depends on besides its document: the code that makes it, the shapes, the
    lexicon (as given: an extended one differs) and the base IRI."""
    digest = hashlib.sha256(f"{rolegraph.__version__}\0{base}\0".encode())
    digest.update(_code_digest().encode())
    digest.update(pickle.dumps([repr(e) for e in lexicon.entries], protocol=4))
    return digest.hexdigest()[:24]


@lru_cache(maxsize=1)
def _code_digest() -> str:
    here = Path(__file__).resolve().parent
    files = [p for name in _CODE for p in (sorted((here / name).rglob("*.py")) if (here / name).is_dir()
                                          else [here / name])]
    files += sorted(Path(LEXICON_DIR).glob("*.toml")) + [Path(p) for p in SHAPE_FILES.values()]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class Cache:
    """Made documents under ``folder`` (one subfolder per fingerprint; the others are removed when a
    record is written under a new one). Records are written to a temporary file and renamed: a build
    killed while writing leaves no half record."""

    def __init__(self, folder: Path | None, fingerprint: str) -> None:
        self.folder = folder / fingerprint if folder is not None else None
        self._pruned = False

    @staticmethod
    def key(checksum: str, name: str) -> str:
        # The name is part of the part (rg:fileName, the media type from its extension).
        return hashlib.sha256(f"{checksum}\0{name}".encode()).hexdigest()[:32]

    def get(self, checksum: str, name: str) -> Made | None:
        if self.folder is None:
            return None
        try:
            data = (self.folder / f"{self.key(checksum, name)}.gz").read_bytes()
        except FileNotFoundError:
            return None
        try:
            return Made.decode(data)
        except (OSError, ValueError, KeyError, TypeError):  # a damaged record is made again
            return None

    def put(self, made: Made) -> None:
        if self.folder is None:
            return
        if not self._pruned:
            self._pruned = True
            self.folder.mkdir(parents=True, exist_ok=True)
            for other in self.folder.parent.iterdir():
                if other != self.folder and other.is_dir():
                    shutil.rmtree(other, ignore_errors=True)
        path = self.folder / f"{self.key(made.checksum, made.name)}.gz"
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(made.encode())
        os.replace(temporary, path)


# ---------------------------------------------------------------- making documents

_lexicon: Lexicon | None = None


def _start(lexicon: Lexicon) -> None:
    global _lexicon
    _lexicon = lexicon


def make(path: str, base: str, max_bytes: int | None, lexicon: Lexicon | None = None) -> Made | tuple[str, dict]:
    """The ``Made`` of the document at ``path``, or the message and details of its ``InputError``."""
    lexicon = lexicon or _lexicon
    try:
        document = read_document(path, max_bytes)
    except InputError as error:
        return error.message, error.details
    part = document_part(extract(document, lexicon), base, lexicon)
    content = part_content(part)  # hashed as catalogue.part_key hashes it
    return Made(document.checksum, document.name, document.language, document.title, len(part.claims), content,
                hashlib.sha256(content).hexdigest()[:32], own_nodes(part))


def make_all(paths: Iterable[str | os.PathLike], base: str, lexicon: Lexicon, cache: Cache,
             max_bytes: int | None = None, workers: int | None = None,
             progress: Callable[[str], None] | None = None,
             peaks: dict[int, float] | None = None) -> tuple[list[Made], list[InputError]]:
    """Every readable document of ``paths`` made (each distinct content once, the first path found), and
    an ``InputError`` per other file, in the order of ``paths``. ``peaks``, when given, receives each
    worker process's peak resident memory (MB) by its process id, as the worker measured it."""
    found: dict[str, Made] = {}
    failures: list[InputError] = []
    pending: list[Path] = []
    waiting: set[str] = set()
    again: dict[str, list[Path]] = {}
    for path in expand_paths(paths):
        try:
            if path.suffix.lower() not in FORMATS:
                read_document(path, max_bytes)  # raises the error naming the extension
            data = read_bytes(path, max_bytes)
        except InputError as error:
            failures.append(error)
            if progress:
                progress(str(path))
            continue
        checksum = hashlib.sha256(data).hexdigest()
        if checksum in found:
            continue
        if checksum in waiting:  # made once; read again only if that one fails (an empty file, say)
            again.setdefault(checksum, []).append(path)
            continue
        made = cache.get(checksum, os.path.basename(shown(path)))
        if made is None:
            pending.append(path)
            waiting.add(checksum)
            continue
        made.source = str(Path(shown(path)).resolve())  # as the catalogue names it: printable
        found[checksum] = made
        if progress:
            progress(str(path))
    for path, (made, pid, peak) in zip(pending, _made(pending, base, lexicon, max_bytes, workers)):
        if peaks is not None and pid is not None:
            peaks[pid] = max(peaks.get(pid, 0.0), peak)
        _take(path, made, found, failures, cache, progress)
    for checksum, paths in again.items():
        for path in paths:
            if checksum not in found:
                _take(path, make(str(path), base, max_bytes, lexicon), found, failures, cache, progress)
    return list(found.values()), failures


def _take(path: Path, made: Made | tuple[str, dict], found: dict, failures: list, cache: Cache, progress) -> None:
    if progress:
        progress(str(path))
    if isinstance(made, tuple):
        message, details = made
        failures.append(InputError(message, **details))
        return
    if made.checksum in found:
        return
    made.source = str(Path(shown(path)).resolve())  # as the catalogue names it: printable
    cache.put(made)
    found[made.checksum] = made


def _measured(path: str, base: str, max_bytes: int | None) -> tuple[Made | tuple[str, dict], int, float]:
    """In a worker: ``make``, with the worker's process id and its peak resident memory (MB) after it
    (the build's own process cannot read it: the forkserver, not the build, waits for its workers)."""
    made = make(path, base, max_bytes)
    return made, os.getpid(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _made(paths: list[Path], base: str, lexicon: Lexicon, max_bytes: int | None,
          workers: int | None) -> Iterator[tuple[Made | tuple[str, dict], int | None, float]]:
    workers = min(workers or os.cpu_count() or 1, len(paths))
    if workers <= 1 or len(paths) < MIN_PARALLEL:
        for path in paths:
            yield make(str(path), base, max_bytes, lexicon), None, 0.0
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=(lexicon,)) as pool:
        yield from pool.map(_measured, [str(p) for p in paths], [base] * len(paths), [max_bytes] * len(paths),
                            chunksize=4)

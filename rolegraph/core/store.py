"""The store: the contract between the loader (which writes it) and the server (which reads it), and
the only code that opens, reads, writes and publishes it.

Everyone else goes through the ``Store`` interface that ``open_store`` returns: ``open()`` a read-only
``Snapshot`` of the published generation (or ``query`` it directly), ``publishing()`` a change that is
published atomically when its block succeeds, ``writing()`` to hold the write lock across longer work,
and the current ``generation``. ``EmbeddedStore``, an Oxigraph database on disk, is its first
implementation; the functions below it are that implementation's layer over the folder.

A store folder holds generations of an Oxigraph database, each with the files published with it
(its ``state``: the document catalogue, each document's consolidation input, the counts), and a
``current`` symlink to the published one::

    STORE/current -> generations/000007
    STORE/generations/000006/  000006.state/  000007/  000007.state/
    STORE/bases/NAME  a database a change may start from instead of the current one (``keep_base``)
    STORE/format      the store format (``FORMAT``); a store without it was written by an earlier version
    STORE/lock

A writer takes the lock, makes the next generation as a hard-link backup of the current one (or of a
kept base: a full build keeps the imported taxonomies without the documents, and starts the next full
build from them rather than deleting the previous documents' triples) and hard links of its state
files, changes it, and only then swaps ``current`` with an atomic rename.
A build that fails or is killed leaves ``current`` on the previous generation, which readers keep
serving. State files are never changed in place: a writer replaces a file by a new one, so a link
shared with an older generation keeps that generation's content.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import threading
import time
from collections.abc import Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol

import pyoxigraph as ox

from .errors import StoreError, StoreLocked


class Readable(Protocol):
    """What reading code may call on a snapshot or on a change being written; the methods are the
    ones of ``pyoxigraph.Store``, with its arguments, results and exceptions, and ``state``."""

    def query(self, query: str, **options) -> Any: ...
    def quads_for_pattern(self, subject, predicate, object, graph_name=None) -> Iterator[ox.Quad]: ...
    def named_graphs(self) -> Iterator[ox.NamedNode | ox.BlankNode]: ...
    def contains_named_graph(self, graph_name) -> bool: ...
    def dump(self, output=None, format=None, *, from_graph=None, **options) -> bytes | None: ...

    def state(self, name: str) -> bytes | None:
        """The file ``name`` ("documents.json", "parts/KEY") published with this generation, or None."""


class Snapshot(Readable, Protocol):
    """One published generation, open read-only; ``generation`` names it."""

    generation: str


class Writable(Readable, Protocol):
    """The next generation while a ``publishing`` block changes it (``pyoxigraph.Store`` methods)."""

    def update(self, update: str, **options) -> None: ...
    def extend(self, quads) -> None: ...
    def remove(self, quad) -> None: ...
    def bulk_extend(self, quads) -> None: ...
    def bulk_load(self, input=None, format=None, **options) -> None: ...
    def remove_graph(self, graph_name) -> None: ...
    def optimize(self) -> None: ...

    def put_state(self, name: str, data: bytes | None) -> None:
        """Publish ``data`` as the file ``name`` with this generation (``None`` removes it). Files of the
        previous generation are carried over, except ``PER_GENERATION`` ones (the counts)."""

    def keep_base(self, name: str) -> None:
        """Keep the database as it is now, under ``name``, for a later ``publishing(base=name)`` to start
        from (the taxonomies without the documents: a full build then deletes no document graph)."""


class Store(Protocol):
    """A store the loader publishes to and the server reads from.

    ``location`` is what error messages name and what another process passes to ``open_store`` to
    reach the same store. Reading raises ``StoreError`` when nothing is published; writing raises
    ``StoreLocked`` when another writer is at work.
    """

    location: str
    #: The store format this version reads and writes (``rolegraph migrate`` brings older stores to it).
    FORMAT: int

    @property
    def generation(self) -> str | None:
        """The name of the published generation, ``None`` when nothing was ever published."""

    @property
    def format(self) -> int | None:
        """The store format on disk, ``None`` when nothing was ever published."""

    @property
    def published_at(self) -> float | None:
        """When the published generation was published (POSIX time), ``None`` when nothing was."""

    @property
    def pushing(self) -> str | None:
        """When a push into this store that has not ended started (an external store's status graph
        says so), else None."""

    def open(self) -> Snapshot:
        """The published generation, read-only; the same snapshot until a newer one is published."""

    def query(self, query: str, **options) -> Any:
        """``query`` on the published generation (``pyoxigraph.Store.query``'s options)."""

    def writing(self) -> AbstractContextManager[None]:
        """Hold the write lock for the block; one ``publishing`` block inside it uses that lock."""

    def publishing(self, migrating: bool = False, base: str | None = None) -> AbstractContextManager[Writable]:
        """A change of the published graph and its state, published atomically when the block
        succeeds; on any exception nothing is published. Raises ``StoreError`` when the store has
        another format, unless ``migrating`` (the block brings it to ``FORMAT``). With ``base`` (one
        ``has_base`` knows), the change's database starts from that base instead of the published
        generation's; its state files are still the published generation's."""

    def has_base(self, name: str) -> bool:
        """Whether a base kept as ``name`` (``Writable.keep_base``) is there to start a change from."""


#: The store format this version reads and writes; ``rolegraph migrate`` brings an older store to it.
#: 1: generations without state (before the document catalogue); 2: generations with their state.
FORMAT = 2
FORMAT_FILE = "format"
#: State files that describe one generation only: never carried over to the next one.
PER_GENERATION = frozenset({"summary.json"})


def open_store(source: Store | Mapping[str, Any] | str | os.PathLike) -> Store:
    """The store that ``source`` names: the settings (their ``backend`` when set, else their ``store``),
    a store folder, or a ``Store`` (returned as it is). Nothing is read until it is used."""
    if isinstance(source, Mapping):
        if source.get("backend"):  # an external SPARQL store that `rolegraph push` fills
            from .remote import Endpoint, RemoteStore, credentials_from

            endpoint = Endpoint(source["backend"], credentials=credentials_from(source, "backend"),
                                timeout=float(source.get("query_timeout") or 60))
            return RemoteStore(endpoint, source["base_iri"], FORMAT)
        source = source["store"]
    if isinstance(source, (str, os.PathLike)):
        return EmbeddedStore(source)
    return source


#: Seconds a process goes on serving the generation it last saw without reading the link again: a request
#: that starts within that time of a publication may be answered from the generation before, as one that
#: started a moment earlier would be.
GENERATION_EVERY = 0.002


class EmbeddedStore:
    """The store as generations of an Oxigraph database in the folder ``root`` (the layout above).

    Open once per process: ``open()`` costs one ``readlink`` while the generation it opened is
    still the published one, and reopens when a newer one is published.
    """

    FORMAT = FORMAT

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        self.location = str(root)
        self._snapshot: _Snapshot | None = None
        self._current = os.path.join(self.location, CURRENT)
        self._known: tuple[str, str] | None = None  # (link target, generation name) last seen
        self._looked = -GENERATION_EVERY  # when (monotonic) the link was last read

    @property
    def generation(self) -> str | None:
        # What current_generation says, in one readlink while the link is unchanged, and none within
        # GENERATION_EVERY of the last: the answer cache and the snapshot ask at every request, and a system
        # call gives the GIL up to the other request threads (a generation is never removed while it is the
        # published one).
        known = self._known
        now = time.monotonic()
        if known is not None and now - self._looked < GENERATION_EVERY:
            return known[1]
        try:
            target = os.readlink(self._current)
        except OSError:  # not a link: nothing published
            return None
        self._looked = now
        if known is not None and known[0] == target:
            return known[1]
        current = current_generation(self.root)
        name = current.name if current is not None else None
        if name is not None:
            self._known = (target, name)
        return name

    @property
    def published_at(self) -> float | None:
        return published_at(self.root)

    @property
    def pushing(self) -> str | None:
        return None  # only a store that `rolegraph push` writes to is ever mid-push

    def open(self) -> Snapshot:
        snapshot = self._snapshot
        if snapshot is not None and snapshot.generation == self.generation:
            return snapshot
        current = current_generation(self.root)
        if snapshot is None or snapshot.path != current:
            _check_published(self.root, current)
            snapshot = self._snapshot = _Snapshot(current, lambda: _read_only(self.root, current))
        return snapshot

    @property
    def format(self) -> int | None:
        """The store format on disk (``FORMAT`` once written by this version), None when never published."""
        return store_format(self.root)

    def query(self, query: str, **options) -> Any:
        return self.open().query(query, **options)

    def writing(self) -> AbstractContextManager[None]:
        return writing(self.root)

    def publishing(self, migrating: bool = False, base: str | None = None) -> AbstractContextManager[Writable]:
        return publishing(self.root, migrating, base)

    def has_base(self, name: str) -> bool:
        return _base_path(self.root, name).is_dir()


class _Snapshot:
    """A generation open read-only: the read methods are the pyoxigraph store's own, and its state.

    The database is opened at the first read of it, not before: what the server reads first after a
    publication (the generation's name, its summary: state files) costs no RocksDB open, which takes
    tens of milliseconds on a large store."""

    _READS = ("query", "quads_for_pattern", "dump", "named_graphs", "contains_named_graph")

    def __init__(self, path: Path, opener: Callable[[], ox.Store]) -> None:
        self.path, self.generation = path, path.name
        self._opener, self._opening = opener, threading.Lock()

    def __getattr__(self, name: str) -> Any:
        # Called for a read method until the database is open; then they are this object's attributes.
        if name not in _Snapshot._READS:
            raise AttributeError(name)
        with self._opening:  # threads of a server share the snapshot: one of them opens it
            if "query" not in self.__dict__:
                store = self._opener()
                self.query, self.quads_for_pattern, self.dump = store.query, store.quads_for_pattern, store.dump
                self.named_graphs, self.contains_named_graph = store.named_graphs, store.contains_named_graph
        return self.__dict__[name]

    def state(self, name: str) -> bytes | None:
        return _read_state(state_folder(self.path), name)


class _Change:
    """The next generation while a ``publishing`` block changes it: the methods of its
    ``pyoxigraph.Store``, and the state files published with it, until the block ends.

    Whatever still refers to the change after its block (the frames of a traceback do, until a garbage
    collection) no longer holds the database open: RocksDB's lock on its folder is released when the
    block ends, so the next change, which may reuse the folder's name, can open it at once.
    """

    def __init__(self, store: ox.Store, folder: Path, bases: Path | None = None) -> None:
        self._store: ox.Store | None = store
        self._folder = folder
        self._bases = bases
        #: The state files this change wrote: the others are links to files already on disk.
        self.written: set[Path] = set()

    def __getattr__(self, name: str) -> Any:
        store = self.__dict__.get("_store")
        if store is None:
            raise StoreError("this change of the store has ended: use the store inside its publishing block")
        return getattr(store, name)

    def close(self) -> None:
        self._store = None

    def state(self, name: str) -> bytes | None:
        return _read_state(self._folder, name)

    def put_state(self, name: str, data: bytes | None) -> None:
        if self._store is None:
            raise StoreError("this change of the store has ended: use the store inside its publishing block")
        path = _state_path(self._folder, name)
        if data is None:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)  # a new inode: an older generation's link keeps its content
        self.written.add(path)

    def keep_base(self, name: str) -> None:
        if self._store is None or self._bases is None:
            raise StoreError("this change of the store has ended: use the store inside its publishing block")
        _keep_base(self._bases, name, self._store)


# ---------------------------------------------------------------- the embedded store's folder

CURRENT = "current"
GENERATIONS = "generations"
#: The folder of the kept bases (``keep_base``): RocksDB checkpoints that a change may start from.
BASES = "bases"
#: Generations kept besides the current one, so that readers still open on them keep working.
KEEP_PREVIOUS = 2


def current_generation(root: str | os.PathLike) -> Path | None:
    """The folder of the published generation, or ``None`` when nothing was ever published."""
    link = Path(root) / CURRENT
    if not link.is_symlink():
        return None
    target = link.parent / os.readlink(link)
    return target if target.is_dir() else None


def state_folder(generation: Path) -> Path:
    """The folder of the files published with the generation at ``generation``."""
    return generation.with_name(generation.name + ".state")


def _state_path(folder: Path, name: str) -> Path:
    parts = Path(name).parts
    if not parts or any(p in ("", ".", "..") for p in parts) or Path(name).is_absolute():
        raise ValueError(f"not a state file name: {name!r}")
    return folder.joinpath(*parts)


def _read_state(folder: Path, name: str) -> bytes | None:
    try:
        return _state_path(folder, name).read_bytes()
    except FileNotFoundError:
        return None


def store_format(root: str | os.PathLike) -> int | None:
    """The format of the store at ``root``: ``FORMAT_FILE``'s number, 1 for a store published before
    formats were written, None for a store never published."""
    try:
        return int((Path(root) / FORMAT_FILE).read_text(encoding="ascii").strip())
    except FileNotFoundError:
        return 1 if current_generation(root) is not None else None
    except ValueError as exc:
        raise StoreError(f"store {root} has an unreadable {FORMAT_FILE} file: {exc}", store=str(root)) from exc


def check_format(root: str | os.PathLike) -> None:
    """Raise ``StoreError`` (naming the command that fixes it) unless this version can read the store."""
    found = store_format(root)
    if found is None or found == FORMAT:
        return
    if found < FORMAT:
        raise StoreError(f"store {root} was written by an earlier rolegraph (store format {found}, this version "
                         f"reads {FORMAT}); upgrade it with `rolegraph --store {root} migrate`",
                         store=str(root), format=found, fix=f"rolegraph --store {root} migrate")
    raise StoreError(f"store {root} was written by a newer rolegraph (store format {found}, this version reads "
                     f"{FORMAT}); use that version, or rebuild the store with this one", store=str(root), format=found)


def published_at(root: str | os.PathLike) -> float | None:
    """When the current generation was published (the time ``current`` was swapped), as a POSIX
    timestamp; ``None`` when nothing was published."""
    link = Path(root) / CURRENT
    return link.lstat().st_mtime if link.is_symlink() else None


def open_read_only(root: str | os.PathLike) -> ox.Store:
    """Open the published generation read-only; raise ``StoreError`` when there is none."""
    return _read_only(root, current_generation(root))


def _check_published(root: str | os.PathLike, generation: Path | None) -> None:
    """Raise ``StoreError`` when nothing is published at ``root`` or this version cannot read it."""
    if generation is None:
        raise StoreError(f"no published graph in store {root}: run `rolegraph build` first", store=str(root))
    check_format(root)


def _read_only(root: str | os.PathLike, generation: Path | None) -> ox.Store:
    _check_published(root, generation)
    try:
        return ox.Store.read_only(str(generation))
    except OSError as exc:
        raise StoreError(f"cannot open store {generation}: {exc}", store=str(root)) from exc


#: Stores whose write lock a thread of this process took with ``writing``: resolved root → thread.
_held: dict[Path, int] = {}


@contextmanager
def writing(root: str | os.PathLike) -> Iterator[None]:
    """Hold the write lock of the store for the block, or raise ``StoreLocked`` at once.

    A writer that works before it publishes (a build reads and validates documents first) takes it
    first, so that a second writer is refused when it starts rather than after its work, and two
    writers never run side by side. One ``publishing`` block inside it, in the same thread, uses
    this lock instead of taking it again; anything else is refused as another writer.
    """
    root = Path(root)
    with _lock(root):
        key = root.resolve()
        _held[key] = threading.get_ident()
        try:
            yield
        finally:
            _held.pop(key, None)


@contextmanager
def _locked_for_publishing(root: Path) -> Iterator[None]:
    key = root.resolve() if root.exists() else None
    if key is not None and _held.get(key) == threading.get_ident():
        del _held[key]  # claimed: a nested publishing block would be another writer
        try:
            yield
        finally:
            _held[key] = threading.get_ident()
        return
    with _lock(root):
        yield


@contextmanager
def _lock(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise StoreLocked(f"store {root} is being written by another process; try again when it ends",
                              store=str(root)) from exc
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


#: The last generation number this process gave a change of each store (resolved root → number).
_numbered: dict[Path, int] = {}


@contextmanager
def publishing(root: str | os.PathLike, migrating: bool = False, base: str | None = None) -> Iterator[Writable]:
    """Yield a writable copy of the published graph and its state; publish both atomically if the
    block succeeds. With ``base``, the copy's database is that of the base kept under that name
    (``keep_base``), and its state the published generation's.

    Raises ``StoreLocked`` when another writer holds the store, ``StoreError`` when the store has
    another format (unless ``migrating``: the block brings it to ``FORMAT``) or has no such base. On
    any exception the copy is discarded and the published generation is untouched.
    """
    root = Path(root)
    with _locked_for_publishing(root):
        if not migrating:
            check_format(root)
        generations = root / GENERATIONS
        generations.mkdir(parents=True, exist_ok=True)
        _discard_unpublished(root)
        previous = current_generation(root)
        numbers = [int(p.name) for p in generations.iterdir() if p.name.isdigit()]
        # Never a number this process used before: a database it opened there may still be open.
        key = root.resolve()
        number = _numbered[key] = max(max(numbers, default=0), _numbered.get(key, 0)) + 1
        target = generations / f"{number:06d}"
        state = state_folder(target)
        start = _base_path(root, base) if base is not None else previous
        if base is not None and not start.is_dir():
            raise StoreError(f"store {root} keeps no base {base!r} to start a change from", store=str(root))
        try:
            if start is not None:
                ox.Store.read_only(str(start)).backup(str(target))
            if previous is not None:
                _link_state(state_folder(previous), state)
            state.mkdir(exist_ok=True)
            store = ox.Store(str(target))
        except OSError as exc:
            shutil.rmtree(target, ignore_errors=True)
            shutil.rmtree(state, ignore_errors=True)
            raise StoreError(f"cannot prepare a new generation in {root}: {exc}", store=str(root)) from exc
        change = _Change(store, state, root / BASES)
        del store  # from here on the change holds the only reference to the database
        try:
            yield change
            change.flush()
        except BaseException:
            change.close()  # close the database before removing its folder
            shutil.rmtree(target, ignore_errors=True)
            shutil.rmtree(state, ignore_errors=True)
            raise
        change.close()
        _fsync_written(state, change.written)
        if store_format(root) != FORMAT:  # before the swap: a format file never names a store it cannot read
            _write_format(root)
        _swap_current(root, target)
        _prune(root)


def _base_path(root: str | os.PathLike, name: str) -> Path:
    if not name or "/" in name or name.startswith("."):
        raise ValueError(f"not a base name: {name!r}")
    return Path(root) / BASES / name


def _keep_base(bases: Path, name: str, store: ox.Store) -> None:
    """Checkpoint ``store`` as the base ``name`` (hard links of its files), the only one kept: it is
    written under a temporary name and renamed, so a writer killed meanwhile leaves no half base. The
    store is compacted first: the deletions that made it (the previous documents' graphs cleared) are not
    carried as tombstones into every change started from the base, under the keys its graphs are loaded at."""
    target = _base_path(bases.parent, name)
    bases.mkdir(exist_ok=True)
    temporary = bases / f".{name}.{os.getpid()}"
    shutil.rmtree(temporary, ignore_errors=True)
    store.optimize()
    store.backup(str(temporary))
    shutil.rmtree(target, ignore_errors=True)
    os.replace(temporary, target)
    for other in bases.iterdir():  # the bases of other taxonomies, and what a killed writer left
        if other != target:
            shutil.rmtree(other, ignore_errors=True)


def _link_state(source: Path, target: Path) -> None:
    """Hard-link the state files of ``source`` into ``target``, leaving out ``PER_GENERATION`` ones."""
    if not source.is_dir():
        return
    for folder, _dirs, files in os.walk(source):
        relative = Path(folder).relative_to(source)
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in files:
            if relative == Path(".") and name in PER_GENERATION or name.startswith("."):
                continue
            os.link(Path(folder) / name, target / relative / name)


def _fsync_written(folder: Path, written: set[Path]) -> None:
    """Flush the state files a change wrote and the folders of a generation's state to disk before it
    is published; the files linked from the previous generation were flushed when they were written."""
    paths = {p for p in written if p.exists()} | {Path(f) for f, _dirs, _files in os.walk(folder)}
    for path in sorted(paths):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _write_format(root: Path) -> None:
    temporary = root / f".{FORMAT_FILE}.{os.getpid()}"
    temporary.write_text(f"{FORMAT}\n", encoding="ascii")
    os.replace(temporary, root / FORMAT_FILE)


def _swap_current(root: Path, target: Path) -> None:
    temporary = root / f".{CURRENT}.{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(os.path.relpath(target, root), temporary)
    os.replace(temporary, root / CURRENT)
    directory = os.open(root, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _discard_unpublished(root: Path) -> None:
    """Remove generations newer than ``current``: leftovers of a build that was killed."""
    current = current_generation(root)
    floor = int(current.name) if current is not None else 0
    for path in (root / GENERATIONS).iterdir():
        number = path.name.removesuffix(".state")
        if number.isdigit() and int(number) > floor:
            shutil.rmtree(path, ignore_errors=True)


def _prune(root: Path) -> None:
    current = current_generation(root)
    if current is None:
        return
    older = sorted(int(p.name) for p in (root / GENERATIONS).iterdir()
                   if p.name.isdigit() and int(p.name) < int(current.name))
    for number in older[:-KEEP_PREVIOUS] if KEEP_PREVIOUS else older:
        shutil.rmtree(root / GENERATIONS / f"{number:06d}", ignore_errors=True)
        shutil.rmtree(root / GENERATIONS / f"{number:06d}.state", ignore_errors=True)

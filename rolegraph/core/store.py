"""The on-disk store: the contract between the loader (which writes it) and the server (which reads it).

A store folder holds generations of an Oxigraph database and a ``current`` symlink to the
published one::

    STORE/current -> generations/000007
    STORE/generations/000006/  000007/
    STORE/lock

A writer takes the lock, makes the next generation as a hard-link backup of the current one,
changes it, and only then swaps ``current`` with an atomic rename. A build that fails or is
killed leaves ``current`` on the previous generation, which readers keep serving.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from .errors import StoreError, StoreLocked

CURRENT = "current"
GENERATIONS = "generations"
#: Generations kept besides the current one, so that readers still open on them keep working.
KEEP_PREVIOUS = 2


def current_generation(root: str | os.PathLike) -> Path | None:
    """The folder of the published generation, or ``None`` when nothing was ever published."""
    link = Path(root) / CURRENT
    if not link.is_symlink():
        return None
    target = link.parent / os.readlink(link)
    return target if target.is_dir() else None


def published_at(root: str | os.PathLike) -> float | None:
    """When the current generation was published (the time ``current`` was swapped), as a POSIX
    timestamp; ``None`` when nothing was published."""
    link = Path(root) / CURRENT
    return link.lstat().st_mtime if link.is_symlink() else None


def open_read_only(root: str | os.PathLike) -> ox.Store:
    """Open the published generation read-only; raise ``StoreError`` when there is none."""
    generation = current_generation(root)
    if generation is None:
        raise StoreError(f"no published graph in store {root}: run `rolegraph build` first", store=str(root))
    try:
        return ox.Store.read_only(str(generation))
    except OSError as exc:
        raise StoreError(f"cannot open store {generation}: {exc}", store=str(root)) from exc


class StoreReader:
    """A read-only handle that follows ``current``: reopens when a new generation is published.

    Open once per process and call ``get()`` per request; the check is one ``readlink``.
    """

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        self._generation: Path | None = None
        self._store: ox.Store | None = None

    def get(self) -> ox.Store:
        generation = current_generation(self.root)
        if self._store is None or generation != self._generation:
            self._store = open_read_only(self.root)
            self._generation = generation
        return self._store

    @property
    def generation(self) -> str | None:
        return self._generation.name if self._generation else None


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


@contextmanager
def publishing(root: str | os.PathLike) -> Iterator[ox.Store]:
    """Yield a writable copy of the published graph; publish it atomically if the block succeeds.

    Raises ``StoreLocked`` when another writer holds the store. On any exception the copy is
    discarded and the published generation is untouched.
    """
    root = Path(root)
    with _locked_for_publishing(root):
        generations = root / GENERATIONS
        generations.mkdir(parents=True, exist_ok=True)
        _discard_unpublished(root)
        previous = current_generation(root)
        numbers = [int(p.name) for p in generations.iterdir() if p.name.isdigit()]
        target = generations / f"{max(numbers, default=0) + 1:06d}"
        try:
            if previous is not None:
                ox.Store.read_only(str(previous)).backup(str(target))
            store = ox.Store(str(target))
        except OSError as exc:
            shutil.rmtree(target, ignore_errors=True)
            raise StoreError(f"cannot prepare a new generation in {root}: {exc}", store=str(root)) from exc
        try:
            yield store
            store.flush()
        except BaseException:
            store = None  # close the database before removing its folder
            shutil.rmtree(target, ignore_errors=True)
            raise
        store = None
        _swap_current(root, target)
        _prune(root)


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
        if path.name.isdigit() and int(path.name) > floor:
            shutil.rmtree(path, ignore_errors=True)


def _prune(root: Path) -> None:
    current = current_generation(root)
    if current is None:
        return
    older = sorted(int(p.name) for p in (root / GENERATIONS).iterdir()
                   if p.name.isdigit() and int(p.name) < int(current.name))
    for number in older[:-KEEP_PREVIOUS] if KEEP_PREVIOUS else older:
        shutil.rmtree(root / GENERATIONS / f"{number:06d}", ignore_errors=True)

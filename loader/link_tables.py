"""The taxonomies' linking tables (``link._Tables``) as an SQLite file that is read key by key.

An ``add`` or ``remove`` links again only the few entities whose labels changed; reading every table
of ESCO and ROME into memory for them (a 25 MB pickle of ~300k rows: 0.3–1.5 s) costs more than the
few thousand lookups their linking makes. So beside the pickle that a full link loads, the tables are
kept as rows ``(table, key, value)``, the value ``marshal``-encoded, and ``read_tables`` gives tables
whose every mapping is a ``Lookup``: one indexed ``SELECT`` per key asked, remembered for the process.
"""
from __future__ import annotations

import marshal
import os
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path

#: Part of the file's name: bump it when the rows' layout changes.
LAYOUT = "1"
#: The mappings of one label index (``link._Index``) and of the context (``taxonomies.context.Context``);
#: a set is kept as a mapping to True.
INDEX_TABLES = ("keys", "labels", "words", "broader")
CONTEXT_TABLES = ("ict", "credentials", "skill_type", "occupation_skills")


def tables_path(pickle_path: Path) -> Path:
    """The SQLite file kept beside the pickle of the same tables (``links-KEY.pickle``)."""
    return pickle_path.with_name(f"{pickle_path.stem}.{LAYOUT}.sqlite")


class Lookup(Mapping):
    """One table of the file as a read-only mapping; each key is looked up once."""

    def __init__(self, connection: sqlite3.Connection, table: str) -> None:
        self._connection, self._table, self._known = connection, table, {}

    def __getitem__(self, key):
        try:
            return self._known[key]
        except KeyError:
            pass
        row = self._connection.execute("SELECT value FROM entries WHERE name = ? AND key = ?",
                                       (self._table, key)).fetchone()
        if row is None:
            raise KeyError(key)
        value = self._known[key] = marshal.loads(row[0])
        return value

    def __contains__(self, key) -> bool:
        try:
            self[key]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        for (key,) in self._connection.execute("SELECT key FROM entries WHERE name = ?", (self._table,)):
            yield key

    def __len__(self) -> int:
        return self._connection.execute("SELECT COUNT(*) FROM entries WHERE name = ?", (self._table,)).fetchone()[0]


def _rows(name: str, mapping) -> Iterator[tuple[str, str, bytes]]:
    if isinstance(mapping, (set, frozenset)):
        mapping = dict.fromkeys(mapping, True)
    for key, value in mapping.items():
        yield name, key, marshal.dumps(dict(value) if isinstance(value, dict) else value)


def write_tables(path: Path, tables) -> None:
    """Write ``tables`` (a ``link._Tables``) at ``path``, replacing the files of other keys; a folder
    that cannot be written is left as it is (linking then loads the pickle)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        temporary.unlink(missing_ok=True)
        connection = sqlite3.connect(temporary)
        try:
            connection.execute("CREATE TABLE entries (name TEXT, key TEXT, value BLOB, PRIMARY KEY (name, key)) "
                               "WITHOUT ROWID")
            connection.execute("CREATE TABLE kinds (kind TEXT PRIMARY KEY)")
            for kind, index in tables.present.items():
                connection.execute("INSERT INTO kinds VALUES (?)", (kind,))
                for table in INDEX_TABLES:
                    connection.executemany("INSERT INTO entries VALUES (?, ?, ?)",
                                           _rows(f"{kind} {table}", getattr(index, table)))
            for table in CONTEXT_TABLES:
                connection.executemany("INSERT INTO entries VALUES (?, ?, ?)",
                                       _rows(f"context {table}", getattr(tables.context, table)))
            connection.commit()
        finally:
            connection.close()
        for old in path.parent.glob(path.name.split("-", 1)[0] + "-*.sqlite"):
            old.unlink(missing_ok=True)  # the tables of earlier imports are never read again
        os.replace(temporary, path)  # readers never see half a file
    except (OSError, sqlite3.Error):
        temporary.unlink(missing_ok=True)


def read_tables(path: Path, index_type, context_type, kinds: Mapping) -> object | None:
    """The kinds present and the ``context_type`` of the file at ``path`` as lookups, or None when
    there is no such file: ``(present, context)``, ``present`` mapping each kind's name to an
    ``index_type(kind, None)`` whose tables are lookups; ``kinds`` maps a kind's name to its
    ``TargetKind``."""
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        names = [kind for (kind,) in connection.execute("SELECT kind FROM kinds ORDER BY rowid")]
    except sqlite3.Error:
        return None
    present = {}
    for name in names:
        index = index_type(kinds[name], None)
        for table in INDEX_TABLES:
            setattr(index, table, Lookup(connection, f"{name} {table}"))
        present[name] = index
    context = context_type()
    for table in CONTEXT_TABLES:
        setattr(context, table, Lookup(connection, f"context {table}"))
    return present, context

"""The curated lexicon of data/lexicon: entries with canonical names, fr/en variants and attributes.

Loaded once per process (``load_lexicon`` is cached); malformed entries raise ``InputError``
naming the file and the entry.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rolegraph.core.paths import LEXICON_DIR
from rolegraph.core.errors import InputError

#: TOML table name → (file, required kind-specific keys).
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "role": ("roles.toml", ()),
    "competency": ("competencies.toml", ("type",)),
    "tool": ("tools.toml", ("category",)),
    "degree": ("qualifications.toml", ("level",)),
    "field": ("qualifications.toml", ()),
    "diploma": ("qualifications.toml", ("level",)),
    "training": ("qualifications.toml", ("type",)),
    "certification": ("qualifications.toml", ()),
    "organisation": ("qualifications.toml", ()),
    "employer": ("employers.toml", ()),
}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_COMMON = ("id", "name", "en", "fr", "esco", "rome", "exact_case")


@dataclass(frozen=True)
class Entry:
    kind: str
    id: str
    name: str
    en: tuple[str, ...]
    fr: tuple[str, ...]
    esco: tuple[str, ...] = ()
    rome: tuple[str, ...] = ()
    exact_case: bool = False
    attrs: dict = field(default_factory=dict, hash=False, compare=False)

    def get(self, key: str, default=None):
        return self.attrs.get(key, default)

    @property
    def variants(self) -> list[tuple[str, str]]:
        """(text, language) of the canonical name ("any" language) and every variant."""
        return [(self.name, "any")] + [(v, "en") for v in self.en] + [(v, "fr") for v in self.fr]

    def label(self, language: str) -> str | None:
        """A display label in ``language``: the name in English, the first French variant in French."""
        if language == "en":
            return self.name
        if self.fr:
            return _capitalise(self.fr[0])
        # Product and certification names are the same words in French.
        return self.name if self.kind in ("tool", "certification", "organisation") else None


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


class Lexicon:
    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self._by_key = {(e.kind, e.id): e for e in entries}
        self._by_kind: dict[str, list[Entry]] = {}
        for entry in entries:
            self._by_kind.setdefault(entry.kind, []).append(entry)
        # a vendor's tool ("AWS") or an issuer ("CompTIA") → the certification it stands for
        self._vendors = {(kind, id): cert for cert in self._by_kind.get("certification", ())
                         for kind, key in (("tool", "vendor_tools"), ("organisation", "vendor_organisations"))
                         for id in cert.get(key, ())}

    def get(self, kind: str, id: str) -> Entry:
        return self._by_key[(kind, id)]

    def of_kind(self, kind: str) -> list[Entry]:
        return list(self._by_kind.get(kind, ()))

    def vendor_certifications(self) -> dict[tuple[str, str], Entry]:
        """(kind, id) of a vendor's tool or an issuing organisation → the certification its name stands
        for in a sentence about certifications."""
        return self._vendors


def read_entries(folder: Path) -> list[Entry]:
    entries: list[Entry] = []
    seen: set[tuple[str, str]] = set()
    files = sorted({file for file, _ in TABLES.values()})
    for file in files:
        path = folder / file
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"cannot read lexicon file: {exc}", file=str(path)) from exc
        for table, rows in document.items():
            if table not in TABLES or TABLES[table][0] != file:
                raise InputError(f"unknown table [[{table}]] in lexicon", file=str(path))
            for position, row in enumerate(rows, 1):
                entries.append(_entry(path, table, position, row, seen))
    return entries


def _entry(path: Path, table: str, position: int, row: dict, seen: set) -> Entry:
    where = dict(file=str(path), entry=f"[[{table}]] #{position} {row.get('id', '')}".strip())
    missing = [k for k in ("id", "name", *TABLES[table][1]) if k not in row]
    if missing:
        raise InputError(f"lexicon entry lacks {', '.join(missing)}", **where)
    if not _SLUG.match(row["id"]):
        raise InputError(f"lexicon id {row['id']!r} is not a lower-case slug", **where)
    if (table, row["id"]) in seen:
        raise InputError(f"duplicate lexicon id {row['id']!r}", **where)
    seen.add((table, row["id"]))
    return Entry(
        kind=table, id=row["id"], name=row["name"],
        en=tuple(row.get("en", ())), fr=tuple(row.get("fr", ())),
        esco=tuple(row.get("esco", ())), rome=tuple(str(c) for c in row.get("rome", ())),
        exact_case=bool(row.get("exact_case", False)),
        attrs={k: v for k, v in row.items() if k not in _COMMON},
    )


@lru_cache(maxsize=4)
def load_lexicon(folder: str | None = None) -> Lexicon:
    """The lexicon of ``folder`` (data/lexicon by default), read once per process."""
    return Lexicon(read_entries(Path(folder) if folder else LEXICON_DIR))

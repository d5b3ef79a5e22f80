"""The curated lexicon of data/lexicon: entries with canonical names, fr/en variants and attributes.

Loaded once per process (``load_lexicon`` is cached) and validated as it loads (loader/lexicon_schema.py):
an unknown key, category, level or kind, a missing key, a value of the wrong type, a duplicate id or
a reference to no entry raises ``InputError`` naming the file and line.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rolegraph.core.paths import LEXICON_DIR
from rolegraph.core.errors import NOT_REGULAR, InputError

from .lexicon_schema import Locator, Problem, check_document, check_references, syntax_problem

#: TOML table name → the file that holds it (composition.toml: the grammar of loader/extract/skills.py).
FILES: dict[str, str] = {
    "role": "roles.toml", "competency": "competencies.toml", "tool": "tools.toml",
    "degree": "qualifications.toml", "field": "qualifications.toml", "diploma": "qualifications.toml",
    "training": "qualifications.toml", "certification": "qualifications.toml",
    "organisation": "qualifications.toml", "employer": "employers.toml",
    "action": "composition.toml", "object": "composition.toml",
}
#: Tables whose rows are lexicon entries (the others are the composition grammar's).
ENTRY_TABLES = tuple(t for t, f in FILES.items() if f != "composition.toml")
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
    #: The file and line of the entry's table header, for errors about it.
    where: tuple[str, int | None] = field(default=("", None), hash=False, compare=False, repr=False)

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
    """The entries of the lexicon in ``folder``; ``InputError`` names the file and line of the first
    problem (``check_lexicon`` lists them all)."""
    entries, problems = _read(folder)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more: run `rolegraph check`)" if len(problems) > 1 else ""
        raise InputError(f"lexicon: {first.message}{more}", file=first.file, line=first.line)
    return entries


def check_lexicon(folder: str | Path | None = None) -> list[Problem]:
    """Every problem of the lexicon in ``folder`` (data/lexicon by default), each with its file and line;
    an empty list means the lexicon is sound."""
    return _read(Path(folder) if folder else LEXICON_DIR)[1]


def _read(folder: Path) -> tuple[list[Entry], list[Problem]]:
    problems: list[Problem] = []
    parsed: list[tuple[str, Locator, dict]] = []
    for file in sorted(set(FILES.values())):
        path = folder / file
        if path.exists() and not path.is_file():  # a FIFO would block the read for ever
            problems.append(Problem(str(path), None, NOT_REGULAR))
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            problems.append(Problem(str(path), None, f"cannot read lexicon file: {exc.strerror or exc}"))
            continue
        except UnicodeDecodeError as exc:
            line = path.read_bytes()[:exc.start].count(b"\n") + 1
            problems.append(Problem(str(path), line, f"not UTF-8 text: {exc.reason} at byte {exc.start}"))
            continue
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            problems.append(syntax_problem(str(path), exc))
            continue
        lines = Locator(text)
        problems += check_document(str(path), lines, document, {t for t, f in FILES.items() if f == file})
        parsed.append((str(path), lines, document))
    problems += check_references(parsed)
    if problems:
        return [], sorted(problems, key=lambda p: (p.file, p.line or 0))
    return [_entry(table, row, (path, lines.entry(table, position)))
            for path, lines, document in parsed for table, rows in document.items() if table in ENTRY_TABLES
            for position, row in enumerate(rows, 1)], []


def _entry(table: str, row: dict, where: tuple[str, int | None]) -> Entry:
    return Entry(
        kind=table, id=row["id"], name=row["name"],
        en=tuple(row.get("en", ())), fr=tuple(row.get("fr", ())),
        esco=tuple(row.get("esco", ())), rome=tuple(str(c) for c in row.get("rome", ())),
        exact_case=bool(row.get("exact_case", False)),
        attrs={k: v for k, v in row.items() if k not in _COMMON}, where=where,
    )


@lru_cache(maxsize=4)
def read_grammar(name: str, what: str, path: str | None = None) -> tuple[str, dict]:
    """The path and the tables of the grammar file ``name`` of the lexicon folder (or of ``path``);
    an error names ``what`` it is and the file."""
    file = path or str(LEXICON_DIR / name)
    try:
        with open(file, "rb") as handle:
            return file, tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read the {what}: {exc}", file=file) from exc


@lru_cache(maxsize=4)
def load_lexicon(folder: str | None = None) -> Lexicon:
    """The lexicon of ``folder`` (data/lexicon by default), read once per process."""
    return Lexicon(read_entries(Path(folder) if folder else LEXICON_DIR))

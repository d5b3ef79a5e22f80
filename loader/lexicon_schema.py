"""The schema of the lexicon's TOML files (data/lexicon/README.md in a table) and the checks that hold
each file to it, every problem with its file and line.

tomllib keeps no positions, so a problem's line is found in the text: the line of the ``[[table]]``
header of the entry, or of the offending key within it.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from rolegraph.core.vocabulary import RG

#: A check of one value: the words that describe what it must be, and the test.
Check = tuple[str, Callable[[object], bool]]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ROME = re.compile(r"^(?:[A-N]\d{4}|\d{1,7})$")  # a fiche code (M1855) or an OGR appellation code


def _notations(prefix: str) -> tuple[str, ...]:
    """The notations of the concepts of one of the ontology's schemes (``tool-`` → language, framework…):
    the ontology owns these values, the lexicon only uses them."""
    return tuple(sorted(term[len(prefix):] for term in dir(RG) if term.startswith(prefix)))


#: Competency types: the classes rg:Skill, rg:Knowledge and rg:SoftSkill.
COMPETENCY_TYPES = ("skill", "knowledge", "soft")
TOOL_CATEGORIES = _notations("tool-")
TRAINING_TYPES = _notations("training-")
EMPLOYER_TYPES = _notations("employer-")
#: French education levels (rg:level-bac2 is "bac+2"); "unknown" only on a generic degree word.
LEVELS = ("bac", "bac+2", "bac+3", "bac+5", "bac+8", "other")


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _texts(value) -> bool:
    return isinstance(value, list) and all(_text(v) for v in value)


def _one_of(values: Iterable[str]) -> Check:
    values = tuple(values)
    return f"one of {', '.join(values)}", lambda v: v in values


TEXT: Check = ("a non-empty text", _text)
TEXTS: Check = ("a list of non-empty texts", _texts)
SLUG: Check = ("a lower-case slug ([a-z0-9][a-z0-9-]*)", lambda v: isinstance(v, str) and bool(_SLUG.match(v)))
SLUGS: Check = ("a list of lower-case slugs", lambda v: isinstance(v, list) and all(SLUG[1](x) for x in v))
BOOLEAN: Check = ("true or false", lambda v: isinstance(v, bool))
EQF: Check = ("a whole number from 1 to 8", lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 8)
ESCO_IRIS: Check = ("a list of ESCO concept IRIs (http://data.europa.eu/esco/…)",
                    lambda v: _texts(v) and all(x.startswith("http://data.europa.eu/esco/") and " " not in x for x in v))
ROME_CODES: Check = ("a list of ROME codes (fiche codes such as M1855, or OGR appellation codes)",
                     lambda v: isinstance(v, list) and all(isinstance(x, str) and _ROME.match(x) for x in v))

_ENTRY = {"id": SLUG, "name": TEXT, "en": TEXTS, "fr": TEXTS, "esco": ESCO_IRIS, "rome": ROME_CODES,
          "exact_case": BOOLEAN}
_FORMS = {"id": SLUG, "en": TEXTS, "fr": TEXTS}


@dataclass(frozen=True)
class Table:
    """The keys a row of ``[[name]]`` may have, and those it must have."""

    keys: dict[str, Check]
    required: tuple[str, ...]


TABLES: dict[str, Table] = {
    "role": Table(_ENTRY, ("id", "name")),
    "competency": Table({**_ENTRY, "type": _one_of(COMPETENCY_TYPES), "document": BOOLEAN,
                          "compound": BOOLEAN, "as_written": TEXTS}, ("id", "name", "type")),
    "tool": Table({**_ENTRY, "category": _one_of(TOOL_CATEGORIES)}, ("id", "name", "category")),
    "degree": Table({**_ENTRY, "level": _one_of(LEVELS + ("unknown",)), "eqf": EQF, "generic": BOOLEAN,
                     "names_a_role": BOOLEAN},
                    ("id", "name", "level")),
    "field": Table(_ENTRY, ("id", "name")),
    "diploma": Table({**_ENTRY, "level": _one_of(LEVELS), "eqf": EQF}, ("id", "name", "level")),
    "training": Table({**_ENTRY, "type": _one_of(TRAINING_TYPES)}, ("id", "name", "type")),
    "certification": Table({**_ENTRY, "issuer": SLUG, "vendor_tools": SLUGS, "vendor_organisations": SLUGS},
                           ("id", "name")),
    "organisation": Table(_ENTRY, ("id", "name")),
    "employer": Table({**_ENTRY, "id": _one_of(EMPLOYER_TYPES)}, ("id", "name")),
    "action": Table({**_FORMS, "noun": TEXT}, ("id", "noun")),
    "object": Table({**_FORMS, "name": TEXT, "system": BOOLEAN, "generic": BOOLEAN}, ("id", "name")),
}
#: Keys whose values name other entries: (table, key) → the table of the entries they name.
REFERENCES = {("certification", "issuer"): "organisation", ("certification", "vendor_tools"): "tool",
              ("certification", "vendor_organisations"): "organisation"}


@dataclass(frozen=True)
class Problem:
    """What is wrong in a lexicon file, and where."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}{'' if self.line is None else f':{self.line}'}: {self.message}"


_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]")
_SYNTAX_LINE = re.compile(r"at line (\d+)")


class Locator:
    """Lines of one file's text: of each ``[[table]]`` header, and of a key within an entry."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers = [number for number, line in enumerate(self.lines, 1) if _HEADER.match(line)]
        self.starts: dict[str, list[int]] = {}
        for number in self.headers:
            self.starts.setdefault(_HEADER.match(self.lines[number - 1])[1], []).append(number)

    def entry(self, table: str, position: int) -> int | None:
        """The line of the ``position``-th (from 1) ``[[table]]`` header; None when the file does not
        write its tables as headers."""
        starts = self.starts.get(table, ())
        return starts[position - 1] if position <= len(starts) else None

    def key(self, start: int | None, key: str) -> int | None:
        """The line of ``key`` in the entry whose header is on line ``start`` (``start`` when not found)."""
        if start is None:
            return None
        end = next((n for n in self.headers[bisect.bisect_right(self.headers, start):]), len(self.lines) + 1)
        pattern = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*=""")
        return next((n for n in range(start + 1, end) if pattern.match(self.lines[n - 1])), start)

    def table(self, table: str) -> int | None:
        """The first line that opens ``table``: a header (``[[t]]``, ``[t]``, ``[t.x]``) or a key ``t =``."""
        pattern = re.compile(rf"^\s*(?:\[\[?\s*{re.escape(table)}\s*[\].]|{re.escape(table)}\s*[=.])")
        return next((n for n, line in enumerate(self.lines, 1) if pattern.match(line)), None)


def syntax_problem(file: str, error: Exception) -> Problem:
    """A TOML syntax error as a problem; tomllib puts the line in its message only."""
    found = _SYNTAX_LINE.search(str(error))
    return Problem(file, int(found[1]) if found else None, f"TOML syntax error: {error}")


def check_document(file: str, lines: Locator, document: dict, tables: set[str]) -> list[Problem]:
    """Every problem of one parsed file whose tables may be ``tables``: unknown tables and keys, missing
    keys, values of the wrong type or outside their closed list, duplicate ids, and a form that two entries
    of one table claim (which concept it names would be left to the order of the file)."""
    problems: list[Problem] = []
    for table, rows in document.items():
        if table not in tables:
            problems.append(Problem(file, lines.table(table), f"unknown table [[{table}]]; this file holds "
                                    f"{', '.join(f'[[{t}]]' for t in sorted(tables))}"))
            continue
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            problems.append(Problem(file, lines.table(table),
                                    f"{table} must be an array of tables, written [[{table}]]"))
            continue
        schema, seen, forms = TABLES[table], {}, {}
        for position, row in enumerate(rows, 1):
            start = lines.entry(table, position)
            where = lambda key=None: start if key is None else lines.key(start, key)  # noqa: E731
            name = f"[[{table}]] {row['id']!r}" if isinstance(row.get("id"), str) else f"[[{table}]] #{position}"
            missing = [key for key in schema.required if key not in row]
            if missing:
                problems.append(Problem(file, where(), f"{name} lacks {', '.join(missing)}"))
            for key, value in row.items():
                check = schema.keys.get(key)
                if check is None:
                    problems.append(Problem(file, where(key), f"{name}: unknown key {key!r}; expected one of "
                                                              f"{', '.join(schema.keys)}"))
                elif not check[1](value):
                    problems.append(Problem(file, where(key), f"{name}: {key} = {_shown(value)} is not {check[0]}"))
            if isinstance(row.get("id"), str):
                if row["id"] in seen:
                    problems.append(Problem(file, where("id"), f"{name}: duplicate id, first at line {seen[row['id']]}"))
                else:
                    seen[row["id"]] = start
            for language in ("en", "fr"):
                for form in row.get(language) or () if _texts(row.get(language)) else ():
                    first = forms.setdefault((language, form.casefold()), (position, name, start))
                    if first[0] != position:
                        problems.append(Problem(file, where(language), f"{name}: the {language} form {form!r} "
                                                f"is already a form of {first[1]} (line {first[2]}); a form "
                                                "names one concept"))
            if table == "degree" and row.get("level") == "unknown" and row.get("generic") is not True:
                problems.append(Problem(file, where("level"), f"{name}: level 'unknown' is only for a generic "
                                                              "degree word (generic = true)"))
    return problems


def check_references(files: list[tuple[str, Locator, dict]]) -> list[Problem]:
    """Values that name other entries (a certification's issuer, vendor tools) and name none, across the
    parsed ``files`` (file, its lines, its document)."""
    ids = {(table, row.get("id")) for _, _, document in files for table, rows in document.items()
           if isinstance(rows, list) for row in rows if isinstance(row, dict)}
    problems = []
    for file, lines, document in files:
        for (table, key), target in REFERENCES.items():
            for position, row in enumerate(document.get(table, ()), 1):
                if not isinstance(row, dict) or key not in row or not TABLES[table].keys[key][1](row[key]):
                    continue  # absent, or of the wrong type (reported as such)
                for value in row[key] if isinstance(row[key], list) else [row[key]]:
                    if (target, value) not in ids:
                        line = lines.key(lines.entry(table, position), key)
                        problems.append(Problem(file, line, f"[[{table}]] {row.get('id')!r}: {key} {value!r} "
                                                            f"names no [[{target}]]"))
    return problems


def _shown(value) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "…"

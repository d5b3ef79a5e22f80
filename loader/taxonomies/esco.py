"""ESCO's CSV export → RDF in ESCO's own model (``esco:``) and with ESCO's own concept IRIs.

One export (one version, one language) goes into the named graph ``<base>graph/esco-<lang>``; importing
another version of that language replaces it, other languages and graphs are untouched. Files are
found by name anywhere below the folder and read by column name, so the v1.1.x and v1.2.x layouts
(v1.2.1 adds ``naceCode``; v1.2 relation files add label columns, which are ignored) both work.

Mapping, per ESCO's ``dictionary_<lang>.csv``:
  occupations    skos:Concept, esco:Occupation; esco:memberOfISCOGroup isco/C<iscoGroup> (the model's property
                 for that column, where the dictionary says skos:notation); skos:notation code;
                 esco:hasNACECode; esco:regulatedProfessionNote
  skills         skos:Concept, esco:Skill; esco:skillType skill-type/{skill,knowledge};
                 esco:skillReuseLevel skill-reuse-level/<value>
  ISCO groups    skos:Concept, esco:ISCOGroup, esco:GroupConcept; skos:notation code
  skill groups   skos:Concept, esco:GroupConcept (not esco:Skill: they structure the pillar, they are not skills)
  all concepts   skos:prefLabel / altLabel / hiddenLabel (one per line of the cell), skos:definition,
                 dcterms:description, skos:scopeNote (all tagged with the file's language),
                 skos:inScheme, dcterms:modified, isothes:status
  relations      occupation esco:relatedEssentialSkill / esco:relatedOptionalSkill skill; the same two
                 properties from skill to skill (skillSkillRelations, original → related); skos:broader
                 for both pillars; concept schemes with skos:hasTopConcept.
Records that repeat a conceptUri (the v1.2.1 export has a few) keep the one modified last.
"""
from __future__ import annotations

import os
import re
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox

from rolegraph.core.naming import esco_graph, graph_iri
from rolegraph.core.vocabulary import ESCO_ID, OX
from rolegraph.core.errors import UsageError, require_regular
from rolegraph.core.store import Store, Writable

from . import ImportResult, RowProblem, esco_labels, iri, read_csv, split_cell
from .dataset import Source, checksum, replace_graph

SOURCE = Source(
    title="ESCO classification",
    publisher="http://publications.europa.eu/resource/authority/corporate-body/COM",
    publisher_name="European Commission",
    # Reuse of Commission documents (Decision 2011/833/EU), as third parties cite it for ESCO; the ESCO
    # portal's own licence text was not retrieved (see shared/reference/esco/README.md).
    license="http://data.europa.eu/eli/dec/2011/833/oj",
    rights="This service uses the ESCO classification of the European Commission.",
    rights_language="en",
)

_LANG = r"(?P<lang>[a-z]{2,3}(?:-[a-z]+)?)"
#: kind → file name pattern; relation files are language-independent in v1.1 and suffixed in v1.2.
FILES = {
    "occupations": rf"occupations_{_LANG}\.csv",
    "skills": rf"skills_{_LANG}\.csv",
    "isco_groups": rf"ISCOGroups_{_LANG}\.csv",
    "skill_groups": rf"skillGroups_{_LANG}\.csv",
    "concept_schemes": rf"conceptSchemes_{_LANG}\.csv",
    "occupation_skill": rf"occupationSkillRelations(?:_{_LANG})?\.csv",
    "broader_occupation": rf"broaderRelationsOccPillar(?:_{_LANG})?\.csv",
    "broader_skill": rf"broaderRelationsSkillPillar(?:_{_LANG})?\.csv",
    "skill_skill": rf"skillSkillRelations(?:_{_LANG})?\.csv",
}

A, CONCEPT, NOTATION, BROADER = OX.RDF.type, OX.SKOS.Concept, OX.SKOS.notation, OX.SKOS.broader
IN_SCHEME, MODIFIED, STATUS, DATETIME = OX.SKOS.inScheme, OX.DCTERMS.modified, OX.ISOTHES.status, OX.XSD.dateTime
ESSENTIAL, OPTIONAL = OX.ESCO.relatedEssentialSkill, OX.ESCO.relatedOptionalSkill
RELATION = {"essential": ESSENTIAL, "optional": OPTIONAL}
SKILL_TYPES = {"skill/competence": OX.ESCO_ID["skill-type/skill"], "knowledge": OX.ESCO_ID["skill-type/knowledge"]}
#: column → (property, separator of a multi-valued cell or None); text columns carry the file's language.
TEXT_COLUMNS = {
    "preferredLabel": (OX.SKOS.prefLabel, None),
    "altLabels": (OX.SKOS.altLabel, "\n"),
    "hiddenLabels": (OX.SKOS.hiddenLabel, "\n"),
    "definition": (OX.SKOS.definition, None),
    "description": (OX.DCTERMS.description, None),
    "scopeNote": (OX.SKOS.scopeNote, None),
}
CLASSES = {
    "occupations": (CONCEPT, OX.ESCO.Occupation),
    "skills": (CONCEPT, OX.ESCO.Skill),
    "isco_groups": (CONCEPT, OX.ESCO.ISCOGroup, OX.ESCO.GroupConcept),
    "skill_groups": (CONCEPT, OX.ESCO.GroupConcept),
}
_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")

Triples = Iterator[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]]


class _Reader:
    """The state one import shares across files: language, counts, problems."""

    def __init__(self, root: Path, lang: str) -> None:
        self.root, self.lang = root, lang
        self.counts: Counter = Counter()
        self.problems: list[RowProblem] = []

    def rows(self, path: Path, required: tuple[str, ...]) -> Iterator[tuple[str, int, dict[str, str]]]:
        label = path.relative_to(self.root).as_posix()
        for line, row in read_csv(path, self.problems, required, name=label):
            yield label, line, row

    def concept(self, label: str, line: int, row: dict, column: str) -> ox.NamedNode | None:
        """The ESCO IRI in ``column``, or ``None`` after reporting the record."""
        value = row.get(column, "").strip()
        found = iri(value) if value.startswith(str(ESCO_ID)) else None
        if found is None:
            self.problems.append(RowProblem(label, line, f"bad IRI in {column}: {value!r}"))
        return found


def _latest(reader: _Reader, rows: Iterable[tuple[str, int, dict]], key: str) -> list[tuple[str, int, dict]]:
    """One record per ``key`` value: the one modified last; the others are reported."""
    chosen: dict[str, tuple[str, int, dict]] = {}
    for label, line, row in rows:
        value = row[key].strip()
        if value in chosen:
            kept = chosen[value]
            newer = row.get("modifiedDate", "") > kept[2].get("modifiedDate", "")
            dropped, winner = ((kept, (label, line, row)) if newer else ((label, line, row), kept))
            reader.problems.append(RowProblem(label, dropped[1], f"{key} {value} repeats line {winner[1]}; "
                                                                 "kept the record modified last"))
            chosen[value] = winner
        else:
            chosen[value] = (label, line, row)
    return sorted(chosen.values(), key=lambda item: item[1])


def _concepts(reader: _Reader, path: Path, kind: str) -> Triples:
    lang = reader.lang
    for label, line, row in _latest(reader, reader.rows(path, ("conceptUri", "preferredLabel")), "conceptUri"):
        subject = reader.concept(label, line, row, "conceptUri")
        if subject is None:
            continue
        reader.counts[kind] += 1
        for cls in CLASSES[kind]:
            yield subject, A, cls
        for column, (predicate, separator) in TEXT_COLUMNS.items():
            for text in split_cell(row.get(column, ""), separator or ""):
                yield subject, predicate, ox.Literal(text, language=lang)
        for scheme in split_cell(row.get("inScheme", ""), ",\n "):
            if (scheme_iri := iri(scheme)) is not None:
                yield subject, IN_SCHEME, scheme_iri
        if code := row.get("code", "").strip():
            yield subject, NOTATION, ox.Literal(code)
        if _DATETIME.fullmatch(modified := row.get("modifiedDate", "").strip()):
            yield subject, MODIFIED, ox.Literal(modified, datatype=DATETIME)
        if status := row.get("status", "").strip():
            yield subject, STATUS, ox.Literal(status)
        yield from _EXTRAS.get(kind, lambda *_: ())(reader, label, line, row, subject)


def _occupation_extras(reader: _Reader, label: str, line: int, row: dict, subject: ox.NamedNode) -> Triples:
    if (group := row.get("iscoGroup", "").strip()).isdigit():
        yield subject, OX.ESCO.memberOfISCOGroup, OX.ESCO_ID[f"isco/C{group}"]
    if (note := iri(row.get("regulatedProfessionNote", ""))) is not None:
        yield subject, OX.ESCO.regulatedProfessionNote, note
    for code in split_cell(row.get("naceCode", ""), ",\n "):
        if (nace := iri(code)) is not None:
            yield subject, OX.ESCO.hasNACECode, nace


def _skill_extras(reader: _Reader, label: str, line: int, row: dict, subject: ox.NamedNode) -> Triples:
    skill_type = row.get("skillType", "").strip()
    if skill_type in SKILL_TYPES:
        yield subject, OX.ESCO.skillType, SKILL_TYPES[skill_type]
    elif skill_type:
        reader.problems.append(RowProblem(label, line, f"unknown skillType {skill_type!r}; imported without it"))
    if re.fullmatch(r"[a-z]+(-[a-z]+)*", reuse := row.get("reuseLevel", "").strip()):
        yield subject, OX.ESCO.skillReuseLevel, OX.ESCO_ID[f"skill-reuse-level/{reuse}"]


_EXTRAS: dict[str, Callable] = {"occupations": _occupation_extras, "skills": _skill_extras}


def _schemes(reader: _Reader, path: Path, kind: str) -> Triples:
    for label, line, row in reader.rows(path, ("conceptSchemeUri",)):
        scheme = reader.concept(label, line, row, "conceptSchemeUri")
        if scheme is None:
            continue
        reader.counts[kind] += 1
        yield scheme, A, OX.SKOS.ConceptScheme
        for column, predicate in (("preferredLabel", OX.SKOS.prefLabel), ("title", OX.DCTERMS.title),
                                  ("description", OX.DCTERMS.description)):
            if text := row.get(column, "").strip():
                yield scheme, predicate, ox.Literal(text, language=reader.lang)
        for top in split_cell(row.get("hasTopConcept", ""), ",\n "):
            if (top_iri := iri(top)) is not None:
                yield scheme, OX.SKOS.hasTopConcept, top_iri


def _pairs(columns: tuple[str, str], typed: bool) -> Callable[[_Reader, Path, str], Triples]:
    """A reader of a relation file: ``columns`` name the subject and object IRIs; ``typed`` files say
    essential or optional in ``relationType``, the others are skos:broader."""
    def emit(reader: _Reader, path: Path, kind: str) -> Triples:
        for label, line, row in reader.rows(path, columns + (("relationType",) if typed else ())):
            relation = row["relationType"].strip() if typed else "broader"
            predicate = RELATION.get(relation) if typed else BROADER
            if predicate is None:
                reader.problems.append(RowProblem(label, line, f"unknown relationType {relation!r}"))
                continue
            subject = reader.concept(label, line, row, columns[0])
            target = reader.concept(label, line, row, columns[1]) if subject is not None else None
            if target is None:
                continue
            reader.counts[kind] += 1
            if typed:
                reader.counts[f"{kind}_{relation}"] += 1
            yield subject, predicate, target
    return emit


#: kind → the function that turns its file into triples (a registry, so new kinds are one line).
EMITTERS: dict[str, Callable[[_Reader, Path, str], Triples]] = {
    "occupations": _concepts, "skills": _concepts, "isco_groups": _concepts, "skill_groups": _concepts,
    "concept_schemes": _schemes,
    "occupation_skill": _pairs(("occupationUri", "skillUri"), typed=True),
    "skill_skill": _pairs(("originalSkillUri", "relatedSkillUri"), typed=True),
    "broader_occupation": _pairs(("conceptUri", "broaderUri"), typed=False),
    "broader_skill": _pairs(("conceptUri", "broaderUri"), typed=False),
}


def find_export(folder: Path) -> tuple[dict[str, Path], set[str]]:
    """The ESCO files below ``folder`` by kind, and the languages their names carry."""
    found: dict[str, Path] = {}
    languages: set[str] = set()
    for path in sorted(folder.rglob("*.csv")):
        require_regular(path)  # before its header is read
        for kind, pattern in FILES.items():
            if match := re.fullmatch(pattern, path.name, flags=re.IGNORECASE):
                if kind in found:
                    raise UsageError(f"two ESCO {kind} files under {folder}: {found[kind]} and {path}; "
                                     "give the folder of one export")
                found[kind] = path
                if match["lang"]:
                    languages.add(match["lang"].lower())
    # Concepts before relations, whatever the file names: problems are then listed in that order.
    return {kind: found[kind] for kind in FILES if kind in found}, languages


def detect_version(folder: Path) -> str | None:
    """The version in the nearest folder name like ``v1.2.1`` (``folder`` itself or a parent), without the v."""
    for part in (folder.resolve(), *folder.resolve().parents):
        if match := re.fullmatch(r"v?(\d+(?:\.\d+)+)", part.name, flags=re.IGNORECASE):
            return match[1]
    return None


def import_esco(store_path: Store | str | os.PathLike, folder: str | os.PathLike, base_iri: str,
                version: str | None = None, then: Callable[[Writable], object] | None = None) -> ImportResult:
    """Import one ESCO CSV export (one version, one language) into ``<base>graph/esco-<lang>``, or a third
    party's labels-only files (``conceptUri, preferredLabel, altLabels``) into ``esco-<lang>-thirdparty``.

    ``version`` defaults to the nearest folder name like ``v1.1.1``. Raises ``UsageError`` when the folder
    holds no export, several languages, or no version can be told; ``InputError`` when a file lacks a
    required column. Malformed records are skipped and listed in ``ImportResult.problems``.
    """
    started = time.perf_counter()
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    files, languages = find_export(folder)
    if not {"occupations", "skills"} & files.keys():
        raise UsageError(f"no ESCO export under {folder}: expected occupations_<lang>.csv or skills_<lang>.csv")
    if len(languages) != 1:
        raise UsageError(f"one language per import, found {', '.join(sorted(languages))} under {folder}")
    if all(esco_labels.is_labels_only(path) for path in files.values()):
        # A third party's labels (no version of its own): a fallback graph, never mixed with a release.
        return esco_labels.import_labels(store_path, folder, files, languages.pop(), base_iri,
                                         (version or detect_version(folder) or "api").removeprefix("v"), then)
    version = (version or detect_version(folder) or "").removeprefix("v")
    if not version:
        raise UsageError(f"cannot tell the ESCO version of {folder}: name its folder v<version> or pass a version")
    lang = languages.pop()
    reader = _Reader(folder, lang)
    digest = checksum(files.values(), folder, "esco", version, lang)

    def quads(graph: ox.NamedNode) -> Iterator[ox.Quad]:
        for kind, path in files.items():
            for s, p, o in EMITTERS[kind](reader, path, kind):
                yield ox.Quad(s, p, o, graph)

    return replace_graph(store_path, str(graph_iri(base_iri, esco_graph(lang))), source=SOURCE, version=version,
                         folder=folder, digest=digest, quads=quads, counts=reader.counts,
                         problems=reader.problems, started=started, then=then)

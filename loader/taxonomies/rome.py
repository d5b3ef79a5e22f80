"""ROME 4.0 (France Travail's ``unix_*_v<version>_utf8.csv`` export) → SKOS, in the named graph
``<base>graph/rome``, replaced whole by each import.

IRIs are minted under the base from ROME's own codes, and every code is a ``skos:notation``:
  {base}rome/domaine/{A | A11}     grands domaines (top concepts) and domaines professionnels (broader: grand domaine)
  {base}rome/fiche/{M1805}         fiches (also schema:Occupation); broader: domaine professionnel, and the
                                   ROME v3 fiche in ``code_rome_parent`` when it is another fiche;
                                   skos:definition and schema:educationRequirements from unix_texte
  {base}rome/appellation/{ogr}     appellations; broader: their fiche; the short label as skos:altLabel
  {base}rome/competence/{ogr}      savoir-faire, savoir-être and macro-compétences (broader of a compétence)
  {base}rome/savoir/{ogr}          savoirs
  {base}rome/contexte/{ogr}        contextes de travail
Each kind is a concept scheme ``{base}rome/scheme/{kind}``. A column of flags becomes SKOS collections:
a column of O/N is the collection ``{base}rome/collection/{kind}/{column}`` of the rows that say O, any
other column (categories, ``transition_eco``, PRINCIPALE/SYNONYME) one collection per value.

Links, with no term of our own:
  fiche schema:skills compétence or savoir; fiche skos:related contexte (unix_coherence_item, which holds
  the pairs of blocs 5 and 6 of unix_liens_rome_referentiels; that file is read only when it is absent);
  fiche skos:related fiche for each mobilité.
N-ary nodes, typed rdf:Statement (RDF's own reification) and naming the link they qualify with
rdf:subject / rdf:predicate / rdf:object:
  {base}rome/mobilite/{from}-{to}  schema:position = ``numero_ordre`` (the rank of the target among the
                                   fiche's mobilités)
  {base}rome/lien/{fiche}-{ogr}    only for links with a ``coeur_metier`` flag: dcterms:type
                                   {base}rome/coeur-metier/{principale | emergente}
"""
from __future__ import annotations

import os
import re
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Iterator

import pyoxigraph as ox

from rolegraph.core.naming import ROME_GRAPH, graph_iri, rome_iri, slug
from rolegraph.core.vocabulary import OX
from rolegraph.core.errors import UsageError
from rolegraph.core.store import Store, Writable

from . import ImportResult, RowProblem, read_csv
from .dataset import Source, checksum, replace_graph

SOURCE = Source(
    title="ROME 4.0 — Répertoire opérationnel des métiers et des emplois",
    publisher="https://www.francetravail.fr/",
    publisher_name="France Travail",
    license="https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    rights="Licence Ouverte / Open Licence",
    rights_language="fr",
)
FILE = re.compile(r"unix_(?P<name>[a-z_]+?)_(?P<version>v\d+)_utf8\.csv", re.IGNORECASE)

A, CONCEPT, NOTATION, BROADER = OX.RDF.type, OX.SKOS.Concept, OX.SKOS.notation, OX.SKOS.broader
PREF, ALT, IN_SCHEME, RELATED, SKILLS = (OX.SKOS.prefLabel, OX.SKOS.altLabel, OX.SKOS.inScheme,
                                         OX.SKOS.related, OX.SDO.skills)
MEMBER = OX.SKOS.member
STATEMENT, SUBJECT, PREDICATE, OBJECT = (OX.RDF.Statement, OX.RDF.subject, OX.RDF.predicate,
                                         OX.RDF.object)
SCHEME_LABELS = {"domaine": "ROME — domaines professionnels", "fiche": "ROME — fiches métiers",
                 "appellation": "ROME — appellations", "competence": "ROME — compétences",
                 "savoir": "ROME — savoirs", "contexte": "ROME — contextes de travail",
                 "coeur-metier": "ROME — place d'une compétence dans le cœur de métier"}
#: Columns of each kind that become collections, and the French name of the O/N ones.
GROUPING = {
    "fiche": ("transition_eco", "transition_num", "transition_demo", "emploi_reglemente", "emploi_cadre"),
    "appellation": ("transition_eco", "transition_num", "transition_demo", "emploi_reglemente", "emploi_cadre",
                    "classification", "peu_usite"),
    "competence": ("nature", "cat_comp", "sous_cat_comp", "transition_eco", "transition_num",
                   "libelle_heterogeneite", "libelle_origine"),
    "savoir": ("categorie_savoir", "sous_categorie_savoir", "transition_eco", "transition_num"),
}
FLAG_LABELS = {"transition_eco": "Emploi de la transition écologique", "transition_num": "Emploi de la transition numérique",
               "transition_demo": "Emploi de la transition démographique", "emploi_reglemente": "Emploi réglementé",
               "emploi_cadre": "Emploi cadre", "peu_usite": "Appellation peu usitée"}
FICHE, OGR = re.compile(r"[A-Z]\d{4}"), re.compile(r"\d+")
GRAND_DOMAINE, DOMAINE = re.compile(r"[A-Z]"), re.compile(r"[A-Z]\d\d")
#: What the items of unix_coherence_item link a fiche to, by the kind of the item's OGR code.
LINK_PREDICATES = {"competence": SKILLS, "savoir": SKILLS, "contexte": RELATED}

Triples = Iterator[tuple]


class _Rome:
    """One import: the minted IRIs, the codes seen so far (links are checked against them), counts, problems."""

    def __init__(self, folder: Path, files: dict[str, Path], base: str) -> None:
        self.folder, self.files, self.base = folder, files, base
        self.counts: Counter = Counter()
        self.problems: list[RowProblem] = []
        self.kind_of: dict[str, str] = {}  # OGR code of an item → competence, savoir or contexte
        self.fiches: set[str] = set()
        self.minted: set[str] = set()  # schemes and collections already described

    def mint(self, kind: str, code: str) -> ox.NamedNode:
        return ox.NamedNode(rome_iri(self.base, kind, code))

    def rows(self, name: str, required: tuple[str, ...]) -> Iterator[tuple[str, int, dict[str, str]]]:
        if name in self.files:
            label = self.files[name].relative_to(self.folder).as_posix()
            for line, row in read_csv(self.files[name], self.problems, required, name=label):
                yield label, line, {k: v.strip() for k, v in row.items()}

    def code(self, label: str, line: int, value: str, pattern: re.Pattern, what: str) -> bool:
        if pattern.fullmatch(value):
            return True
        self.problems.append(RowProblem(label, line, f"bad {what} code {value!r}"))
        return False

    def once(self, key: str, triples: list) -> list:
        """``triples`` the first time ``key`` is seen, else nothing (schemes and collections are described once)."""
        if key in self.minted:
            return []
        self.minted.add(key)
        return triples

    def concept(self, kind: str, code: str, label: str, *notations: str) -> Triples:
        subject = self.mint(kind, code)
        scheme = self.mint("scheme", kind)
        yield from self.once(f"scheme/{kind}", [(scheme, A, OX.SKOS.ConceptScheme),
                                                (scheme, PREF, ox.Literal(SCHEME_LABELS[kind], language="fr"))])
        yield subject, A, CONCEPT
        yield subject, IN_SCHEME, scheme
        yield subject, PREF, ox.Literal(label, language="fr")
        for notation in (code, *notations):
            yield subject, NOTATION, ox.Literal(notation)

    def groupings(self, kind: str, subject: ox.NamedNode, row: dict[str, str]) -> Triples:
        for column in GROUPING[kind]:
            value = row.get(column, "")
            if value in ("", "N"):
                continue
            if value == "O":
                path, name = f"{kind}/{slug(column)}", FLAG_LABELS.get(column, column)
            else:
                path, name = f"{kind}/{slug(column)}/{slug(value)}", value
            key, collection = f"collection/{path}", self.mint("collection", path)
            yield from self.once(key, [(collection, A, OX.SKOS.Collection),
                                       (collection, PREF, ox.Literal(name, language="fr")),
                                       (collection, NOTATION, ox.Literal(column))])
            yield collection, MEMBER, subject

    def statement(self, node_iri: ox.NamedNode, subject, predicate, target) -> Triples:
        yield subject, predicate, target
        yield node_iri, A, STATEMENT
        yield node_iri, SUBJECT, subject
        yield node_iri, PREDICATE, predicate
        yield node_iri, OBJECT, target


def _domaines(rome: _Rome) -> Triples:
    for label, line, row in rome.rows("grand_domaine", ("code_grand_domaine", "libelle_grand_domaine")):
        if rome.code(label, line, code := row["code_grand_domaine"], GRAND_DOMAINE, "grand domaine"):
            rome.counts["grands_domaines"] += 1
            yield from rome.concept("domaine", code, row["libelle_grand_domaine"])
            yield rome.mint("domaine", code), OX.SKOS.topConceptOf, rome.mint("scheme", "domaine")
    for label, line, row in rome.rows("domaine_professionnel", ("code_domaine_professionnel", "libelle_domaine_professionnel")):
        if rome.code(label, line, code := row["code_domaine_professionnel"], DOMAINE, "domaine"):
            rome.counts["domaines_professionnels"] += 1
            yield from rome.concept("domaine", code, row["libelle_domaine_professionnel"])
    # The file spells the column "professionel"; accept the correct spelling too.
    for label, line, row in rome.rows("cr_gd_dp", ("code_rome", "code_grand_domaine")):
        dp = row.get("code_domaine_professionel") or row.get("code_domaine_professionnel", "")
        if row["code_rome"] not in rome.fiches:
            rome.problems.append(RowProblem(label, line, f"unknown fiche {row['code_rome']!r}"))
        elif (rome.code(label, line, dp, DOMAINE, "domaine")
                and rome.code(label, line, row["code_grand_domaine"], GRAND_DOMAINE, "grand domaine")):
            yield rome.mint("fiche", row["code_rome"]), BROADER, rome.mint("domaine", dp)
            yield rome.mint("domaine", dp), BROADER, rome.mint("domaine", row["code_grand_domaine"])


def _fiches(rome: _Rome) -> Triples:
    for label, line, row in rome.rows("referentiel_code_rome", ("code_rome", "libelle_rome")):
        if not rome.code(label, line, code := row["code_rome"], FICHE, "fiche"):
            continue
        rome.fiches.add(code)
        rome.counts["fiches"] += 1
        subject = rome.mint("fiche", code)
        yield from rome.concept("fiche", code, row["libelle_rome"])
        yield subject, A, OX.SDO.Occupation
        if row.get("code_ogr"):
            yield subject, OX.DCTERMS.identifier, ox.Literal(row["code_ogr"])
        if (parent := row.get("code_rome_parent", "")) and parent != code and FICHE.fullmatch(parent):
            yield subject, BROADER, rome.mint("fiche", parent)
        yield from rome.groupings("fiche", subject, row)


def _appellations(rome: _Rome) -> Triples:
    for label, line, row in rome.rows("referentiel_appellation", ("code_ogr", "libelle_appellation_long", "code_rome")):
        code, fiche = row["code_ogr"], row["code_rome"]
        if not rome.code(label, line, code, OGR, "OGR"):
            continue
        if fiche not in rome.fiches:
            rome.problems.append(RowProblem(label, line, f"appellation {code} of unknown fiche {fiche!r}"))
            continue
        rome.counts["appellations"] += 1
        subject = rome.mint("appellation", code)
        yield from rome.concept("appellation", code, row["libelle_appellation_long"])
        if (short := row.get("libelle_appellation_court", "")) and short != row["libelle_appellation_long"]:
            yield subject, ALT, ox.Literal(short, language="fr")
        yield subject, BROADER, rome.mint("fiche", fiche)
        yield from rome.groupings("appellation", subject, row)


#: item kind → (file, code column, label column, other columns that hold a code, definition column)
ITEMS = {
    "competence": ("referentiel_competence", "code_ogr", "libelle_competence", ("code_macro_comp",), "definition"),
    "savoir": ("referentiel_savoir", "code_ogr_savoir", "libelle_savoir", (), None),
    "contexte": ("referentiel_contexte_travail", "code_ogr", "libelle_cont_travail", (), None),
}


def _items(rome: _Rome) -> Triples:
    for kind, (name, code_column, label_column, code_columns, definition) in ITEMS.items():
        for label, line, row in rome.rows(name, (code_column, label_column)):
            if not rome.code(label, line, code := row[code_column], OGR, "OGR"):
                continue
            rome.kind_of[code] = kind
            rome.counts[f"{kind}s"] += 1
            subject = rome.mint(kind, code)
            yield from rome.concept(kind, code, row[label_column], *filter(None, (row.get(c) for c in code_columns)))
            if definition and row.get(definition):
                yield subject, OX.SKOS.definition, ox.Literal(row[definition], language="fr")
            if OGR.fullmatch(macro := row.get("code_ogr_macro_comp", "")):
                yield subject, BROADER, rome.mint(kind, macro)
            if kind in GROUPING:
                yield from rome.groupings(kind, subject, row)
            if kind == "contexte" and (type_code := row.get("code_type_cont_trav")):
                path = f"contexte/type/{slug(type_code)}"
                key, collection = f"collection/{path}", rome.mint("collection", path)
                yield from rome.once(key, [(collection, A, OX.SKOS.Collection), (collection, NOTATION, ox.Literal(type_code)),
                                           (collection, PREF, ox.Literal(row.get("libelle_type_cont_trav") or type_code, language="fr"))])
                yield collection, MEMBER, subject


def _links(rome: _Rome) -> Triples:
    if "coherence_item" in rome.files:
        rows = rome.rows("coherence_item", ("code_rome", "code_ogr"))
    else:
        rows = ((l, n, r) for l, n, r in rome.rows("liens_rome_referentiels", ("code_rome", "code_compo_bloc", "code_ogr"))
                if r["code_compo_bloc"] in ("5", "6"))
    for label, line, row in rows:
        fiche, item = row["code_rome"], row["code_ogr"]
        if fiche not in rome.fiches or item not in rome.kind_of:
            rome.problems.append(RowProblem(label, line, f"link between unknown codes {fiche!r} and {item!r}"))
            continue
        kind = rome.kind_of[item]
        subject, predicate, target = rome.mint("fiche", fiche), LINK_PREDICATES[kind], rome.mint(kind, item)
        rome.counts["liens"] += 1
        if not (flag := row.get("coeur_metier", "")):
            yield subject, predicate, target
            continue
        rome.counts["liens_coeur_metier"] += 1
        link, value = rome.mint("lien", f"{fiche}-{item}"), rome.mint("coeur-metier", slug(flag))
        yield from rome.statement(link, subject, predicate, target)
        yield link, OX.DCTERMS.type, value
        yield from rome.once(f"coeur-metier/{slug(flag)}", [
            (value, A, CONCEPT), (value, PREF, ox.Literal(flag, language="fr")),
            (value, IN_SCHEME, rome.mint("scheme", "coeur-metier")),
            (rome.mint("scheme", "coeur-metier"), A, OX.SKOS.ConceptScheme),
            (rome.mint("scheme", "coeur-metier"), PREF, ox.Literal(SCHEME_LABELS["coeur-metier"], language="fr"))])


def _mobilites(rome: _Rome) -> Triples:
    for label, line, row in rome.rows("rubrique_mobilite", ("code_rome", "code_rome_cible", "numero_ordre")):
        source, target, order = row["code_rome"], row["code_rome_cible"], row["numero_ordre"]
        if source not in rome.fiches or target not in rome.fiches or not order.isdigit():
            rome.problems.append(RowProblem(label, line, f"mobilité {source!r} → {target!r} (order {order!r}) "
                                                         "names an unknown fiche or no order"))
            continue
        rome.counts["mobilites"] += 1
        mobility = rome.mint("mobilite", f"{source}-{target}")
        yield from rome.statement(mobility, rome.mint("fiche", source), RELATED, rome.mint("fiche", target))
        yield mobility, OX.SDO.position, ox.Literal(int(order))


#: unix_texte's text type → the property the sentences of a fiche are joined under.
TEXTS = {"definition": OX.SKOS.definition, "acces_metier": OX.SDO.educationRequirements}


def _textes(rome: _Rome) -> Triples:
    sentences: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for label, line, row in rome.rows("texte", ("code_rome", "libelle_type_texte", "libelle_texte")):
        kind, position = row["libelle_type_texte"], row.get("position_phrase", "0")
        if row["code_rome"] in rome.fiches and kind in TEXTS and position.isdigit():
            # This file doubles its apostrophes ("l''optimisation"), an SQL escape left in the export.
            sentences[row["code_rome"], kind].append((int(position), row["libelle_texte"].replace("''", "'")))
    for (fiche, kind), parts in sentences.items():
        rome.counts[f"textes_{kind}"] += 1
        text = "\n".join(sentence for _, sentence in sorted(parts))
        yield rome.mint("fiche", fiche), TEXTS[kind], ox.Literal(text, language="fr")


#: The stages in order: what links fiches is checked against the fiches and items read before it.
STAGES = (_fiches, _domaines, _appellations, _items, _links, _mobilites, _textes)


def find_export(folder: Path) -> tuple[dict[str, Path], str]:
    """The ROME files below ``folder`` by name (``referentiel_code_rome``…) and their common version."""
    files: dict[str, Path] = {}
    versions: set[str] = set()
    for path in sorted(folder.rglob("unix_*.csv")):
        if match := FILE.fullmatch(path.name):
            name = match["name"].lower()
            if name in files:
                raise UsageError(f"two ROME {name} files under {folder}: {files[name]} and {path}")
            files[name] = path
            versions.add(match["version"].lower())
    if "referentiel_code_rome" not in files:
        raise UsageError(f"no ROME export under {folder}: expected unix_referentiel_code_rome_v<version>_utf8.csv")
    if len(versions) != 1:
        raise UsageError(f"one ROME version per import, found {', '.join(sorted(versions))} under {folder}")
    return files, versions.pop()


def import_rome(store_path: Store | str | os.PathLike, folder: str | os.PathLike, base_iri: str,
                then: Callable[[Writable], object] | None = None) -> ImportResult:
    """Import one ROME 4.0 CSV export (the version is in its file names, e.g. v460) into ``<base>graph/rome``.

    Raises ``UsageError`` when the folder holds no export or several versions, ``InputError`` when a file
    lacks a required column. Malformed records are skipped and listed in ``ImportResult.problems``.
    """
    started = time.perf_counter()
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    files, version = find_export(folder)
    rome = _Rome(folder, files, base_iri)
    digest = checksum(files.values(), folder, "rome", version)

    def quads(graph: ox.NamedNode) -> Iterator[ox.Quad]:
        for stage in STAGES:
            for s, p, o in stage(rome):
                yield ox.Quad(s, p, o, graph)

    return replace_graph(store_path, str(graph_iri(base_iri, ROME_GRAPH)), source=SOURCE, version=version, folder=folder,
                         digest=digest, quads=quads, counts=rome.counts, problems=rome.problems, started=started,
                         then=then)

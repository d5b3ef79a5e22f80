"""The ESCO and ROME importers: our tiny exports of tests/fixtures (imported once per module) and the real
exports of ../shared/reference (imported once per session, see conftest's ``taxonomies``) give the counts,
IRIs and structure of their files; small hand-written CSVs give the rows an import must skip and report."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import FIXTURE_EXPORTS, REAL_EXPORTS, Exports, needs, real_exports_missing
from rolegraph.loader.imports import import_rdf
from rolegraph.loader.taxonomies import ImportResult, decode, read_csv
from rolegraph.loader.taxonomies.esco import import_esco
from rolegraph.loader.taxonomies.rome import import_rome
from rolegraph.core.vocabulary import sparql_prologue
from rolegraph.core.errors import UsageError
from rolegraph.core.store import FORMAT_FILE, current_generation, open_read_only, state_folder

BASE = "https://w3id.org/rolegraph/id/"
ESCO_EN, ESCO_FR, ROME = f"{BASE}graph/esco-en", f"{BASE}graph/esco-fr", f"{BASE}graph/rome"
FICHES, OTHER = f"{BASE}graph/fiches", f"{BASE}graph/import/other"
SOFTWARE_DEVELOPER = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"

#: What each export holds, counted from its files: ours in tests/fixtures, and the publishers' (ESCO v1.1.1
#: English and v1.2.1 French, ROME v460).
EXPECTED = {
    "fixture": {"esco": "1.2.0", "occupations": 11, "skills": 21, "essential": 9, "optional": 9,
                "fr": "1.2.0", "fr_occupations": 4, "fr_repeats": 1,
                "fiches": 11, "appellations": 10, "mobilites": 12},
    "reference": {"esco": "1.1.1", "occupations": 3007, "skills": 13896, "essential": 64946, "optional": 58909,
                  "fr": "1.2.1", "fr_occupations": 3039, "fr_repeats": 4,
                  "fiches": 1584, "appellations": 13120, "mobilites": 14912},
}


def rows(store_path: Path, text: str) -> list[tuple]:
    store = open_read_only(store_path)
    return [tuple(term.value if term is not None else None for term in solution)
            for solution in store.query(sparql_prologue() + text, use_default_graph_as_union=True)]


def value(store_path: Path, text: str) -> str:
    (row,) = rows(store_path, text)
    return row[0]


def graph_dump(store_path: Path, graph: str) -> bytes:
    return open_read_only(store_path).dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))


@dataclass(frozen=True)
class Imported:
    """A store after the ESCO (English, then French) and ROME imports of one set of exports."""

    store: Path
    exports: Exports
    esco: ImportResult
    esco_fr: ImportResult
    rome: ImportResult
    before: dict[str, bytes]  # each graph the store held before the imports → its N-Triples
    graphs: set[str]  # every graph the store holds after them
    expected: dict


@pytest.fixture(scope="module")
def fixture_imported(tmp_path_factory) -> Imported:
    """A store holding one unrelated graph, then our tiny ESCO (English, French) and ROME exports."""
    tmp = tmp_path_factory.mktemp("taxonomies")
    store = tmp / "store"
    other = tmp / "other.ttl"
    other.write_text("<https://example.org/a> <https://example.org/b> \"kept\" .\n", encoding="utf-8")
    import_rdf(store, [other], None, BASE)
    before = {OTHER: graph_dump(store, OTHER)}
    results = [import_esco(store, FIXTURE_EXPORTS.esco_en, BASE), import_esco(store, FIXTURE_EXPORTS.esco_fr, BASE),
               import_rome(store, FIXTURE_EXPORTS.rome, BASE)]
    return Imported(store, FIXTURE_EXPORTS, *results, before, {OTHER, ESCO_EN, ESCO_FR, ROME}, EXPECTED["fixture"])


@pytest.fixture(params=["fixture", pytest.param("reference", marks=pytest.mark.slow)])
def imported(request) -> Imported:
    """Our tiny exports, then the real ones (the session's import, beside our documents) where they are there."""
    if request.param == "fixture":
        return request.getfixturevalue("fixture_imported")
    if reason := real_exports_missing():
        pytest.skip(reason)
    session = request.getfixturevalue("taxonomies")
    graphs = {FICHES, f"{BASE}graph/ontology", f"{BASE}graph/links", f"{BASE}graph/link-candidates", ESCO_EN, ESCO_FR, ROME}
    return Imported(session.store, session.exports, session.esco_en, session.esco_fr, session.rome,
                    {FICHES: session.fiches}, graphs, EXPECTED["reference"])


def test_esco_counts_are_the_exports(imported):
    store, result, expected = imported.store, imported.esco, imported.expected
    count = "SELECT (COUNT(DISTINCT ?c) AS ?n) {{ GRAPH <{}> {{ ?c a {} }} }}"
    assert value(store, count.format(ESCO_EN, "esco:Occupation")) == str(expected["occupations"])
    assert value(store, count.format(ESCO_EN, "esco:Skill")) == str(expected["skills"])
    # Counted by the occupation IRIs: one occupation of the real relations file (67 links) is missing from its
    # occupations_en.csv v1.1.1, and skill-to-skill links use the same two properties.
    counts = dict(rows(store, f"""SELECT ?p (COUNT(*) AS ?n) {{ GRAPH <{ESCO_EN}> {{ ?o ?p ?s }}
        FILTER(?p IN (esco:relatedEssentialSkill, esco:relatedOptionalSkill)
               && STRSTARTS(STR(?o), "http://data.europa.eu/esco/occupation/")) }} GROUP BY ?p"""))
    assert counts == {"http://data.europa.eu/esco/model#relatedEssentialSkill": str(expected["essential"]),
                      "http://data.europa.eu/esco/model#relatedOptionalSkill": str(expected["optional"])}
    assert result.changed and result.version == expected["esco"] and result.graph == ESCO_EN and result.problems == []
    assert (result.counts["occupations"], result.counts["skills"], result.counts["occupation_skill"]) == (
        expected["occupations"], expected["skills"], expected["essential"] + expected["optional"])
    assert (result.counts["occupation_skill_essential"], result.counts["occupation_skill_optional"]) == (
        expected["essential"], expected["optional"])


def test_esco_iris_and_isco_notation_are_kept(imported):
    found = rows(imported.store, """SELECT DISTINCT ?o ?code ?group { ?o skos:prefLabel "software developer"@en ;
        skos:notation ?code ; skos:altLabel "programmer"@en ; skos:broader+ ?g ;
        esco:memberOfISCOGroup ?g . ?g a esco:ISCOGroup ; skos:notation ?group }""")
    assert found == [(SOFTWARE_DEVELOPER, "2512.4", "2512")]
    skill = rows(imported.store, """SELECT ?type ?reuse { ?s skos:prefLabel "Haskell"@en ;
        esco:skillType ?type ; esco:skillReuseLevel ?reuse }""")
    assert skill == [("http://data.europa.eu/esco/skill-type/knowledge",
                      "http://data.europa.eu/esco/skill-reuse-level/sector-specific")]


def test_rome_counts_and_hierarchy(imported):
    store, result, expected = imported.store, imported.rome, imported.expected
    count = "SELECT (COUNT(?c) AS ?n) {{ ?c skos:inScheme <{}rome/scheme/{}> }}"
    assert value(store, count.format(BASE, "fiche")) == str(expected["fiches"])
    assert value(store, count.format(BASE, "appellation")) == str(expected["appellations"])
    mobilites = value(store, """SELECT (COUNT(?m) AS ?n) { ?m a rdf:Statement ; rdf:predicate skos:related ;
        rdf:subject ?from ; rdf:object ?to ; schema:position ?order . ?from skos:related ?to }""")
    assert mobilites == str(expected["mobilites"])
    assert (result.counts["fiches"], result.counts["appellations"], result.counts["mobilites"]) == (
        expected["fiches"], expected["appellations"], expected["mobilites"])
    assert result.version == "v460" and result.problems == []
    found = rows(store, f"""SELECT ?label ?code ?domaine ?grand {{
        <{BASE}rome/appellation/200151> skos:prefLabel ?label ; skos:notation "200151" ; skos:broader ?fiche .
        ?fiche skos:notation ?code ; skos:broader ?domaine . ?domaine skos:notation "M18" ; skos:broader ?grand .
        ?grand skos:topConceptOf ?scheme }}""")
    assert found == [("Développeur / Développeuse back-end", "M1855", f"{BASE}rome/domaine/M18", f"{BASE}rome/domaine/M")]


def test_rome_mobility_keeps_its_order(imported):
    found = rows(imported.store, f"""SELECT ?to ?order {{ <{BASE}rome/mobilite/M1855-M1824> rdf:subject
        <{BASE}rome/fiche/M1855> ; rdf:object ?to ; schema:position ?order }}""")
    assert found == [(f"{BASE}rome/fiche/M1824", "1")]


def test_each_graph_describes_its_dataset(imported):
    store = imported.store
    for graph, version, rights in ((ESCO_EN, imported.expected["esco"],
                                    "This service uses the ESCO classification of the European Commission."),
                                   (ROME, "v460", "Licence Ouverte / Open Licence")):
        found = rows(store, f"""SELECT ?version ?rights ?triples ?id ?source {{ GRAPH <{graph}> {{
            <{graph}> a void:Dataset , dcat:Dataset ; dcterms:hasVersion ?version ; dcterms:rights ?rights ;
            dcterms:license ?licence ; dcterms:publisher ?publisher ; void:triples ?triples ;
            dcterms:identifier ?id ; dcterms:source ?source }} }}""")
        assert len(found) == 1
        assert found[0][:2] == (version, rights) and found[0][3].startswith("sha256:")
        assert found[0][4].startswith("file:///")
        assert found[0][2] == value(store, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")


def test_reimporting_the_same_files_writes_nothing(imported):
    store = imported.store
    before = current_generation(store)
    generations = sorted(p.name for p in before.parent.iterdir())
    again = [import_esco(store, imported.exports.esco_en, BASE), import_rome(store, imported.exports.rome, BASE)]
    assert [r.changed for r in again] == [False, False]
    assert {r.generation for r in again} == {before.name}
    assert current_generation(store) == before and sorted(p.name for p in before.parent.iterdir()) == generations
    assert again[0].triples == imported.esco.triples and again[1].version == "v460"


def test_imports_leave_other_graphs_untouched(imported):
    for graph, dump in imported.before.items():
        assert graph_dump(imported.store, graph) == dump
    assert {g.value for g in open_read_only(imported.store).named_graphs()} == imported.graphs


def copy_store(source: Path, target: Path) -> None:
    """A store whose one generation is a copy of ``source``'s published one, with its state and the store
    format (the layout of rolegraph.core.store)."""
    generation = current_generation(source)
    (target / "generations").mkdir(parents=True)
    open_read_only(source).backup(str(target / "generations" / generation.name))
    shutil.copytree(state_folder(generation), target / "generations" / state_folder(generation).name)
    shutil.copy(source / FORMAT_FILE, target / FORMAT_FILE)
    (target / "current").symlink_to(Path("generations") / generation.name)


def test_a_new_version_replaces_the_language_graph(fixture_imported, tmp_path):
    store = tmp_path / "store"
    copy_store(fixture_imported.store, store)
    count_rome = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{ROME}> {{ ?s ?p ?o }} }}"
    rome_before = value(store, count_rome)
    # A later version of our English export, with three of its occupations and no skills file.
    newer = tmp_path / "v1.3.0"
    newer.mkdir()
    ours = (FIXTURE_EXPORTS.esco_en / "occupations_en.csv").read_text(encoding="utf-8")
    header, *records = ours.split("\nOccupation,")
    (newer / "occupations_en.csv").write_text("\nOccupation,".join([header, *records[:3]]) + "\n", encoding="utf-8")
    result = import_esco(store, newer, BASE)
    assert result.changed and result.version == "1.3.0" and result.graph == ESCO_EN
    versions = rows(store, "SELECT ?g ?v { GRAPH ?g { ?g dcterms:hasVersion ?v } FILTER(CONTAINS(STR(?g), '/esco')) }")
    assert sorted(versions) == [(ESCO_EN, "1.3.0"), (ESCO_FR, "1.2.0")]
    # Nothing of the previous English version is left behind; the French labels stay.
    count = "SELECT (COUNT(DISTINCT ?c) AS ?n) {{ GRAPH <{}> {{ ?c a {} }} }}"
    assert value(store, count.format(ESCO_EN, "esco:Occupation")) == "3"
    assert value(store, count.format(ESCO_EN, "esco:Skill")) == "0"
    assert value(store, count.format(ESCO_FR, "esco:Occupation")) == "4"
    assert value(store, count_rome) == rome_before and graph_dump(store, OTHER) == fixture_imported.before[OTHER]


def test_french_labels(imported):
    store, result, expected = imported.store, imported.esco_fr, imported.expected
    assert (result.graph, result.version, result.counts["occupations"]) == (ESCO_FR, expected["fr"],
                                                                             expected["fr_occupations"])
    labels = f"SELECT ?l (LANG(?l) AS ?lang) {{ GRAPH <{ESCO_FR}> {{ <{SOFTWARE_DEVELOPER}> skos:prefLabel ?l }} }}"
    assert rows(store, labels) == [("développeur de logiciels/développeuse de logiciels", "fr")]
    assert value(store, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{ESCO_FR}> {{ ?o esco:hasNACECode ?nace }} }}") != "0"
    # The export repeats occupations; the record modified last is kept, the other reported.
    repeats = [("occupations_fr.csv", True)] * expected["fr_repeats"]
    assert [(p.file, "repeats line" in p.message) for p in result.problems] == repeats


@needs(REAL_EXPORTS.rome)
def test_latin9_file_despite_its_name_is_decoded():
    path = REAL_EXPORTS.rome / "unix_arborescence_secteur_naf_v460_utf8.csv"
    assert decode(path.read_bytes()).encoding == "iso-8859-15"
    problems = []
    labels = {row["libelle_rome"] for _, row in read_csv(path, problems, ("libelle_rome",))}
    assert problems == []
    assert {"Manœuvre bâtiment", "Œnologue"} <= labels
    assert not any("\ufffd" in label for label in labels)


def test_windows_1252_is_told_from_latin9():
    decoded = decode("Manœuvre, l’œil, 10 €\n".encode("cp1252"))
    assert (decoded.encoding, decoded.text) == ("cp1252", "Manœuvre, l’œil, 10 €\n")


OCCUPATION_HEADER = ("conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,"
                     "regulatedProfessionNote,scopeNote,definition,inScheme,description,code\n")
OCC = "http://data.europa.eu/esco/occupation/"
SKILL = "http://data.europa.eu/esco/skill/"


def write_esco(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "occupations_en.csv").write_bytes(
        (OCCUPATION_HEADER
         + f'Occupation,{OCC}o1,2512,data engineer,"data-engineer\nbig data engineer",,released,'
           '2024-01-25T11:28:50Z,,,,,Builds pipelines (é).,2512.9\n'
         + f"Occupation,{OCC}o2,2512\n"
         + "Occupation,not an iri,2512,broken,,,released,,,,,,,\n").encode()
        + f"Occupation,{OCC}o3,2512,caf\xe9,,,released,,,,,,,\n".encode("latin-1")
        + f"Occupation,{OCC}o4,2511,analyste (é),,,released,,,,,,,2511.1\n".encode())
    (folder / "skills_en.csv").write_text(
        "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,"
        "scopeNote,definition,inScheme,description\n"
        f"KnowledgeSkillCompetence,{SKILL}s1,knowledge,cross-sector,SQL,,,released,,,,,\n"
        f"KnowledgeSkillCompetence,{SKILL}s2,attitude,,curiosity,,,released,,,,,\n", encoding="utf-8")
    (folder / "occupationSkillRelations.csv").write_text(
        "occupationUri,relationType,skillType,skillUri\n"
        f"{OCC}o1,essential,knowledge,{SKILL}s1\n"
        f"{OCC}o1,mandatory,knowledge,{SKILL}s2\n"
        f"{OCC}o4,optional,knowledge,http://example.org/s1\n"
        f"{OCC}o4,optional,,{SKILL}s2\n", encoding="utf-8")


def test_malformed_esco_rows_are_reported_and_the_rest_imported(tmp_path):
    folder = tmp_path / "v9.9.9"
    write_esco(folder)
    store = tmp_path / "store"
    result = import_esco(store, folder, BASE)
    assert [(p.file, p.line) for p in result.problems] == [
        ("occupations_en.csv", 4), ("occupations_en.csv", 5), ("occupations_en.csv", 6),
        ("skills_en.csv", 3), ("occupationSkillRelations.csv", 3), ("occupationSkillRelations.csv", 4)]
    messages = [p.message for p in result.problems]
    assert "3 fields where the header has 14" in messages[0] and "bad IRI in conceptUri" in messages[1]
    assert "UTF-8" in messages[2] and "attitude" in messages[3] and "mandatory" in messages[4]
    assert "bad IRI in skillUri" in messages[5]
    assert (result.version, result.counts["occupations"], result.counts["occupation_skill"]) == ("9.9.9", 2, 2)
    assert sorted(rows(store, "SELECT ?o ?s { ?o esco:relatedEssentialSkill|esco:relatedOptionalSkill ?s }")) == [
        (f"{OCC}o1", f"{SKILL}s1"), (f"{OCC}o4", f"{SKILL}s2")]
    assert sorted(rows(store, f"SELECT ?l {{ <{OCC}o1> skos:altLabel ?l }}")) == [("big data engineer",), ("data-engineer",)]
    assert rows(store, f"SELECT ?d {{ <{OCC}o4> dcterms:description|skos:prefLabel ?d }}") == [("analyste (é)",)]
    # An edited input file is a new import, even with the same version.
    with open(folder / "skills_en.csv", "a", encoding="utf-8") as handle:
        handle.write(f"KnowledgeSkillCompetence,{SKILL}s3,skill/competence,,Python,,,released,,,,,\n")
    assert import_esco(store, folder, BASE).changed is True
    assert import_esco(store, folder, BASE).changed is False


def test_esco_folder_must_hold_one_export_with_a_version(tmp_path):
    write_esco(tmp_path / "v1" / "en")
    (tmp_path / "v1" / "fr").mkdir()
    (tmp_path / "v1" / "fr" / "ISCOGroups_fr.csv").write_text("conceptUri,preferredLabel\n", encoding="utf-8")
    with pytest.raises(UsageError, match="one language per import"):
        import_esco(tmp_path / "store", tmp_path / "v1", BASE)
    write_esco(tmp_path / "undated")
    with pytest.raises(UsageError, match="cannot tell the ESCO version"):
        import_esco(tmp_path / "store", tmp_path / "undated", BASE)
    assert import_esco(tmp_path / "store", tmp_path / "undated", BASE, version="v1.0.0").version == "1.0.0"


FICHE_HEADER = ("code_rome,code_fiche_metier,code_ogr,libelle_rome,transition_eco,transition_num,transition_demo,"
                "emploi_reglemente,emploi_cadre,code_rome_parent\n")


def test_malformed_rome_rows_are_reported_and_the_rest_imported(tmp_path):
    folder = tmp_path / "rome"
    folder.mkdir()
    (folder / "unix_referentiel_code_rome_v999_utf8.csv").write_text(
        FICHE_HEADER
        + '"M1805","1","100","Études et développement informatique","Emploi Blanc","O","","","O","M1805"\n'
        + '"M18X5","2","101","Bad code","","","","","",""\n'
        + '"M1806","3"\n'
        + '"M1855","4","102","Développeur / Développeuse web","","N","","","N","M1805"\n', encoding="utf-8")
    (folder / "unix_referentiel_appellation_v999_utf8.csv").write_text(
        "code_ogr,libelle_appellation_long,libelle_appellation_court,code_rome,classification\n"
        "200151,Développeur / Développeuse back-end,Développeur back-end,M1855,SYNONYME\n"
        "200999,Orphan,Orphan,Z9999,SYNONYME\n", encoding="utf-8")
    (folder / "unix_rubrique_mobilite_v999_utf8.csv").write_text(
        "code_rome,code_rome_cible,numero_ordre\nM1805,M1855,1\nM1805,Z9999,2\nM1855,M1805,x\n", encoding="utf-8")
    store = tmp_path / "store"
    result = import_rome(store, folder, BASE)
    assert [(p.file, p.line) for p in result.problems] == [
        ("unix_referentiel_code_rome_v999_utf8.csv", 3), ("unix_referentiel_code_rome_v999_utf8.csv", 4),
        ("unix_referentiel_appellation_v999_utf8.csv", 3), ("unix_rubrique_mobilite_v999_utf8.csv", 3), ("unix_rubrique_mobilite_v999_utf8.csv", 4)]
    assert (result.version, result.counts["fiches"], result.counts["appellations"], result.counts["mobilites"]) == ("v999", 2, 1, 1)
    assert rows(store, f"SELECT ?f {{ <{BASE}rome/appellation/200151> skos:broader ?f }}") == [(f"{BASE}rome/fiche/M1855",)]
    assert rows(store, f"SELECT ?p {{ <{BASE}rome/fiche/M1855> skos:broader ?p . ?p skos:notation 'M1805' }}") == [
        (f"{BASE}rome/fiche/M1805",)]
    members = rows(store, f"SELECT ?c {{ ?c skos:member <{BASE}rome/fiche/M1805> }} ORDER BY ?c")
    assert [m[0].removeprefix(f"{BASE}rome/collection/fiche/") for m in members] == [
        "emploi-cadre", "transition-eco/emploi-blanc", "transition-num"]


def test_rome_folder_must_hold_an_export(tmp_path):
    with pytest.raises(UsageError, match="no ROME export"):
        import_rome(tmp_path / "store", tmp_path, BASE)


def test_third_party_labels_are_a_described_fallback(tmp_path):
    folder = tmp_path / "api_pull"
    folder.mkdir()
    (folder / "skills_fr.csv").write_text(
        "conceptUri,preferredLabel,altLabels\n"
        f"{SKILL}s1,gérer des serveurs,administrer des serveurs|maintenir des serveurs\n"
        "not-an-iri,configurer un routeur,\n"
        f"{SKILL}s2,,\n"
        f"{SKILL}s3,rédiger\n", encoding="utf-8")
    store = tmp_path / "store"
    result = import_esco(store, folder, BASE)
    assert result.graph == f"{BASE}graph/esco-fr-thirdparty" and result.counts == {"skills": 1}
    assert [(p.file, p.line) for p in result.problems] == [("skills_fr.csv", 3), ("skills_fr.csv", 4),
                                                            ("skills_fr.csv", 5)]
    assert "bad IRI" in result.problems[0].message and "preferredLabel" in result.problems[1].message
    assert sorted(rows(store, f"SELECT ?l {{ <{SKILL}s1> skos:altLabel ?l }}")) == [
        ("administrer des serveurs",), ("maintenir des serveurs",)]
    description = value(store, f"SELECT ?d {{ GRAPH <{BASE}graph/esco-fr-thirdparty> "
                               f"{{ <{BASE}graph/esco-fr-thirdparty> dcterms:description ?d }} }}")
    assert "Third-party" in description and "never overriding" in description

"""The ESCO and ROME importers: the real exports of ../shared/reference (imported once per module) and
small hand-written CSVs for the rows an import must skip and report."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from rolegraph.loader.imports import import_rdf
from rolegraph.loader.taxonomies import decode, read_csv
from rolegraph.loader.taxonomies.esco import import_esco
from rolegraph.loader.taxonomies.rome import import_rome
from rolegraph.core.vocabulary import sparql_prologue
from rolegraph.core.errors import UsageError
from rolegraph.core.store import current_generation, open_read_only

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
ESCO_DIR, ROME_DIR = REFERENCE / "esco", REFERENCE / "rome" / "v460"
BASE = "https://w3id.org/rolegraph/id/"
ESCO_EN, ESCO_FR, ROME = f"{BASE}graph/esco-en", f"{BASE}graph/esco-fr", f"{BASE}graph/rome"
OTHER = f"{BASE}graph/import/other"
SOFTWARE_DEVELOPER = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"

pytestmark = pytest.mark.skipif(not (ESCO_DIR.is_dir() and ROME_DIR.is_dir()),
                                reason="../shared/reference is not beside the checkout")


def rows(store_path: Path, text: str) -> list[tuple]:
    store = open_read_only(store_path)
    return [tuple(term.value if term is not None else None for term in solution)
            for solution in store.query(sparql_prologue() + text, use_default_graph_as_union=True)]


def value(store_path: Path, text: str) -> str:
    (row,) = rows(store_path, text)
    return row[0]


def graph_dump(store_path: Path, graph: str) -> bytes:
    return open_read_only(store_path).dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A store holding one unrelated graph, then ESCO v1.1.1 (EN) and ROME v460."""
    tmp = tmp_path_factory.mktemp("taxonomies")
    store = tmp / "store"
    other = tmp / "other.ttl"
    other.write_text("<https://example.org/a> <https://example.org/b> \"kept\" .\n", encoding="utf-8")
    import_rdf(store, [other], None, BASE)
    other_before = graph_dump(store, OTHER)
    esco = import_esco(store, ESCO_DIR / "v1.1.1", BASE)
    rome = import_rome(store, ROME_DIR, BASE)
    return {"store": store, "esco": esco, "rome": rome, "other": other_before}


def test_esco_counts_are_the_publishers(imported):
    store, result = imported["store"], imported["esco"]
    assert value(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) { ?o a esco:Occupation }") == "3007"
    assert value(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s a esco:Skill }") == "13896"
    # Counted by the occupation IRIs: one occupation of the relations file (67 links) is missing from
    # occupations_en.csv v1.1.1, and skill-to-skill links use the same two properties.
    counts = dict(rows(store, """SELECT ?p (COUNT(*) AS ?n) { GRAPH ?g { ?o ?p ?s }
        FILTER(?p IN (esco:relatedEssentialSkill, esco:relatedOptionalSkill)
               && STRSTARTS(STR(?o), "http://data.europa.eu/esco/occupation/")) } GROUP BY ?p"""))
    assert counts == {"http://data.europa.eu/esco/model#relatedEssentialSkill": "64946",
                      "http://data.europa.eu/esco/model#relatedOptionalSkill": "58909"}
    assert result.changed and result.version == "1.1.1" and result.graph == ESCO_EN and result.problems == []
    assert (result.counts["occupations"], result.counts["skills"], result.counts["occupation_skill"]) == (3007, 13896, 123855)
    assert (result.counts["occupation_skill_essential"], result.counts["occupation_skill_optional"]) == (64946, 58909)


def test_esco_iris_and_isco_notation_are_kept(imported):
    found = rows(imported["store"], """SELECT ?o ?code ?group { ?o skos:prefLabel "software developer"@en ;
        skos:notation ?code ; skos:altLabel "programmer"@en ; skos:broader+ ?g ;
        esco:memberOfISCOGroup ?g . ?g a esco:ISCOGroup ; skos:notation ?group }""")
    assert found == [(SOFTWARE_DEVELOPER, "2512.4", "2512")]
    skill = rows(imported["store"], """SELECT ?type ?reuse { ?s skos:prefLabel "Haskell"@en ;
        esco:skillType ?type ; esco:skillReuseLevel ?reuse }""")
    assert skill == [("http://data.europa.eu/esco/skill-type/knowledge",
                      "http://data.europa.eu/esco/skill-reuse-level/sector-specific")]


def test_rome_counts_and_hierarchy(imported):
    store, result = imported["store"], imported["rome"]
    count = "SELECT (COUNT(?c) AS ?n) {{ ?c skos:inScheme <{}rome/scheme/{}> }}"
    assert value(store, count.format(BASE, "fiche")) == "1584"
    assert value(store, count.format(BASE, "appellation")) == "13120"
    assert value(store, """SELECT (COUNT(?m) AS ?n) { ?m a rdf:Statement ; rdf:predicate skos:related ;
        rdf:subject ?from ; rdf:object ?to ; schema:position ?order . ?from skos:related ?to }""") == "14912"
    assert (result.counts["fiches"], result.counts["appellations"], result.counts["mobilites"]) == (1584, 13120, 14912)
    assert result.version == "v460" and result.problems == []
    found = rows(store, f"""SELECT ?label ?code ?domaine ?grand {{
        <{BASE}rome/appellation/200151> skos:prefLabel ?label ; skos:notation "200151" ; skos:broader ?fiche .
        ?fiche skos:notation ?code ; skos:broader ?domaine . ?domaine skos:notation "M18" ; skos:broader ?grand .
        ?grand skos:topConceptOf ?scheme }}""")
    assert found == [("Développeur / Développeuse back-end", "M1855", f"{BASE}rome/domaine/M18", f"{BASE}rome/domaine/M")]


def test_rome_mobility_keeps_its_order(imported):
    found = rows(imported["store"], f"""SELECT ?to ?order {{ <{BASE}rome/mobilite/M1855-M1824> rdf:subject
        <{BASE}rome/fiche/M1855> ; rdf:object ?to ; schema:position ?order }}""")
    assert found == [(f"{BASE}rome/fiche/M1824", "1")]


def test_each_graph_describes_its_dataset(imported):
    store = imported["store"]
    for graph, version, rights in ((ESCO_EN, "1.1.1", "This service uses the ESCO classification of the European Commission."),
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
    store = imported["store"]
    before = current_generation(store)
    generations = sorted(p.name for p in before.parent.iterdir())
    again = [import_esco(store, ESCO_DIR / "v1.1.1", BASE), import_rome(store, ROME_DIR, BASE)]
    assert [r.changed for r in again] == [False, False]
    assert {r.generation for r in again} == {before.name}
    assert current_generation(store) == before and sorted(p.name for p in before.parent.iterdir()) == generations
    assert again[0].triples == imported["esco"].triples and again[1].version == "v460"


def test_imports_leave_other_graphs_untouched(imported):
    assert graph_dump(imported["store"], OTHER) == imported["other"]
    assert {g.value for g in open_read_only(imported["store"]).named_graphs()} == {OTHER, ESCO_EN, ROME}


def copy_store(source: Path, target: Path) -> None:
    """A store whose one generation is a copy of ``source``'s published one (the layout of rolegraph.store)."""
    generation = current_generation(source)
    (target / "generations").mkdir(parents=True)
    open_read_only(source).backup(str(target / "generations" / generation.name))
    (target / "current").symlink_to(Path("generations") / generation.name)


def test_a_new_version_replaces_the_language_graph(imported, tmp_path):
    store = tmp_path / "store"
    copy_store(imported["store"], store)
    count_rome = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{ROME}> {{ ?s ?p ?o }} }}"
    rome_before = value(store, count_rome)
    result = import_esco(store, ESCO_DIR / "v1.2.0" / "en_partial", BASE)
    assert result.changed and result.version == "1.2.0" and result.graph == ESCO_EN
    assert rows(store, "SELECT ?g ?v { GRAPH ?g { ?g dcterms:hasVersion ?v } FILTER(CONTAINS(STR(?g), '/esco')) }") == [(ESCO_EN, "1.2.0")]
    # v1.2.0 has 3,039 occupations and no skills file: nothing of v1.1.1 is left behind.
    assert value(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) { ?o a esco:Occupation }") == "3039"
    assert value(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s a esco:Skill }") == "0"
    assert value(store, count_rome) == rome_before and graph_dump(store, OTHER) == imported["other"]


def test_french_labels_of_v121(tmp_path):
    store = tmp_path / "store"
    result = import_esco(store, ESCO_DIR / "v1.2.1" / "fr_partial", BASE)
    assert (result.graph, result.version, result.counts["occupations"]) == (ESCO_FR, "1.2.1", 3039)
    assert rows(store, f"SELECT ?l {{ <{SOFTWARE_DEVELOPER}> skos:prefLabel ?l }}") == [
        ("développeur de logiciels/développeuse de logiciels",)]
    assert rows(store, f"SELECT (LANG(?l) AS ?lang) {{ <{SOFTWARE_DEVELOPER}> skos:prefLabel ?l }}") == [("fr",)]
    assert value(store, "SELECT (COUNT(*) AS ?n) { ?o esco:hasNACECode ?nace }") != "0"
    # The export repeats four occupations; the record modified last is kept, the other reported.
    assert [(p.file, "repeats line" in p.message) for p in result.problems] == [("occupations_fr.csv", True)] * 4


def test_latin9_file_despite_its_name_is_decoded():
    path = ROME_DIR / "unix_arborescence_secteur_naf_v460_utf8.csv"
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

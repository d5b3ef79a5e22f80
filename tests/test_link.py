"""Links to ESCO and ROME: label normalisation, and known facts of the exports (our tiny ones or the real ones)."""
import pytest

import pyoxigraph as ox

from conftest import BASE
from rolegraph.loader.link import label_keys, link
from rolegraph.core.vocabulary import sparql_prologue
from rolegraph.cli import main
from rolegraph.core.store import open_read_only

ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/"
MODERN_TOOLS = ("docker", "kubernetes", "mongodb", "kafka", "nodejs")


def rows(store, text):
    solutions = open_read_only(store).query(sparql_prologue() + text, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]


def keys(text):
    return dict(label_keys(text))


def test_rome_and_esco_gender_pairs_give_both_forms():
    both = keys("Développeur / Développeuse back-end")
    assert set(keys("développeur back-end")) <= set(both)
    assert set(keys("Développeuse back-end")) <= set(both)
    assert set(keys("consultante informatique")) <= set(keys("consultant informatique/consultante informatique"))


def test_a_slash_inside_a_name_is_not_a_gender_pair():
    assert len(keys("HTTP/2")) == 1
    assert len(keys("SAP R/2")) == 1
    assert len(keys("SQL/PSM")) == 1  # two acronyms: SQL/PSM is not SQL


def test_a_bracketed_qualifier_is_optional_and_weighs_less():
    found = keys("Python (computer programming)")
    assert found[next(iter(keys("Python")))] == pytest.approx(0.9)
    assert max(found.values()) == 1.0


def mappings(store, entity):
    return rows(store, f"""SELECT ?p ?c ?code ?score ?why WHERE {{
      <{entity}> ?p ?c . VALUES ?p {{ skos:exactMatch skos:closeMatch skos:broadMatch skos:relatedMatch }}
      ?a owl:annotatedSource <{entity}> ; owl:annotatedProperty ?p ; owl:annotatedTarget ?c ;
         sssom:confidence ?score ; sssom:mapping_justification ?why .
      OPTIONAL {{ ?c skos:notation ?code }} }}""")


def test_back_end_developer_has_no_esco_equivalent_only_nearest_occupations(taxonomy_store):
    found = mappings(taxonomy_store, BASE + "role/back-end-developer")
    esco = [m for m in found if m["c"].startswith(ESCO_OCCUPATION)]
    assert not [m for m in esco if m["p"].endswith("exactMatch")]
    close = {m["code"] for m in esco if m["p"].endswith("closeMatch")}
    assert {"2512.4", "2513.5"} <= close  # software developer, web developer


def test_back_end_developer_is_rome_appellation_200151_under_m1855(taxonomy_store):
    found = {(m["p"].rsplit("#")[-1], m["code"]) for m in mappings(taxonomy_store, BASE + "role/back-end-developer")}
    assert ("exactMatch", "200151") in found
    assert ("broadMatch", "M1855") in found
    parent = rows(taxonomy_store, f"SELECT ?f WHERE {{ <{BASE}rome/appellation/200151> skos:broader ?f }}")
    assert {r["f"] for r in parent} == {BASE + "rome/fiche/M1855"}


@pytest.mark.parametrize("tool", MODERN_TOOLS)
def test_modern_tools_have_no_esco_equivalent(taxonomy_store, tool):
    stated = f"ASK {{ GRAPH <{BASE}graph/fiches> {{ <{BASE}tool/{tool}> a rg:Tool }} }}"
    assert bool(open_read_only(taxonomy_store).query(sparql_prologue() + stated))
    found = mappings(taxonomy_store, BASE + f"tool/{tool}")
    esco = [m for m in found if m["c"].startswith("http://data.europa.eu/esco/")]
    assert not [m for m in esco if m["p"].endswith(("exactMatch", "closeMatch"))]


def test_docker_the_tool_is_never_the_dock_worker(taxonomy_store):
    found = mappings(taxonomy_store, BASE + "tool/docker")
    assert not [m for m in found if m["c"].startswith(ESCO_OCCUPATION) or "/rome/appellation/" in m["c"]]
    assert [m for m in found if "/rome/savoir/" in m["c"] and m["p"].endswith("exactMatch")]


def test_python_is_the_esco_python_skill(taxonomy_store):
    found = mappings(taxonomy_store, BASE + "tool/python")
    labels = rows(taxonomy_store, "SELECT ?c WHERE { ?c a esco:Skill ; skos:prefLabel ?l . "
                                   "FILTER (STRSTARTS(STR(?l), \"Python\")) }")
    python_skills = {r["c"] for r in labels}
    assert [m for m in found if m["c"] in python_skills and m["p"].endswith(("exactMatch", "closeMatch"))]


def test_every_link_has_one_axiom_with_a_score_and_a_justification(taxonomies):
    counts = rows(taxonomies.store, f"""SELECT (COUNT(*) AS ?links) (COUNT(DISTINCT ?a) AS ?axioms)
      (MIN(?score) AS ?low) (MAX(?score) AS ?high) WHERE {{ GRAPH <{BASE}graph/links> {{
        ?e ?p ?c . VALUES ?p {{ skos:exactMatch skos:closeMatch skos:broadMatch skos:relatedMatch }}
        ?a owl:annotatedSource ?e ; owl:annotatedProperty ?p ; owl:annotatedTarget ?c ;
           sssom:confidence ?score ; sssom:mapping_justification ?why . }} }}""")[0]
    # as many as the linking step reported; the candidates below the floor are kept apart
    assert int(counts["links"]) == int(counts["axioms"]) == len(taxonomies.rome.then.links) > 0
    assert len(taxonomies.rome.then.links) + len(taxonomies.rome.then.candidates) > 60
    assert 0 < float(counts["low"]) <= float(counts["high"]) <= 1


def test_at_most_one_exact_match_per_entity_and_taxonomy_kind(taxonomy_store):
    doubles = rows(taxonomy_store, """SELECT ?e ?t (COUNT(DISTINCT ?c) AS ?n) WHERE {
        ?e skos:exactMatch ?c . ?c a ?t . FILTER (?t IN (esco:Occupation, esco:Skill)) }
      GROUP BY ?e ?t HAVING (COUNT(DISTINCT ?c) > 1)""")
    assert doubles == []


def test_every_nature_of_entity_gets_candidates(taxonomy_store):
    linked = rows(taxonomy_store, f"""SELECT ?class (COUNT(DISTINCT ?e) AS ?n) WHERE {{
        GRAPH <{BASE}graph/fiches> {{ ?e a ?class }}
        ?a owl:annotatedSource ?e ; owl:annotatedProperty ?p . VALUES ?p {{ skos:exactMatch skos:closeMatch }}
        VALUES ?class {{ rg:Role rg:Skill rg:Knowledge rg:SoftSkill rg:Tool rg:Diploma }} }} GROUP BY ?class""")
    assert {r["class"].rsplit("#")[-1] for r in linked} == {"Role", "Skill", "Knowledge", "SoftSkill", "Tool",
                                                           "Diploma"}


def test_a_qualification_is_never_narrower_than_a_subject(taxonomy_store):
    broad = rows(taxonomy_store, f"""SELECT ?e WHERE {{ GRAPH <{BASE}graph/fiches> {{ ?e a ?class }}
        VALUES ?class {{ rg:Diploma rg:Training rg:Certification }} ?e skos:broadMatch ?c }}""")
    assert broad == []


def test_the_links_graph_is_a_described_linkset(taxonomy_store):
    found = rows(taxonomy_store, f"SELECT ?target WHERE {{ <{BASE}graph/links> a void:Linkset ; void:target ?target }}")
    assert {BASE + "graph/fiches", BASE + "graph/esco-en", BASE + "graph/rome"} <= {r["target"] for r in found}


@pytest.mark.slow
def test_relinking_gives_the_same_links(taxonomy_store, tmp_path):
    before = rows(taxonomy_store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BASE}graph/links> {{ ?s ?p ?o }} }}")
    result = link(taxonomy_store, BASE)
    after = rows(taxonomy_store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BASE}graph/links> {{ ?s ?p ?o }} }}")
    assert before == after
    assert result.counts()["rome exactMatch"] > 0


def test_a_build_without_taxonomies_has_no_links(built_store):
    assert not open_read_only(built_store).contains_named_graph(ox.NamedNode(BASE + "graph/links"))


@pytest.mark.slow
def test_link_command_reports_counts(runner, taxonomy_store):
    result = runner.invoke(main, ["--store", str(taxonomy_store), "link"])
    assert result.exit_code == 0, result.output
    assert "esco closeMatch" in result.output and "rome exactMatch" in result.output


# ---------------------------------------------------------------- the seeds and the development set, real exports

def published(store, entity):
    """(predicate, target, code, English-or-French label, confidence) of the published links of ``entity``."""
    return rows(store, f"""SELECT ?p ?c ?code ?label ?score WHERE {{ GRAPH <{BASE}graph/links> {{
        <{entity}> ?p ?c . VALUES ?p {{ skos:exactMatch skos:closeMatch skos:broadMatch skos:relatedMatch }}
        ?a owl:annotatedSource <{entity}> ; owl:annotatedProperty ?p ; owl:annotatedTarget ?c ; sssom:confidence ?score }}
      OPTIONAL {{ ?c skos:notation ?code }} OPTIONAL {{ ?c skos:prefLabel ?label }} }}""")


def candidates(store, entity):
    return rows(store, f"""SELECT ?p ?c ?label ?score WHERE {{ GRAPH <{BASE}graph/link-candidates> {{
        ?a owl:annotatedSource <{entity}> ; owl:annotatedProperty ?p ; owl:annotatedTarget ?c ; sssom:confidence ?score }}
      OPTIONAL {{ ?c skos:prefLabel ?label }} }}""")


@pytest.mark.parametrize("entity, label", [
    ("role/site-reliability-engineer", "construction engineer"),
    ("competency/code-coverage", "Code of Conduct for Responsible Fisheries"),
    ("competency/application-security", "investigate social security applications"),
])
def test_the_wrong_links_of_issue_14_are_not_published(reviewed_store, entity, label):
    assert rows(reviewed_store, f"SELECT ?c WHERE {{ GRAPH <{BASE}graph/fiches> {{ <{BASE}{entity}> a ?c }} }}")
    assert label not in {m.get("label") for m in published(reviewed_store, BASE + entity)}


def test_devops_engineer_is_no_exact_match_of_an_occupation_through_an_alternative_label(reviewed_store):
    found = published(reviewed_store, BASE + "role/devops-engineer")
    exact = {m.get("label") for m in found if m["p"].endswith("exactMatch") and m["c"].startswith(ESCO_OCCUPATION)}
    assert "ICT change and configuration manager" not in exact
    assert not exact  # ESCO has no occupation whose preferred label is DevOps engineer


def test_a_construction_engineer_stays_a_candidate_that_curators_can_query(reviewed_store):
    found = candidates(reviewed_store, BASE + "role/site-reliability-engineer")
    assert "construction engineer" in {m.get("label") for m in found}
    assert all(float(m["score"]) < 0.8 for m in found)
    triples = rows(reviewed_store, f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BASE}graph/link-candidates> {{
        ?e ?p ?c . VALUES ?p {{ skos:exactMatch skos:closeMatch skos:broadMatch skos:relatedMatch }} }} }}""")
    assert triples == [{"n": "0"}]  # axioms only: no page or SKOS query ever reads a candidate as a link


def test_back_end_developer_keeps_its_known_links_in_the_seeds_build(reviewed_store):
    found = {(m["p"].rsplit("#")[-1], m.get("code")) for m in published(reviewed_store, BASE + "role/back-end-developer")}
    assert {("closeMatch", "2512.4"), ("closeMatch", "2513.5"), ("exactMatch", "200151"), ("broadMatch", "M1855")} <= found


def test_python_is_published_as_the_esco_python_skill_and_docker_never_as_the_dock_worker(reviewed_store):
    python = {m.get("label") for m in published(reviewed_store, BASE + "tool/python") if m["p"].endswith("exactMatch")}
    assert "Python (computer programming)" in python
    docker = published(reviewed_store, BASE + "tool/docker") + candidates(reviewed_store, BASE + "tool/docker")
    assert not [m for m in docker if m["c"].startswith(ESCO_OCCUPATION) or "/rome/appellation/" in m["c"]]


def test_a_tool_is_only_linked_to_esco_knowledge(reviewed_store):
    skills = rows(reviewed_store, f"""SELECT ?t ?c WHERE {{ GRAPH <{BASE}graph/fiches> {{ ?t a rg:Tool }}
        GRAPH <{BASE}graph/links> {{ ?t ?p ?c }} ?c esco:skillType <http://data.europa.eu/esco/skill-type/skill> }}""")
    assert skills == []


def test_exact_matches_have_equal_preferred_labels_or_a_curators_word(reviewed_store):
    found = rows(reviewed_store, f"""SELECT ?e ?c ?why ?ours ?theirs WHERE {{ GRAPH <{BASE}graph/links> {{
        ?e skos:exactMatch ?c . ?a owl:annotatedSource ?e ; owl:annotatedProperty skos:exactMatch ; owl:annotatedTarget ?c ;
           sssom:mapping_justification ?why ; sssom:subject_label ?ours ; sssom:object_label ?theirs }} }}""")
    assert found
    for m in found:
        pref = {r["l"] for r in rows(reviewed_store, f"SELECT ?l WHERE {{ <{m['c']}> skos:prefLabel ?l }}")}
        assert m["why"].endswith("ManualMappingCuration") or m["theirs"] in pref, m


def test_pages_and_named_queries_show_only_published_links(reviewed_store):
    from rolegraph import queries

    text = queries.get("entity-links").bind({"entity": BASE + "role/site-reliability-engineer"})
    shown = {s["target"].value for s in open_read_only(reviewed_store).query(text, use_default_graph_as_union=True)}
    assert shown == {m["c"] for m in published(reviewed_store, BASE + "role/site-reliability-engineer")}
    kept = candidates(reviewed_store, BASE + "role/site-reliability-engineer")
    assert "construction engineer" in {m.get("label") for m in kept} and not shown & {m["c"] for m in kept}


def uncurated_links(store, tmp_path):
    """What the matcher alone finds in ``store``: ``find_links`` with an empty curated file."""
    from rolegraph.loader.link import LinkOptions, find_links
    from rolegraph.loader.lexicon import load_lexicon

    empty = tmp_path / "empty.sssom.tsv"
    empty.write_text("#mapping_set_id: https://example.org/empty.sssom.tsv\n"
                     "subject_id\tpredicate_id\tobject_id\tmapping_justification\n", encoding="utf-8")
    return find_links(open_read_only(store), BASE, load_lexicon(), LinkOptions(mappings=empty))


def test_without_a_curated_file_the_fiche_of_an_exact_appellation_is_published_as_broad(reviewed_store, tmp_path):
    """The back-end developer is ROME appellation 200151 "Développeur / Développeuse back-end": its fiche M1855
    is broader than the role as surely as the appellation is the role, with no curator's word."""
    from rolegraph.loader.link import LinkOptions, calibration

    result = uncurated_links(reviewed_store, tmp_path)
    role = BASE + "role/back-end-developer"
    published = {(l.predicate, l.target.rsplit("/", 1)[-1]): l for l in result.links if l.subject == role}
    appellation, fiche = published[("exactMatch", "200151")], published[("broadMatch", "M1855")]
    assert fiche.evidence == "chain-exact" and fiche.justification == "MappingChaining"
    # the class's own precision on the reviewed sample, never surer than the appellation it goes through
    assert fiche.score == min(calibration()["chain-exact"], appellation.score) >= LinkOptions().min_confidence
    # a chain through an appellation that is only close stays as unsure as the "chain" class
    chains = [l for l in result.links + result.candidates if l.evidence == "chain"]
    assert chains and all(l.score <= calibration()["chain"] for l in chains)


def test_without_a_curated_file_back_end_developer_is_close_to_software_and_web_developer(reviewed_store, tmp_path):
    """ESCO has no back-end developer; its nearest occupations, named by our lexicon, are published because their
    own skills are among those the seeds say the role needs, not because a curator accepted them."""
    from rolegraph.loader.link import LinkOptions, calibration

    result = uncurated_links(reviewed_store, tmp_path)
    close = {l.target: l for l in result.links if l.subject == BASE + "role/back-end-developer"
             and l.kind == "esco-occupation" and l.predicate == "closeMatch"}
    notation = {r["c"]: r["code"] for r in rows(reviewed_store, "SELECT ?c ?code WHERE { ?c a esco:Occupation ; skos:notation ?code }")
                if r["c"] in close}
    assert {"2512.4", "2513.5"} <= set(notation.values())
    for link in close.values():
        assert link.evidence == "skills" and link.score == calibration()["skills"] >= LinkOptions().min_confidence
    assert not [l for l in result.links if l.subject == BASE + "role/back-end-developer" and l.predicate == "exactMatch"
                and l.kind == "esco-occupation"]


def agreeing(shared, **change):
    """``_agree_on_skills`` on one role whose competency has a published link to skills s0…s4, and a lexicon
    candidate to an occupation whose own skills include ``shared`` of them (``change`` alters that candidate)."""
    from dataclasses import replace as altered

    from rolegraph.loader.link import Entity, Link, _agree_on_skills, calibration
    from rolegraph.loader.taxonomies.context import Context

    role = Entity("r", "role", requires=["c"])
    skills = [Link("c", "exactMatch", f"s{i}", "esco-skill", 0.9, "LexicalMatching", "", "", "exact") for i in range(5)]
    occupation = altered(Link("r", "closeMatch", "o", "esco-occupation", calibration()["lexicon"],
                              "ManualMappingCuration", "", "", "lexicon", published=False), **change)
    context = Context(occupation_skills={"o": frozenset({f"s{i}" for i in range(shared)} | {"elsewhere"})})
    found = _agree_on_skills(skills + [occupation], {"r": role, "c": Entity("c", "competency")}, context, 0.8)
    return next(l for l in found if l.subject == "r")


def test_an_occupation_sharing_enough_of_the_roles_skills_is_published_as_skills():
    from rolegraph.loader.link import SHARED_SKILLS, calibration

    agreed = agreeing(SHARED_SKILLS)
    assert (agreed.evidence, agreed.score, agreed.published) == ("skills", calibration()["skills"], True)
    fewer = agreeing(SHARED_SKILLS - 1)
    assert (fewer.evidence, fewer.published) == ("lexicon", False)


def test_shared_skills_never_override_a_curator_or_make_an_overlap_close():
    from rolegraph.loader.link import SHARED_SKILLS

    assert agreeing(SHARED_SKILLS, negated=True).evidence == "lexicon"  # a curator's rejection stays
    assert agreeing(SHARED_SKILLS, evidence="overlap", predicate="relatedMatch").evidence == "overlap"
    assert agreeing(SHARED_SKILLS, evidence="curated", score=1.0).score == 1.0


def test_a_roles_links_are_found_again_when_one_of_its_competencies_changes():
    from rolegraph.loader.link import Entity, _signature

    role, competency = Entity("r", "role", [("Role", 1.0, True)], "Role", ["c"]), Entity("c", "competency", [("A", 1.0, True)], "A")
    before = _signature(role, {"r": role, "c": competency})
    renamed = Entity("c", "competency", [("B", 1.0, True)], "B")
    assert _signature(role, {"r": role, "c": renamed}) != before
    assert _signature(renamed, {"r": role, "c": renamed}) != _signature(competency, {"r": role, "c": competency})


def test_the_tables_made_per_taxonomy_are_those_read_at_once(taxonomy_store):
    """Each taxonomy's part of the linking tables, read alone, merges into the tables of one pass over
    every label and the whole context."""
    import rolegraph.loader.link as link
    from rolegraph.loader.taxonomies.context import merged, read_context

    store = open_read_only(taxonomy_store)
    whole = link._indexes(store, BASE, None)
    parts = [link._indexes(store, BASE, None, tuple(k.name for k in link.TARGET_KINDS if k.taxonomy == t))
             for t in link.TAXONOMIES]
    apart = {name: index for part in parts for name, index in part.items()}
    assert list(apart) == list(whole) and {"esco-skill", "rome-appellation"} <= set(whole)
    for name, index in whole.items():
        assert dict(apart[name].keys) == dict(index.keys) and apart[name].labels == index.labels
        assert dict(apart[name].words) == dict(index.words) and dict(apart[name].broader) == dict(index.broader)
    context = read_context(store, BASE)
    joined = merged([read_context(store, BASE, (t,)) for t in link.TAXONOMIES])
    assert context.ict and context.skill_type
    assert (joined.ict, joined.credentials, joined.skill_type, joined.occupation_skills) == \
        (context.ict, context.credentials, context.skill_type, context.occupation_skills)


def test_importing_rome_after_esco_reads_no_esco_label_again(tmp_path, monkeypatch):
    """The relinking after ``import rome`` loads ESCO's part of the tables that ``import esco`` kept in the
    store's cache, and reads the labels of ROME's kinds only."""
    from conftest import CORPUS, FIXTURE_EXPORTS
    import rolegraph.loader.link as link
    from rolegraph.loader.build import build
    from rolegraph.loader.taxonomies.esco import import_esco
    from rolegraph.loader.taxonomies.labels import KIND_BY_NAME
    from rolegraph.loader.taxonomies.rome import import_rome

    store = tmp_path / "store"
    build([CORPUS], store, BASE)
    linking = lambda s: link.relink(s, BASE, None, link.cached_in(store))
    import_esco(store, FIXTURE_EXPORTS.esco_en, BASE, then=linking)
    link._TABLES.clear()  # as the next command's process
    asked = []
    reading = link.read_labels
    monkeypatch.setattr(link, "read_labels", lambda s, b, kinds: asked.append(kinds) or reading(s, b, kinds))
    import_rome(store, FIXTURE_EXPORTS.rome, BASE, then=linking)
    assert asked and all(KIND_BY_NAME[k].taxonomy == "rome" for kinds in asked for k in kinds)
    assert len(list((store / "cache").glob("linkpart.esco-*.pickle"))) == 1
    assert rows(store, "SELECT ?e WHERE { ?e skos:closeMatch|skos:exactMatch|skos:broadMatch ?c . "
                       "FILTER(CONTAINS(STR(?c), '/rome/')) } LIMIT 1")  # ROME's part was made and used

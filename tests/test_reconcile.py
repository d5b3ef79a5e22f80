"""The reconciliation service (/reconcile): the W3C Reconciliation Service API 0.2 shapes — manifest, query
batch, candidates — over the seeds and the fixture corpus built, linked to our small ESCO and ROME exports;
through the Flask test client and a real server."""
from __future__ import annotations

import json
import shutil
import urllib.parse
import urllib.request

import pytest

from conftest import BASE, CORPUS, FIXTURE_EXPORTS, needs_seeds, SEEDS, served

pytestmark = [needs_seeds, pytest.mark.slow]

RG = "https://w3id.org/rolegraph/ontology#"
ESCO_SOFTWARE_DEVELOPER = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The seeds and the fixture corpus built, then our small ESCO (English, French) and ROME exports
    imported the way ``rolegraph import`` does, the last import relinking."""
    from rolegraph.loader.build import build
    from rolegraph.loader.lexicon import load_lexicon
    from rolegraph.loader.link import relink
    from rolegraph.loader.taxonomies.esco import import_esco
    from rolegraph.loader.taxonomies.rome import import_rome

    store = tmp_path_factory.mktemp("reconcile") / "store"
    build([SEEDS, CORPUS], store, BASE)
    import_esco(store, FIXTURE_EXPORTS.esco_en, BASE)
    import_esco(store, FIXTURE_EXPORTS.esco_fr, BASE)
    import_rome(store, FIXTURE_EXPORTS.rome, BASE, then=lambda s: relink(s, BASE, load_lexicon()))
    return store


@pytest.fixture(scope="module")
def client(store):
    from rolegraph.server import create_app

    app = create_app({"store": str(store), "base_iri": BASE, "testing": True, "query_workers": 1})
    yield app.test_client()
    app.extensions["rolegraph.executor"].close()


def reconcile(client, batch: dict, method: str = "post") -> dict:
    if method == "post":
        response = client.post("/reconcile", data={"queries": json.dumps(batch)})
    else:
        response = client.get("/reconcile", query_string={"queries": json.dumps(batch)})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def error_of(response, status: int = 400) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return body["error"]


# --- the manifest ------------------------------------------------------------------------------------

def test_the_manifest_has_the_fields_openrefine_reads(client):
    manifest = client.get("/reconcile").get_json()
    assert "0.2" in manifest["versions"]
    assert manifest["name"]
    assert manifest["identifierSpace"] == BASE
    assert manifest["schemaSpace"] == RG
    types = {t["id"]: t["name"] for t in manifest["defaultTypes"]}
    assert types[RG + "Role"] == "Role" and RG + "Tool" in types and RG + "Diploma" in types
    assert manifest["view"]["url"] == "http://localhost/id/{{id}}"
    assert "{{id}}" in manifest["preview"]["url"] and manifest["preview"]["width"] > 0
    assert manifest["suggest"]["entity"] == {"service_url": "http://localhost", "service_path": "/reconcile/suggest/entity"}


def test_the_manifest_as_jsonp_for_a_callback(client):
    response = client.get("/reconcile?callback=jsonp1234")
    assert response.status_code == 200 and response.mimetype == "application/javascript"
    text = response.get_data(as_text=True)
    assert text.startswith("/**/jsonp1234(") and text.endswith(");")
    assert json.loads(text[len("/**/jsonp1234("):-2])["identifierSpace"] == BASE


def test_a_callback_that_is_not_a_function_name_is_refused(client):
    error = error_of(client.get("/reconcile", query_string={"callback": "alert(1)//"}))
    assert error["details"]["parameter"] == "callback" and "callback" in error["message"]


# --- query batches -----------------------------------------------------------------------------------

def test_a_batch_in_the_shape_of_the_specification(client):
    results = reconcile(client, {
        "q0": {"query": "Développeuse back-end", "type": RG + "Role", "limit": 3, "type_strict": "any"},
        "q1": {"query": "Data engineer"},
        "q2": {"query": "Pyhton"},
    })
    assert set(results) == {"q0", "q1", "q2"}
    best = results["q0"]["result"][0]
    assert best["id"] == "role/back-end-developer" and best["name"] == "Back-end developer"  # an alternative label
    assert best["score"] == 100 and best["match"] is True
    assert best["type"] == [{"id": RG + "Role", "name": "Role"}]
    assert len(results["q0"]["result"]) <= 3 and all(c["type"][0]["id"] == RG + "Role" for c in results["q0"]["result"])
    assert all(not c["match"] and c["score"] < 100 for c in results["q0"]["result"][1:])
    french = reconcile(client, {"q0": {"query": "développeur BACK-END"}})["q0"]["result"][0]
    assert french["name"] == "Développeur back-end" and french["match"]  # named by the preferred label matched
    # the English title, and a skill with a typo: a candidate, never an automatic match
    assert results["q1"]["result"][0]["id"] == "role/data-engineer" and results["q1"]["result"][0]["match"]
    python = results["q2"]["result"][0]
    assert python["id"] == "tool/python" and python["name"] == "Python" and not python["match"]
    assert 80 <= python["score"] < 100


def test_a_candidate_describes_its_esco_and_rome_links(client):
    [best, *_] = reconcile(client, {"q0": {"query": "back-end developer", "limit": 1}})["q0"]["result"]
    assert "ESCO 2512.4 software developer (close match)" in best["description"]
    assert "ROME 200151" in best["description"] and "(exact match)" in best["description"]
    assert "ROME M1855" in best["description"] and "(broad match)" in best["description"]


def test_get_answers_as_post(client):
    batch = {"q0": {"query": "kubernetes"}, "q1": {"query": "ingénieur devops"}}
    assert reconcile(client, batch, "get") == reconcile(client, batch, "post")
    assert reconcile(client, batch)["q0"]["result"][0]["id"] == "tool/kubernetes"


def test_every_candidate_scores_at_least_the_floor_and_the_best_come_first(client):
    from rolegraph.server.reconcile import MIN_SCORE

    result = reconcile(client, {"q0": {"query": "developer", "limit": 20}})["q0"]["result"]
    scores = [c["score"] for c in result]
    assert scores == sorted(scores, reverse=True) and min(scores) >= MIN_SCORE
    assert not any(c["match"] for c in result)  # no entity is called just "developer"
    assert reconcile(client, {"q0": {"query": "zzyzx quux"}})["q0"]["result"] == []


def test_type_restricts_and_type_strict_should_only_prefers(client):
    as_role = reconcile(client, {"q0": {"query": "Python", "type": "Role"}})["q0"]["result"]
    assert all(c["type"][0]["id"] == RG + "Role" for c in as_role) and "tool/python" not in [c["id"] for c in as_role]
    should = reconcile(client, {"q0": {"query": "Python", "type": "Role", "type_strict": "should"}})["q0"]["result"]
    python = next(c for c in should if c["id"] == "tool/python")
    assert python["score"] == 90 and not python["match"]  # of another type: 90 % of its score
    # a class above ours: a competency is a skill, knowledge or a soft skill
    competencies = reconcile(client, {"q0": {"query": "tests unitaires", "type": "rg:Competency"}})["q0"]["result"]
    assert competencies and all(c["type"][0]["id"] in (RG + "Skill", RG + "Knowledge", RG + "SoftSkill")
                                for c in competencies)


def test_a_mapping_property_ranks_the_candidate_linked_to_it_first(client):
    plain = reconcile(client, {"q0": {"query": "developer", "type": "Role", "limit": 10}})["q0"]["result"]
    assert plain[0]["id"] != "role/front-end-developer"
    # ROME appellation 200150 is the front-end developer's exact match
    asked = reconcile(client, {"q0": {"query": "developer", "type": "Role", "limit": 10,
                                      "properties": [{"pid": "mapping", "v": "200150"}]}})["q0"]["result"]
    assert asked[0]["id"] == "role/front-end-developer"
    by_iri = reconcile(client, {"q0": {"query": "développeur", "type": "Role", "limit": 10,
                                       "properties": [{"pid": "mapping", "v": {"id": ESCO_SOFTWARE_DEVELOPER}}]}})
    assert by_iri["q0"]["result"][0]["id"] == "role/back-end-developer"


def test_the_older_single_query_form(client):
    for given in ("Kubernetes", json.dumps({"query": "Kubernetes", "limit": 1})):
        result = client.get("/reconcile", query_string={"query": given}).get_json()["result"]
        assert result[0]["id"] == "tool/kubernetes" and result[0]["match"]


@pytest.mark.parametrize("batch, message", [
    ("{not json", "not JSON"),
    ("[]", "a JSON object of queries"),
    ('{"q0": {"limit": 3}}', '"query" must be a string'),
    ('{"q0": {"query": "Python", "limit": 0}}', '"limit" must be an integer'),
    ('{"q0": {"query": "Python", "type": "Spaceship"}}', "unknown type 'Spaceship'"),
    ('{"q0": {"query": "Python", "type_strict": "maybe"}}', '"type_strict"'),
    ('{"q0": {"query": "Python", "properties": [{"pid": "colour", "v": "red"}]}}', "unknown property 'colour'"),
])
def test_a_malformed_batch_is_a_400_naming_the_parameter(client, batch, message):
    error = error_of(client.post("/reconcile", data={"queries": batch}))
    assert error["code"] == "usage" and error["details"]["parameter"] == "queries"
    assert message in error["message"] and error["message"].startswith("parameter queries")
    if batch.startswith('{"q0"'):
        assert error["details"]["query"] == "q0"


# --- suggest, preview, view --------------------------------------------------------------------------

def test_suggest_entity_completes_a_prefix(client):
    result = client.get("/reconcile/suggest/entity?prefix=kube").get_json()["result"]
    assert result[0] == {"id": "tool/kubernetes", "name": "Kubernetes", "description": result[0]["description"]}
    # a longer label the prefix opens comes after ("Kubernetes clusters", a form of container orchestration)
    assert "competency/container-orchestration" in [r["id"] for r in result[1:]]
    assert error_of(client.get("/reconcile/suggest/entity?prefix=%20"))["details"]["parameter"] == "prefix"


def test_preview_and_view_show_the_candidate(client):
    page = client.get("/reconcile/preview?id=role/back-end-developer")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "Back-end developer" in text and "Développeur back-end" in text and ESCO_SOFTWARE_DEVELOPER in text
    assert error_of(client.get("/reconcile/preview?id=role/nobody"), 404)["details"]["parameter"] == "id"
    view = client.get("/reconcile").get_json()["view"]["url"].replace("{{id}}", "role/back-end-developer")
    assert client.get(view.removeprefix("http://localhost")).status_code == 200


def test_the_index_follows_a_new_generation(store, tmp_path):
    """A label added by a new build is found without restarting the server."""
    from rolegraph.core.store import publishing
    from rolegraph.server import create_app

    copy = tmp_path / "store"
    shutil.copytree(store, copy, symlinks=True)
    app = create_app({"store": str(copy), "base_iri": BASE, "testing": True, "query_workers": 1})
    try:
        client = app.test_client()
        assert "tool/python" not in [c["id"] for c in reconcile(client, {"q0": {"query": "Pythonista"}})["q0"]["result"]]
        with publishing(copy) as writable:
            writable.update(f'PREFIX rg: <{RG}> INSERT DATA {{ GRAPH <{BASE}graph/fiches> '
                            f'{{ <{BASE}tool/python> rg:labelKey "pythonista" }} }}')
        best = reconcile(client, {"q0": {"query": "Pythonista"}})["q0"]["result"][0]
        assert best["id"] == "tool/python" and best["match"]
    finally:
        app.extensions["rolegraph.executor"].close()


# --- a real server -----------------------------------------------------------------------------------

def test_openrefine_s_requests_to_a_real_server(store, tmp_path):
    with served(store, tmp_path) as (url, _log):
        with urllib.request.urlopen(f"{url}/reconcile?callback=jsonp1") as response:
            text = response.read().decode("utf-8")
        manifest = json.loads(text[len("/**/jsonp1("):-2])
        assert manifest["view"]["url"] == f"{url}/id/{{{{id}}}}"
        body = urllib.parse.urlencode({"queries": json.dumps({"q0": {"query": "Ingénieure DevOps", "limit": 2},
                                                              "q1": {"query": "PostgreSQL"}})}).encode()
        with urllib.request.urlopen(urllib.request.Request(f"{url}/reconcile", data=body)) as response:
            assert response.headers["Content-Type"].startswith("application/json")
            results = json.load(response)
        assert results["q0"]["result"][0]["id"] == "role/devops-engineer" and results["q0"]["result"][0]["match"]
        assert results["q1"]["result"][0]["id"] == "tool/postgresql"
        view = manifest["view"]["url"].replace("{{id}}", results["q1"]["result"][0]["id"])
        with urllib.request.urlopen(view) as page:
            assert page.status == 200
        bad = urllib.request.Request(f"{url}/reconcile", data=b"queries=%7Bnope")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(bad)
        assert refused.value.code == 400
        assert json.load(refused.value)["error"]["details"]["parameter"] == "queries"

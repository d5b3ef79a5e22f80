"""The CLI through click's runner, and `rolegraph serve` as a real process with real clients."""
import json
import urllib.request

import pytest
from rdflib import Graph

import serving
from conftest import BASE, ROOT, SAMPLES
from rolegraph.cli import main

COMMANDS = {"build", "add", "remove", "documents", "migrate", "extract", "evaluate", "validate", "check", "import", "serve", "query", "export"}


def test_help_lists_every_subcommand(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()[:1].isalpha()
              and line.startswith("  ") and not line.startswith("    ")}
    assert COMMANDS <= listed


@pytest.mark.parametrize("command", sorted(COMMANDS) + ["import rdf"])
def test_each_command_has_help(runner, command):
    result = runner.invoke(main, [*command.split(), "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    from click.testing import CliRunner

    store = tmp_path_factory.mktemp("cli") / "store"
    result = CliRunner().invoke(main, ["--store", str(store), "build", str(SAMPLES), "--json"])
    assert result.exit_code == 0, result.output
    return store, json.loads(result.output[result.output.index("{"):])


def test_build_prints_a_summary(sample_store):
    _, summary = sample_store
    assert summary["documents_read"] == 3 and summary["documents_failed"] == 0
    assert summary["violations"] == 0 and summary["entities"]["Role"] >= 3 and summary["generation"] == "000001"


def test_extract_json_lines(runner):
    result = runner.invoke(main, ["extract", "--json", str(SAMPLES / "data-engineer.html"), str(SAMPLES / "ingenieur-devops.md")])
    lines = [json.loads(line) for line in result.output.strip().splitlines()]
    assert [d["doc"] for d in lines] == ["data-engineer.html", "ingenieur-devops.md"]
    assert lines[1]["main_role"]["name"] == "DevOps engineer"


def test_evaluate_prints_the_table(runner, gold, seeds):
    result = runner.invoke(main, ["evaluate", "--gold", str(gold), str(seeds), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["categories"]["main_role"]["f1"] == 1.0


def test_query_and_export(runner, sample_store):
    store, _ = sample_store
    result = runner.invoke(main, ["--store", str(store), "query", "role-tools", "-p", f"role={BASE}role/devops-engineer",
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    labels = {row["label"] for row in json.loads(result.output)["rows"]}
    assert {"Docker", "Kubernetes", "Terraform"} <= labels
    exported = runner.invoke(main, ["--store", str(store), "export", "--format", "ttl"])
    graph = Graph().parse(data=exported.output, format="turtle")
    assert len(graph) > 500


@pytest.mark.parametrize("args,code,message", [
    (["query", "counts"], 3, "no published graph"),
    (["build", "missing-folder/nothing.txt"], 2, "no document could be read"),
    (["query", "no-such-query"], 2, "no named query"),
    (["query", "--sparql", "SELEC x"], 3, "no published graph"),
])
def test_exit_codes(runner, tmp_path, args, code, message):
    result = runner.invoke(main, ["--store", str(tmp_path / "empty"), *args])
    assert result.exit_code == code and message in result.output


def test_a_syntax_error_is_exit_code_4(runner, sample_store):
    store, _ = sample_store
    result = runner.invoke(main, ["--store", str(store), "query", "--sparql", "SELEC ?x WHERE {}"])
    assert result.exit_code == 4 and "syntax error" in result.output


def test_validate_exits_1_on_a_violation(runner, tmp_path):
    graph = Graph().parse(ROOT / "tests/fixtures/shapes/valid/complete.ttl")
    from rolegraph.core.vocabulary import sparql_prologue
    graph.update(sparql_prologue() + (ROOT / "tests/fixtures/shapes/invalid/salary-currency-not-iso.ru").read_text())
    path = tmp_path / "broken.ttl"
    graph.serialize(path, format="turtle")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1 and "rgsh:SalaryRange-currency" in result.output
    ok = runner.invoke(main, ["validate", str(ROOT / "tests/fixtures/shapes/valid/complete.ttl")])
    assert ok.exit_code == 0 and "0 violation(s)" in ok.output


def test_import_rdf_into_its_own_graph(runner, sample_store, tmp_path):
    store, _ = sample_store
    mapping = tmp_path / "mapping.ttl"
    mapping.write_text("<https://example.org/a> <http://www.w3.org/2004/02/skos/core#exactMatch> <https://example.org/b> .\n")
    result = runner.invoke(main, ["--store", str(store), "import", "rdf", str(mapping), "--graph", "https://example.org/g"])
    assert result.exit_code == 0 and "https://example.org/g: 1 quads" in result.output
    count = runner.invoke(main, ["--store", str(store), "query", "--format", "json", "--sparql",
                                 "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/g> { ?s ?p ?o } }"])
    assert json.loads(count.output)["rows"] == [{"n": "1"}]


def test_serve_runs_a_real_server_that_real_clients_query(sample_store):
    from SPARQLWrapper import JSON, SPARQLWrapper

    store, _ = sample_store
    port = serving.free_port()
    with serving.start(serving.rolegraph_serve(store, port, production=False), f"http://127.0.0.1:{port}") as server:
        with urllib.request.urlopen(server.url + "/healthz", timeout=10) as response:
            assert json.load(response)["status"] == "ok"
        client = SPARQLWrapper(server.url + "/sparql")
        client.setQuery("PREFIX rg: <https://w3id.org/rolegraph/ontology#> SELECT (COUNT(?d) AS ?n) WHERE { ?d a rg:SourceDocument }")
        client.setReturnFormat(JSON)
        assert client.queryAndConvert()["results"]["bindings"][0]["n"]["value"] == "3"

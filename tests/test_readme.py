"""The README's tables cannot drift from the code: commands, exit codes, named queries, classes."""
import re
from pathlib import Path

from rolegraph import queries
from rolegraph.core.vocabulary import RG
from rolegraph.cli import main
from rolegraph.core.errors import EXIT_CODES
from rolegraph.core.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def table(marker: str) -> list[list[str]]:
    block = README.split(f"<!-- {marker} -->", 1)[1].strip().split("\n\n", 1)[0]
    rows = [line for line in block.splitlines() if line.startswith("|")][2:]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]] for row in rows]


def test_cli_table_lists_every_command():
    documented = set()
    for cells in table("cli-table"):
        words = cells[0].strip("`").split()
        documented.add(" ".join(words[1:3]) if words[1] == "import" else words[1])
    commands = {name for name in main.commands if name != "import"} | {f"import {n}" for n in main.commands["import"].commands}
    assert documented == commands


def test_exit_code_table_matches_the_code():
    assert {int(c[0]): c[1] for c in table("exit-codes")} == EXIT_CODES


def test_query_table_matches_the_catalogue():
    rows = {c[0].strip("`"): c for c in table("query-table")}
    catalogue = queries.catalogue()
    assert set(rows) == set(catalogue)
    for name, query in catalogue.items():
        assert rows[name][1] == query.title
        params = ", ".join(f"`{p.name}` ({p.type})" for p in query.parameters) or "—"
        assert rows[name][2] == params


def test_ontology_table_names_real_classes_and_every_main_one():
    named = {m for c in table("ontology-table") for m in re.findall(r"`rg:(\w+)`", c[0])}
    assert {"Role", "Competency", "Tool", "Diploma", "Training", "Certification", "SalaryRange",
            "SourceDocument", "Claim", "Evidence"} <= named
    for name in {m for c in table("ontology-table") for m in re.findall(r"rg:([\w-]+)", " ".join(c))}:
        RG[name]  # raises on a term the ontology does not have


def test_the_two_commands_are_there():
    for marker in ("main-command", "test-command"):
        assert re.search(rf"<!-- {marker} -->\s*```sh\n.+\n```", README)


def test_settings_table_and_global_options_name_every_setting():
    documented = {c[0].strip("`"): c[1].strip("`") for c in table("settings-table")}
    for option, env, *_ in table("global-options"):
        documented[option.strip("`").split()[0].lstrip("-").replace("-", "_")] = env.strip("`")
    assert documented == {s.name: s.env for s in SETTINGS}


def test_route_table_lists_every_route_of_the_server(tmp_path):
    from rolegraph.server import create_app

    placeholder = lambda rule: re.sub(r"<[^>]+>", "<>", rule)  # noqa: E731
    documented = {placeholder(route) for cells in table("route-table") for route in re.findall(r"`([^`]+)`", cells[0])}
    app = create_app({"store": str(tmp_path / "store")})
    served = {placeholder(rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert documented == served


def test_layout_table_matches_the_package_map():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    mapped = {f"{folder}/": name for name, folder in project["package-dir"].items()}
    mapped.update({f"{name.replace('.', '/')}/": name for name in project["packages"]
                   if not any(name == m or name.startswith(m + ".") for m in project["package-dir"])
                   and name.count(".") <= 1})
    documented = {c[0].strip("`"): c[1].strip("`") for c in table("layout-table")}
    assert documented == mapped


def test_setting_forms_table_matches_the_settings():
    assert {c[0].strip("`"): c[1] for c in table("setting-forms")} == {s.name: s.form.expects for s in SETTINGS}

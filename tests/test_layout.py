"""The floors of the house, read from the imports: cli → server | loader → queries → core.

Each module of the ``rolegraph`` package may import only its own floor and the floors below it;
``server`` never imports ``loader`` (the published store is their contract) and nothing imports the CLI.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Source folder → import name, as pyproject.toml's package-dir maps them.
FOLDERS = {"rolegraph": "rolegraph", "loader": "rolegraph.loader", "server": "rolegraph.server",
           "queries": "rolegraph.queries", "ontology": "rolegraph.ontology", "data": "rolegraph.data"}

#: Floor → the floors it may import (besides itself).
ALLOWED = {
    "cli": {"server", "loader", "queries", "core"},
    "server": {"queries", "core"},
    "loader": {"queries", "core"},
    "queries": {"core"},
    "core": set(),
    "data files": set(),
    "root": set(),
}


def floor(module: str) -> str:
    parts = module.split(".")
    if module == "rolegraph":
        return "root"  # the package itself: its version and nothing else
    if parts[:2] in (["rolegraph", "ontology"], ["rolegraph", "data"]):
        return "data files"
    if len(parts) > 1 and parts[1] in ("server", "loader", "queries", "core"):
        return parts[1]
    return "cli"  # rolegraph, rolegraph.cli, rolegraph.querying, rolegraph.__main__


def modules() -> dict[str, Path]:
    found = {}
    for folder, package in FOLDERS.items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if folder == "rolegraph" and parts[0] in ("loader", "server", "queries", "ontology", "data"):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join([package, *parts])] = path
    return found


def imports(module: str, path: Path) -> set[str]:
    """Absolute names of the rolegraph modules that ``module`` imports (relative imports resolved)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            names.add(target)
            names |= {f"{target}.{alias.name}" for alias in node.names}  # "from rolegraph import queries"
    known = modules()
    return {name for name in names if name in known or name.split(".")[0] in FOLDERS}


def test_only_rolegraph_is_a_top_level_package():
    tops = {name.split(".")[0] for module, path in modules().items() for name in imports(module, path)}
    assert tops <= {"rolegraph"}, "a module imports a folder by its bare name instead of rolegraph.<folder>"


@pytest.mark.parametrize("module", sorted(modules()))
def test_arrows_point_down(module):
    known = modules()
    mine = floor(module)
    wrong = sorted(name for name in imports(module, known[module])
                   if name in known and floor(name) not in (mine, "root") and floor(name) not in ALLOWED[mine])
    assert wrong == [], f"{module} ({mine}) imports {wrong} from a floor above or beside it"


def test_the_package_root_imports_nothing():
    path = modules()["rolegraph"]
    assert [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, (ast.Import, ast.ImportFrom))] == []


def test_nothing_imports_the_cli():
    known = modules()
    importers = sorted(m for m, path in known.items()
                       if m not in ("rolegraph.__main__", "rolegraph.cli") and "rolegraph.cli" in imports(m, path))
    assert importers == []


def test_the_floor_rule_is_read_from_real_imports(tmp_path):
    # The reader must see a server → loader import as one, or the arrows test above could never fail.
    source = "from rolegraph.loader.build import build\nfrom ..loader import link\nimport rolegraph.core.store\n"
    path = tmp_path / "_probe.py"
    module = "rolegraph.server._probe"
    path.write_text(source, encoding="utf-8")
    tree_names = imports(module, path)
    assert {"rolegraph.loader.build", "rolegraph.loader", "rolegraph.core.store"} <= tree_names
    assert floor("rolegraph.loader.build") not in ALLOWED[floor(module)]


def test_importing_the_cli_opens_nothing_heavy():
    code = ("import sys, rolegraph.cli; print(sorted(m for m in ('pyshacl', 'owlready2', 'flask', "
            "'rolegraph.loader', 'rolegraph.server') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"

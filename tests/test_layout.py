"""The arrows of the architecture: server never imports loader, loader never imports server."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_packages(package: str) -> set[str]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package,forbidden", [
    ("server", {"loader"}), ("loader", {"server"}), ("ontology", {"loader", "server", "queries"}),
    ("queries", {"loader", "server"}),
])
def test_arrows_point_one_way(package, forbidden):
    assert imported_packages(package) & forbidden == set()


def test_importing_the_cli_opens_nothing_heavy():
    import subprocess
    import sys

    code = "import sys, rolegraph.cli; print(sorted(m for m in ('pyshacl', 'owlready2', 'flask', 'loader') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"

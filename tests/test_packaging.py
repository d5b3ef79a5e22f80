"""The distribution: a wheel built from the repository installs one import package, rolegraph, with its data files."""
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import rolegraph

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy, so that setuptools' build folder never lands in the checkout.
    source = out / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(source)],
                   check=True, capture_output=True, cwd=out)
    (path,) = out.glob("rolegraph-*.whl")
    return zipfile.ZipFile(path)


@pytest.mark.slow
def test_the_wheel_holds_only_rolegraph_and_its_dist_info(wheel):
    tops = {name.split("/")[0] for name in wheel.namelist()}
    assert tops == {"rolegraph", f"rolegraph-{rolegraph.__version__}.dist-info"}


@pytest.mark.slow
def test_the_folders_are_mapped_into_the_package_with_their_data_files(wheel):
    names = set(wheel.namelist())
    for expected in ("rolegraph/cli.py", "rolegraph/core/store.py", "rolegraph/loader/build.py",
                     "rolegraph/server/__init__.py", "rolegraph/queries/__init__.py", "rolegraph/queries/roles.rq",
                     "rolegraph/ontology/rolegraph.ttl", "rolegraph/ontology/shapes/violations.ttl",
                     "rolegraph/data/lexicon/tools.toml", "rolegraph/server/templates/entity.html"):
        assert expected in names
    assert not any(name.startswith(("rolegraph/data/build/", "rolegraph/tests/")) for name in names)


@pytest.mark.slow
def test_the_version_is_read_from_one_place(wheel):
    (metadata,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    assert f"Version: {rolegraph.__version__}\n" in wheel.read(metadata).decode()
    assert "version =" not in (ROOT / "pyproject.toml").read_text().split("[project]")[1].split("[")[0]

"""The reviewed sample of links (tests/fixtures/links-review/): the calibration is what its calibrate half gives,
and the links published from the seeds and the development set are as precise as promised on its test half."""
import sys
import tomllib
from collections import Counter

import pytest

from conftest import BASE, ROOT

sys.path.insert(0, str(ROOT / "bench"))
from links_review import CALIBRATION, calibrate, measure, read_sample  # noqa: E402

from rolegraph.core.settings import BY_NAME  # noqa: E402
from rolegraph.loader.mappings import stored_mappings  # noqa: E402

THRESHOLD = BY_NAME["min_link_confidence"].default


def test_the_sample_is_large_judged_and_covers_every_kind():
    sample = read_sample()
    assert len(sample) >= 200
    assert {r["verdict"] for r in sample} <= {"correct", "wrong", "broader", "narrower"}
    assert all(r["verdict"] for r in sample)
    assert {r["stratum"] for r in sample} == {"role-occupation", "role-appellation", "competency-skill",
                                              "tool-knowledge", "qualification"}
    halves = {r["half"] for r in sample}
    assert halves == {"calibrate", "test"}


def test_the_calibration_file_is_what_the_calibrate_half_gives():
    written = tomllib.loads(CALIBRATION.read_text(encoding="utf-8"))["confidence"]
    assert written == calibrate(read_sample())


def measured(reviewed_store):
    """The reviewed sample's test half against the links the seeds build publishes now."""
    published = {(r["subject"], r["object"]): r["predicate"] for r in stored_mappings(reviewed_store, BASE) if r["published"]}
    return measure(published, read_sample())


def test_published_exact_and_close_links_are_95_percent_right_on_the_test_half(reviewed_store):
    good, total = measured(reviewed_store)["exact+close"]
    assert total >= 20, "too few published links in the test half to measure"
    assert good / total >= 0.95, f"{good}/{total}"


def test_all_published_links_are_90_percent_right_on_the_test_half(reviewed_store):
    found = measured(reviewed_store)
    good, total = found["all"]
    assert total >= 20
    assert good / total >= 0.90, f"{good}/{total}"
    print(f"\nreviewed sample, test half: {found}")  # the figures of bench/README.md (pytest -s)


def test_every_published_class_has_its_own_calibration(reviewed_store):
    """No link is published on a prior: each evidence class the build publishes was measured on the sample,
    the chain through an exact appellation and the shared-skills close match included."""
    written = tomllib.loads(CALIBRATION.read_text(encoding="utf-8"))["confidence"]
    published = {r["evidence"] for r in stored_mappings(reviewed_store, BASE) if r["published"]} - {"curated"}
    assert {"chain-exact", "skills"} <= published <= set(written)
    judged = Counter(r["evidence"] for r in read_sample() if r["half"] == "calibrate")
    assert judged["chain-exact"] >= 10 and judged["skills"] >= 3

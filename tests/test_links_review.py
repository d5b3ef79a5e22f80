"""The reviewed sample of links (tests/fixtures/links-review/): the calibration is what its calibrate half gives,
and the links published from the seeds and the development set are as precise as promised on its test half."""
import sys
import tomllib

import pytest

from conftest import BASE, ROOT

sys.path.insert(0, str(ROOT / "bench"))
from links_review import CALIBRATION, calibrate, read_sample, right  # noqa: E402

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


def precision(reviewed_store, predicates):
    """(right, published) over the test half: each sampled pair's link as the store publishes it now."""
    now = {(r["subject"], r["object"]): r for r in stored_mappings(reviewed_store, BASE) if r["published"]}
    good = total = 0
    for row in read_sample():
        link = now.get((row["subject"], row["object"]))
        if row["half"] != "test" or link is None or link["predicate"] not in predicates:
            continue
        total += 1
        good += right(link["predicate"], row["verdict"])
    return good, total


def test_published_exact_and_close_links_are_95_percent_right_on_the_test_half(reviewed_store):
    good, total = precision(reviewed_store, ("exactMatch", "closeMatch"))
    assert total >= 20, "too few published links in the test half to measure"
    assert good / total >= 0.95, f"{good}/{total}"


def test_all_published_links_are_90_percent_right_on_the_test_half(reviewed_store):
    good, total = precision(reviewed_store, ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"))
    assert total >= 20
    assert good / total >= 0.90, f"{good}/{total}"

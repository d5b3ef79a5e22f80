"""How long linking takes on a store with the real exports imported: reading the taxonomies' tables from the store
(cold), from the cache file a previous run left (a new process after a build that changed no taxonomy), and from
the process (warm). Usage: python bench/link_bench.py STORE"""
import shutil
import sys
import tempfile
import time

from rolegraph.core.store import open_read_only
from rolegraph.loader import link
from rolegraph.loader.lexicon import load_lexicon

BASE = "https://w3id.org/rolegraph/id/"


def timed(store, lexicon, cache):
    started = time.perf_counter()
    result = link.find_links(store, BASE, lexicon, link.LinkOptions(cache=cache))
    return time.perf_counter() - started, len(result.links), len(result.candidates)


if __name__ == "__main__":
    store, lexicon = open_read_only(sys.argv[1]), load_lexicon()
    cache = tempfile.mkdtemp()
    try:
        print("cold (labels read from the store): %.2f s, %d links, %d candidates" % timed(store, lexicon, cache))
        link._TABLES.clear()
        print("cache file (a new process):        %.2f s, %d links, %d candidates" % timed(store, lexicon, cache))
        print("warm (same process):               %.2f s, %d links, %d candidates" % timed(store, lexicon, cache))
    finally:
        shutil.rmtree(cache)

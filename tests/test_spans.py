"""Spans answer range queries as a scan of every span would, without the scan."""
from hypothesis import given, settings
from hypothesis import strategies as st

from rolegraph.loader.extract.spans import Spans

span = st.tuples(st.integers(0, 200), st.integers(0, 40)).map(lambda p: (p[0], p[0] + p[1]))


@settings(max_examples=200, deadline=None)
@given(st.lists(span, max_size=30), span, st.booleans())
def test_range_queries_agree_with_a_scan(spans, query, strictly):
    start, end = query
    index = Spans(spans)
    assert sorted(index.overlapping(start, end)) == sorted(s for s in spans if s[0] < end and s[1] > start)
    assert sorted(index.containing(start, end, strictly)) == sorted(
        s for s in spans if s[0] <= start and end <= s[1] and not (strictly and s == query))


def test_mentions_are_indexed_by_their_offsets():
    class Mention:
        def __init__(self, start, end):
            self.start, self.end = start, end

    long, short = Mention(0, 120), Mention(130, 135)
    index = Spans([short, long])
    assert index.containing(10, 20) == [long]  # a long mention far before the range still holds it
    assert index.overlapping(119, 131) == [long, short]
    assert index.overlapping(120, 130) == []
    assert Spans([]).overlapping(0, 10) == []

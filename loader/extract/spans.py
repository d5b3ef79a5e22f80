"""Spans of a text found by the range they overlap or contain, without a scan of them all: a long
document holds thousands of mentions, and a scan per mention made its extraction quadratic."""
from __future__ import annotations

import bisect
from typing import Callable, Generic, Iterable, TypeVar

T = TypeVar("T")


def _bounds(item) -> tuple[int, int]:
    return (item.start, item.end) if hasattr(item, "start") else item


class Spans(Generic[T]):
    """``items`` (mentions, or (start, end) pairs) sorted by start; a query bisects to the items that
    start late enough to reach the range, the longest item's length before it."""

    def __init__(self, items: Iterable[T], bounds: Callable[[T], tuple[int, int]] = _bounds) -> None:
        keyed = sorted(((bounds(item), item) for item in items), key=lambda pair: pair[0][0])
        self.items = [item for _, item in keyed]
        self.bounds = [span for span, _ in keyed]
        self.starts = [start for start, _ in self.bounds]
        self.reach = max((end - start for start, end in self.bounds), default=0)

    def _near(self, start: int, end: int) -> Iterable[int]:
        first = bisect.bisect_left(self.starts, start - self.reach)
        last = bisect.bisect_right(self.starts, end)
        return range(first, last)

    def overlapping(self, start: int, end: int) -> list[T]:
        """The items sharing at least one character with ``start``..``end``."""
        return [self.items[i] for i in self._near(start, end)
                if self.bounds[i][0] < end and self.bounds[i][1] > start]

    def containing(self, start: int, end: int, strictly: bool = False) -> list[T]:
        """The items whose span holds ``start``..``end`` (``strictly``: and is not that same span)."""
        return [self.items[i] for i in self._near(start, end)
                if self.bounds[i][0] <= start and end <= self.bounds[i][1]
                and not (strictly and self.bounds[i] == (start, end))]

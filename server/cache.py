"""A bounded, thread-safe cache of serialised query answers for one store generation.

Answers cannot change until the next build is published, so entries are keyed by generation and
the whole cache is dropped when a newer generation shows up.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class ResultCache:
    """Least-recently-used entries of (generation, key) → value within ``max_bytes`` (0: off).
    An entry larger than an eighth of the budget is not kept, so one answer cannot flush the rest."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = int(max_bytes)
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._generation: str | None = None
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def get(self, key: tuple[str | None, Hashable]) -> Any | None:
        with self._lock:
            if key[0] != self._generation:
                return None
            entry = self._entries.get(key[1])
            if entry is None:
                return None
            self._entries.move_to_end(key[1])
            return entry[0]

    def put(self, key: tuple[str | None, Hashable], value: Any, size: int) -> None:
        generation, inner = key
        if not self.enabled or size > self.max_bytes // 8:
            return
        with self._lock:
            if generation != self._generation:
                if generation is not None and self._generation is not None and generation < self._generation:
                    return  # a late answer from an older generation
                self._entries.clear()
                self._bytes = 0
                self._generation = generation
            if inner in self._entries:
                return
            self._entries[inner] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def __len__(self) -> int:
        return len(self._entries)

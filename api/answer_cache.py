"""Answers kept in memory until the next write, within a budget of bytes.

The store changes only when something is written (an upload, a withdrawal, a forwarded
ingest), and every write forgets every answer, so a kept answer is always the one the store
would give now. Keys come from clients (a SPARQL query, a page's query string), so the cache
is bounded: the least recently used answers go first once the budget is spent, and an answer
bigger than an eighth of the budget is never kept. Its hits and misses are on `/metrics`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


NO_CACHE = frozenset({"no-cache", "max-age=0"})
"""`Cache-Control` directives asking for an answer computed now (RFC 9111 5.2.1)."""


def asks_fresh(headers: Mapping[str, str]) -> bool:
    """Whether the client asked for an answer computed now, not a kept one (what it gets
    is kept for the others): `request.headers`, or a scope's `Headers`."""
    directives = headers.get("cache-control", "").lower().replace(" ", "").split(",")
    return not NO_CACHE.isdisjoint(directives)


@dataclass(frozen=True)
class _Kept(Generic[T]):
    value: T
    size: int


class AnswerCache(Generic[T]):
    """An LRU map of answers with a byte budget and a version bumped by every write."""

    def __init__(self, budget_bytes: int, size_of: Callable[[T], int]) -> None:
        self.budget = budget_bytes
        self._size_of = size_of
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, _Kept[T]] = OrderedDict()
        self._used = 0
        self._version = 0
        self.hits = 0
        self.misses = 0

    @property
    def used_bytes(self) -> int:
        return self._used

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: Hashable) -> T | None:
        with self._lock:
            kept = self._kept.get(key)
            if kept is None:
                self.misses += 1
                return None
            self._kept.move_to_end(key)
            self.hits += 1
        return kept.value

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The kept answer, or `compute()`'s (`computed`)."""
        found = self.get(key)
        return self.computed(key, compute) if found is None else found

    def computed(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`'s answer, kept unless a write came in while it ran (it may then be
        stale): for a caller that has looked the key up already, or asked for it fresh."""
        with self._lock:
            version = self._version
        value = compute()
        self._keep(key, value, version)
        return value

    def clear(self) -> None:
        """Forget every answer: the store has changed."""
        with self._lock:
            self._kept.clear()
            self._used = 0
            self._version += 1

    def _keep(self, key: Hashable, value: T, version: int) -> None:
        size = self._size_of(value) + 200  # the key, the entry and the dict's slot, roughly
        if size > self.budget // 8:
            return
        with self._lock:
            if version != self._version:
                return
            old = self._kept.pop(key, None)
            self._used += size - (old.size if old else 0)
            self._kept[key] = _Kept(value, size)
            while self._used > self.budget:
                _, dropped = self._kept.popitem(last=False)
                self._used -= dropped.size

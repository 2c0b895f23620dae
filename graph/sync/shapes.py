"""The shapes a sync can give the property graph, as one small table: allegraph's own (the
default: labels by local name, UPPER_SNAKE relationships, shortcut edges, provenance) and
the one neosemantics (n10s) makes of the same RDF. The CLI picks one by name; nothing else
asks which shape it is writing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from graph.property.backend import CypherBackend
from graph.rdf.store import RDFStore
from graph.sync import n10s, verify
from graph.sync.run import SyncReport, sync_documents
from loaders.errors import UsageError


class SyncFunction(Protocol):
    def __call__(
        self,
        store: RDFStore,
        backend: CypherBackend,
        *,
        full: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> SyncReport: ...


@dataclass(frozen=True)
class Shape:
    sync: SyncFunction
    differences: Callable[[RDFStore, CypherBackend], list[str]]  # what `--verify` reports


SHAPES: dict[str, Shape] = {
    "allegraph": Shape(sync_documents, verify.differences),
    "n10s": Shape(n10s.sync_n10s, n10s.differences),
}


def shape_named(name: str) -> Shape:
    try:
        return SHAPES[name]
    except KeyError:
        raise UsageError(f"unknown shape {name!r}; known: {', '.join(SHAPES)}") from None

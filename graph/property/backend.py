"""The small interface every Cypher backend offers, and choosing one from the settings.

Rows come back as plain Python: nodes as `{"iri", "labels", "properties"}`, relationships
as `{"type", "start", "end", "properties"}`, paths as `{"nodes", "relationships"}`, so the
layers above never see a driver's types.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from graph.property.cypher import Dialect
from graph.property.rows import EdgeRow, NodeRow

Row = dict[str, Any]


class GraphBuilder(Protocol):
    """Creates a new graph a batch at a time (FalkorDB's GRAPH.BULK)."""

    def __contains__(self, iri: str) -> bool:
        """Whether a node with this IRI has been added."""

    def add(self, nodes: Sequence[NodeRow], edges: Sequence[EdgeRow], local: Any = None) -> int:
        """Create these nodes (none added before), then those `encode` gave `local`, and the
        edges whose ends have been added; return how many edges were left out for want of
        an end."""

    @property
    def encode(self) -> Callable[[list[NodeRow], list[EdgeRow]], Any]:
        """Encodes nodes no other batch has and the edges at them, for `add`; a function
        that pickles, so the sync's reading workers run it."""


class CypherBackend(Protocol):
    dialect: Dialect
    name: str

    def read(
        self, query: str, parameters: dict[str, Any] | None = None, timeout_ms: int | None = None
    ) -> list[Row]:
        """Run a query the database itself executes read-only (a write is refused)."""

    def write(self, query: str, parameters: dict[str, Any] | None = None) -> list[Row]:
        """Run one write statement (typically an UNWIND over a batch of rows)."""

    def ensure_schema(self) -> None:
        """Create the indexes and constraints sync relies on; harmless when they exist."""

    def clear(self) -> None:
        """Delete everything allegraph wrote (before a full rebuild)."""

    def graph_builder(self) -> GraphBuilder | None:
        """A builder that creates the graph from nothing, far faster than Cypher writes,
        if the database has one and the graph does not exist yet; else None."""

    def close(self) -> None: ...


BACKENDS = ("falkordb", "neo4j")


def open_backend(
    kind: str | None, data_dir: Path, stop: threading.Event | None = None
) -> CypherBackend:
    """The backend named (or `ALLEGRAPH_BACKEND`, default falkordb), connected.

    Setting `stop` (from another thread) abandons an embedded FalkorDB still loading its
    snapshot: its process is killed and a `BackendError` raised, so none is left behind."""
    kind = kind or os.environ.get("ALLEGRAPH_BACKEND", "falkordb")
    if kind == "falkordb":
        from graph.property.falkordb_backend import FalkorDBBackend

        return FalkorDBBackend.from_environment(data_dir, stop)
    if kind == "neo4j":
        from graph.property.neo4j_backend import Neo4jBackend

        return Neo4jBackend.from_environment()
    from loaders.errors import UsageError

    raise UsageError(f"unknown backend {kind!r}; known: {', '.join(BACKENDS)}")

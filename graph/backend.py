"""The small interface every Cypher backend offers, and choosing one from the settings.

Rows come back as plain Python: nodes as `{"iri", "labels", "properties"}`, relationships
as `{"type", "start", "end", "properties"}`, paths as `{"nodes", "relationships"}`, so the
layers above never see a driver's types.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol

from graph.cypher import Dialect

Row = dict[str, Any]


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

    def close(self) -> None: ...


BACKENDS = ("falkordb", "neo4j")


def open_backend(kind: str | None, data_dir: Path) -> CypherBackend:
    """The backend named (or `ALLEGRAPH_BACKEND`, default falkordb), connected."""
    kind = kind or os.environ.get("ALLEGRAPH_BACKEND", "falkordb")
    if kind == "falkordb":
        from graph.falkordb_backend import FalkorDBBackend

        return FalkorDBBackend.from_environment(data_dir)
    if kind == "neo4j":
        from graph.neo4j_backend import Neo4jBackend

        return Neo4jBackend.from_environment()
    from loaders.errors import UsageError

    raise UsageError(f"unknown backend {kind!r}; known: {', '.join(BACKENDS)}")

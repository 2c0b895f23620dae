"""Neo4j through the official driver over Bolt: one server, a cluster or Aura (`neo4j://`).

Reads run in READ access mode, so the database (not a regex) refuses writes; errors are
classified the driver's way: unreachable or transient is a `BackendError`, a bad query a
`QueryError`.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import neo4j
from neo4j.exceptions import ClientError, Neo4jError, ServiceUnavailable, TransientError
from neo4j.graph import Node, Path, Relationship

from graph.property import cypher
from graph.property.backend import Row
from graph.property.cypher import NEO4J, Dialect
from loaders.errors import BackendError, QueryError, QueryTimeout, WriteRefused

# The driver logs connection failures itself; allegraph reports them once, as its own error.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
logging.getLogger("neo4j").propagate = False


class Neo4jBackend:
    dialect: Dialect = NEO4J
    name = "neo4j"

    def __init__(self, uri: str, user: str, password: str, database: str | None) -> None:
        self.uri, self.database = uri, database
        try:
            self._driver = neo4j.GraphDatabase.driver(uri, auth=(user, password))
            self._driver.verify_connectivity()
        except (ServiceUnavailable, OSError, ValueError) as exc:
            raise BackendError(f"cannot reach Neo4j at {uri}: {exc}") from None
        except Neo4jError as exc:
            raise BackendError(f"Neo4j at {uri} refused the connection: {exc}") from None

    @classmethod
    def from_environment(cls) -> Neo4jBackend:
        uri = os.environ.get("ALLEGRAPH_NEO4J_URI")
        if not uri:
            raise BackendError("set ALLEGRAPH_NEO4J_URI (e.g. neo4j://localhost:7687) for Neo4j")
        return cls(
            uri,
            os.environ.get("ALLEGRAPH_NEO4J_USER", "neo4j"),
            os.environ.get("ALLEGRAPH_NEO4J_PASSWORD", ""),
            os.environ.get("ALLEGRAPH_NEO4J_DATABASE") or None,
        )

    def read(
        self, query: str, parameters: dict[str, Any] | None = None, timeout_ms: int | None = None
    ) -> list[Row]:
        timeout = timeout_ms / 1000 if timeout_ms else None
        return self._run(neo4j.READ_ACCESS, neo4j.Query(query, timeout=timeout), parameters)

    def write(self, query: str, parameters: dict[str, Any] | None = None) -> list[Row]:
        return self._run(neo4j.WRITE_ACCESS, neo4j.Query(query), parameters)

    def _run(self, mode: str, query: neo4j.Query, parameters: dict[str, Any] | None) -> list[Row]:
        def work(tx: neo4j.ManagedTransaction) -> list[Row]:
            records = tx.run(query, parameters or {})  # type: ignore[arg-type]
            return [{k: _plain(record[k]) for k in record.keys()} for record in records]  # noqa: SIM118 - a Record is not a dict

        try:
            with self._driver.session(database=self.database, default_access_mode=mode) as session:
                if mode == neo4j.READ_ACCESS:
                    return session.execute_read(work)
                return session.execute_write(work)
        except ClientError as exc:
            raise _query_error(exc) from None
        except (ServiceUnavailable, TransientError, OSError) as exc:
            raise BackendError(f"Neo4j at {self.uri} failed: {exc}") from None
        except Neo4jError as exc:
            raise BackendError(f"Neo4j at {self.uri} failed: {exc}") from None

    def ensure_schema(self) -> None:
        for statement in self.dialect.schema:
            self.write(statement)

    def clear(self) -> None:
        self.write(cypher.CLEAR)

    def graph_builder(self) -> None:
        """None: Neo4j's bulk import (`neo4j-admin import`) runs offline, on the server."""
        return None

    def close(self) -> None:
        self._driver.close()


def _query_error(exc: ClientError) -> QueryError:
    """The server's classification (its status code) decides, not the message text."""
    code = exc.code or ""
    if code == "Neo.ClientError.Statement.AccessMode":
        return WriteRefused("the query writes, and only read-only Cypher is allowed here")
    if code.startswith("Neo.ClientError.Transaction.TransactionTimedOut"):
        return QueryTimeout(f"the Cypher query ran past its time limit: {exc.message}")
    return QueryError(f"Cypher query failed: {exc.message}")


def _plain(value: Any) -> Any:
    if isinstance(value, Node):
        props = dict(value)
        return {"iri": props.get("iri"), "labels": sorted(value.labels), "properties": props}
    if isinstance(value, Relationship):
        start, end = value.start_node, value.end_node
        return {
            "type": value.type,
            "start": start.get("iri") if start else None,
            "end": end.get("iri") if end else None,
            "properties": dict(value),
        }
    if isinstance(value, Path):
        return {
            "nodes": [_plain(n) for n in value.nodes],
            "relationships": [_plain(r) for r in value.relationships],
        }
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value

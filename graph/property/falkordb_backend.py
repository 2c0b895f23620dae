"""FalkorDB over its own protocol (the `falkordb` client), embedded or at a URL.

Not over Bolt: FalkorDB's Bolt support is experimental and crashed the server on an
`UNWIND` of 200 rows. Reads use GRAPH.RO_QUERY, so the database refuses any write, with the
database's own TIMEOUT; and since FalkorDB checks that timeout only between records (one step
that builds `range(1, 100000000)` or a cartesian product runs on past it), a read with a time
limit also waits for its answer no longer than the limit (and a grace) on its connection.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import redis
from falkordb import FalkorDB  # type: ignore[import-untyped]
from falkordb.edge import Edge  # type: ignore[import-untyped]
from falkordb.node import Node  # type: ignore[import-untyped]
from falkordb.path import Path as FalkorPath  # type: ignore[import-untyped]
from redis.backoff import NoBackoff
from redis.retry import Retry

from graph.property import cypher
from graph.property.backend import Row
from graph.property.cypher import FALKORDB, Dialect
from graph.property.falkordb_bulk import FalkorDBGraphBuilder, nul_refused
from graph.property.falkordb_server import (
    SERVER_DIR,
    ServerAddress,
    ensure_server,
    graph_answers,
    kill_server,
    release_server,
)
from loaders.errors import BackendError, QueryError, QueryOverLimit, QueryTimeout, WriteRefused

GRAPH_NAME = "allegraph"
INDEX_POLL_SECONDS = 0.02
INDEX_WAIT_SECONDS = 600
NO_GRAPH_YET = "empty key"  # FalkorDB's answer to a read of a graph that does not exist
READ_GRACE_SECONDS = 0.5  # past the limit: time for the database's own timeout to answer


class FalkorDBBackend:
    dialect: Dialect = FALKORDB
    name = "falkordb"

    def __init__(
        self,
        address: ServerAddress,
        data_dir: Path | None = None,
        graph: str = GRAPH_NAME,
        password: str | None = None,
    ) -> None:
        self.address, self.data_dir, self._password = address, data_dir, password
        self._limited: dict[int, Any] = {}  # time limit (ms) -> graph handle bounded by it
        self._limited_lock = threading.Lock()
        try:
            self._db = FalkorDB(host=address.host, port=address.port, password=password)
            self._graph = self._db.select_graph(graph)
            self._db.connection.ping()
        except redis.RedisError as exc:
            where = f"{address.host}:{address.port}"
            raise BackendError(f"cannot reach FalkorDB at {where}: {exc}") from None
        self._closed = False

    @classmethod
    def from_environment(
        cls, data_dir: Path, stop: threading.Event | None = None
    ) -> FalkorDBBackend:
        """`ALLEGRAPH_FALKORDB_URL` (redis://host:port) if set, else the embedded server
        (whose start `stop` abandons, `ensure_server`)."""
        url = os.environ.get("ALLEGRAPH_FALKORDB_URL")
        graph = os.environ.get("ALLEGRAPH_FALKORDB_GRAPH", GRAPH_NAME)
        if url:
            parsed = urlparse(url)
            address = ServerAddress(parsed.hostname or "127.0.0.1", parsed.port or 6379)
            return cls(address, graph=graph, password=parsed.password)
        for _ in range(2):  # a server caught in FalkorDB's start-up deadlock is replaced once
            address = ensure_server(data_dir, stop=stop)
            if graph_answers(address, graph):
                return cls(address, data_dir, graph)
            kill_server(address, data_dir)
        log = data_dir / SERVER_DIR / "server.log"
        raise BackendError(f"the embedded FalkorDB stopped answering graph queries (see {log})")

    def read(
        self, query: str, parameters: dict[str, Any] | None = None, timeout_ms: int | None = None
    ) -> list[Row]:
        graph = self._graph if timeout_ms is None else self._limited_graph(timeout_ms)
        return self._run(graph.ro_query, query, parameters, timeout_ms, reading=True)

    def _limited_graph(self, timeout_ms: int) -> Any:
        """A handle on the graph whose connections stop waiting for an answer `timeout_ms`
        (and a grace) after a read is sent, and then close: the client answers at the limit
        even when the database runs on. Never retried: a read past its limit is not resent."""
        with self._limited_lock:
            graph = self._limited.get(timeout_ms)
            if graph is None:
                client = FalkorDB(
                    host=self.address.host,
                    port=self.address.port,
                    password=self._password,
                    socket_timeout=timeout_ms / 1000 + READ_GRACE_SECONDS,
                    retry=Retry(NoBackoff(), 0),
                )
                graph = self._limited[timeout_ms] = client.select_graph(self._graph.name)
            return graph

    def write(self, query: str, parameters: dict[str, Any] | None = None) -> list[Row]:
        return self._run(self._graph.query, query, parameters, None)

    def _run(
        self,
        method: Any,
        query: str,
        parameters: dict[str, Any] | None,
        timeout_ms: int | None,
        *,
        reading: bool = False,
    ) -> list[Row]:
        try:
            result = method(_parameter_header(parameters) + query, None, timeout=timeout_ms)
        except redis.ResponseError as exc:
            if reading and NO_GRAPH_YET in str(exc):
                return []  # a read of a graph not made yet: nothing in it, as in Neo4j
            raise _query_error(exc, timeout_ms) from None
        except redis.TimeoutError:
            if timeout_ms is None:
                raise self._unreachable(redis.TimeoutError("no answer")) from None
            raise QueryTimeout(f"the Cypher query ran longer than {timeout_ms} ms") from None
        except redis.RedisError as exc:
            raise self._unreachable(exc) from None
        names = [column[1] for column in result.header]
        iris = self._iris(_edge_ends(result.result_set))
        return [
            {n: _plain(v, iris) for n, v in zip(names, row, strict=True)}
            for row in result.result_set
        ]

    def _iris(self, ids: set[int]) -> dict[int, str]:
        if not ids:
            return {}
        found = self._graph.ro_query(cypher.FALKORDB_NODE_IRIS, {"ids": sorted(ids)})
        return {row[0]: row[1] for row in found.result_set}

    def ensure_schema(self) -> None:
        for statement in self.dialect.schema:
            try:
                self._graph.query(statement)
            except redis.ResponseError as exc:
                if "already indexed" not in str(exc) and "already exists" not in str(exc):
                    raise BackendError(f"could not create the FalkorDB schema: {exc}") from None
            except redis.RedisError as exc:
                raise self._unreachable(exc) from None
        self._wait_for_indexes()

    def _wait_for_indexes(self) -> None:
        """Until every index is built: one made on a populated graph (after a bulk build)
        is filled in the background, and queries meanwhile scan every node."""
        deadline = time.monotonic() + INDEX_WAIT_SECONDS
        while True:
            rows = self.read("CALL db.indexes() YIELD label, status RETURN label, status")
            building = [r["label"] for r in rows if r["status"] != "OPERATIONAL"]
            if not building:
                return
            if time.monotonic() > deadline:
                raise BackendError(
                    f"FalkorDB's index on {', '.join(building)} was still being built "
                    f"after {INDEX_WAIT_SECONDS} s"
                )
            time.sleep(INDEX_POLL_SECONDS)

    def clear(self) -> None:
        """Delete the whole graph (a full rebuild starts from nothing)."""
        try:
            self._graph.delete()
        except redis.ResponseError:  # no graph yet
            pass
        except redis.RedisError as exc:
            raise self._unreachable(exc) from None

    def graph_builder(self) -> FalkorDBGraphBuilder | None:
        """A GRAPH.BULK builder if the graph does not exist yet (the command only creates)."""
        try:
            exists = self._db.connection.exists(self._graph.name)
        except redis.RedisError as exc:
            raise self._unreachable(exc) from None
        return None if exists else FalkorDBGraphBuilder(self._bulk)

    def _bulk(self, args: list[bytes | str | int]) -> None:
        try:
            self._db.connection.execute_command("GRAPH.BULK", self._graph.name, *args)
        except redis.ResponseError as exc:
            raise BackendError(f"FalkorDB refused a bulk insert: {exc}") from None
        except redis.RedisError as exc:
            raise self._unreachable(exc) from None

    def _unreachable(self, exc: redis.RedisError) -> BackendError:
        return BackendError(f"FalkorDB at {self.address.port} failed: {exc}")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with self._limited_lock:
            for graph in self._limited.values():
                graph.client.connection.close()
                graph.client.connection.connection_pool.disconnect()
            self._limited.clear()
        self._db.connection.close()
        self._db.connection.connection_pool.disconnect()  # or its sockets outlive close()
        if self.data_dir is not None:
            release_server(self.address, self.data_dir)


def _query_error(exc: redis.ResponseError, timeout_ms: int | None) -> QueryError:
    """FalkorDB's error, classified: a write in a read, a timeout, or a bad query."""
    message = str(exc)
    if "RO_QUERY is to be executed only on read-only queries" in message:
        return WriteRefused("the query writes, and only read-only Cypher is allowed here")
    if "timed out" in message.lower():
        return QueryTimeout(f"the Cypher query ran longer than {timeout_ms} ms and was stopped")
    if "mem consumption exceeded capacity" in message:
        return QueryOverLimit(
            "the Cypher query needed more memory than a query may take (1 GiB); narrow it"
        )
    return QueryError(f"Cypher query failed: {message}")


def _parameter_header(parameters: dict[str, Any] | None) -> str:
    """`CYPHER name=value …` as FalkorDB reads parameters; written here because the
    client's generic encoder took a tenth of a sync's time."""
    if not parameters:
        return ""
    return "CYPHER " + " ".join(f"{k}={_literal(v)}" for k, v in parameters.items()) + " "


def _literal(value: Any) -> str:
    kind = type(value)
    if kind is str:
        if "\0" in value:
            raise nul_refused(value)
        if "\\" in value or '"' in value:
            value = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{value}"'
    if kind is dict:
        return "{" + ",".join([f"`{_key(k)}`:{_literal(v)}" for k, v in value.items()]) + "}"
    if kind is list or kind is tuple:
        return "[" + ",".join([_literal(v) for v in value]) + "]"
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float:
        return repr(value)
    raise QueryError(f"cannot send a {kind.__name__} as a Cypher parameter")


def _key(key: Any) -> str:
    """A map key as FalkorDB reads it between backticks."""
    if type(key) is not str or not key or "`" in key:
        raise QueryError(f"parameter map key {key!r} cannot be sent to FalkorDB")
    return key


def _edge_ends(value: Any) -> set[int]:
    """The internal ids of every node a returned relationship starts or ends at."""
    if isinstance(value, Edge):
        return {value.src_node, value.dest_node}
    if isinstance(value, FalkorPath):
        return set().union(*(_edge_ends(e) for e in value.edges()))
    if isinstance(value, list | tuple):
        return set().union(*(_edge_ends(v) for v in value))
    if isinstance(value, dict):
        return set().union(*(_edge_ends(v) for v in value.values()))
    return set()


def _plain(value: Any, iris: dict[int, str]) -> Any:
    """A driver value as plain Python; relationship ends as IRIs (FalkorDB gives ids)."""
    if isinstance(value, Node):
        props = dict(value.properties)
        return {"iri": props.get("iri"), "labels": sorted(value.labels or []), "properties": props}
    if isinstance(value, Edge):
        return {
            "type": value.relation,
            "start": iris.get(value.src_node),
            "end": iris.get(value.dest_node),
            "properties": dict(value.properties),
        }
    if isinstance(value, FalkorPath):
        return {
            "nodes": [_plain(n, iris) for n in value.nodes()],
            "relationships": [_plain(e, iris) for e in value.edges()],
        }
    if isinstance(value, list):
        return [_plain(v, iris) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v, iris) for k, v in value.items()}
    return value

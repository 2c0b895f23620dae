"""The graph database, opened and synced on a thread of its own while the server answers.

Opening a large embedded FalkorDB loads its snapshot (5 to 7 s at 100,000 documents) and the
startup sync follows; nothing that reads only the RDF store needs either, so the server
listens first and whatever needs the graph waits for it here (`StartingGraph.wait`), and no
longer than it is told. A failed start is kept as its reason, answered to every later
request that needs the graph, and told once to whoever started the server.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any

from graph.property.backend import CypherBackend, GraphBuilder, Row
from graph.property.rows import EdgeRow, NodeRow
from loaders.errors import AllegraphError, BackendError, GraphNotReady

RETRY_AFTER_S = 5  # what a 503 tells a client to wait before asking again
STOP_GRACE_S = 15.0  # how long a shutdown waits for the start to notice it and end

Opener = Callable[[threading.Event], CypherBackend]
"""Opens the graph database; the event is set when the server stops before it is open."""


class GraphState(StrEnum):
    starting = "starting"
    ready = "ready"
    failed = "failed"


class StartingGraph:
    """One start of the graph database: opening it, then `prepare` (the startup sync)."""

    def __init__(
        self,
        open_graph: Opener,
        prepare: Callable[[CypherBackend], object],
        report_failure: Callable[[str], None],
    ) -> None:
        self._open, self._prepare, self._report = open_graph, prepare, report_failure
        self._stop = threading.Event()
        self._settled = threading.Event()  # ready or failed
        self._lock = threading.Lock()
        self._backend: CypherBackend | None = None
        self._doing = "opening"  # then "syncing with the store"
        self.state = GraphState.starting
        self.reason: str | None = None  # why it failed
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="allegraph-graph", daemon=True)
        self._thread.start()

    def wait(self, timeout: float) -> CypherBackend:
        """The graph database once open and synced, waiting for it up to `timeout` seconds.

        Raises `GraphNotReady` (503 with Retry-After) if it is still starting then, or the
        `BackendError` of a failed start."""
        self._settled.wait(timeout)
        with self._lock:
            backend, state = self._backend, self.state
        if state is GraphState.ready and backend is not None:
            return backend
        if state is GraphState.failed:
            raise BackendError(self.reason or "the graph database failed")
        raise GraphNotReady(self.describe(), RETRY_AFTER_S)

    def describe(self) -> str:
        """The state in words, for /health and the 503s."""
        if self.state is GraphState.starting:
            return f"the graph database is starting ({self._doing}); ask again in a few seconds"
        return self.reason or "the graph database is ready"

    def _run(self) -> None:
        try:
            backend = self._open(self._stop)
        except Exception as exc:  # any failure is the reason told, never a traceback
            self._fail("could not be opened", exc)
            return
        with self._lock:
            stopping = self._stop.is_set()
            if not stopping:
                self._backend, self._doing = backend, "syncing with the store"
        if stopping:
            with contextlib.suppress(Exception):  # the server is going: nobody to tell
                backend.close()
            return
        try:
            self._prepare(_Stoppable(backend, self._stop))
        except Exception as exc:
            self._fail("could not be synced with the store", exc)
            return
        with self._lock:
            self.state = GraphState.ready
        self._settled.set()

    def _fail(self, what: str, exc: Exception) -> None:
        if self._stop.is_set():
            return  # cut off by the shutdown, not failed
        told = str(exc) if isinstance(exc, AllegraphError) else f"{type(exc).__name__}: {exc}"
        with self._lock:
            self.reason = f"the graph database {what}: {told}"
            self.state = GraphState.failed
        self._settled.set()
        self._report(self.reason)

    def close(self) -> None:
        """Stop the start where it is (a FalkorDB still loading is killed, a sync ends at its
        next statement) and close the graph database."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(STOP_GRACE_S)
        with self._lock:
            backend, self._backend = self._backend, None
        if backend is not None:
            backend.close()


class _Stoppable:
    """The backend as the startup sync sees it: every call first checks that the server is
    not stopping, so a long sync ends at its next statement rather than hold the shutdown."""

    def __init__(self, backend: CypherBackend, stop: threading.Event) -> None:
        self._backend, self._stop = backend, stop
        self.dialect, self.name = backend.dialect, backend.name

    def _go_on(self) -> None:
        if self._stop.is_set():
            raise BackendError("the server is stopping")

    def read(
        self, query: str, parameters: dict[str, Any] | None = None, timeout_ms: int | None = None
    ) -> list[Row]:
        self._go_on()
        return self._backend.read(query, parameters, timeout_ms)

    def write(self, query: str, parameters: dict[str, Any] | None = None) -> list[Row]:
        self._go_on()
        return self._backend.write(query, parameters)

    def ensure_schema(self) -> None:
        self._go_on()
        self._backend.ensure_schema()

    def clear(self) -> None:
        self._go_on()
        self._backend.clear()

    def graph_builder(self) -> GraphBuilder | None:
        self._go_on()
        builder = self._backend.graph_builder()
        return None if builder is None else _StoppableBuilder(builder, self._go_on)

    def close(self) -> None:
        """Not the startup sync's to close: `StartingGraph.close` does."""


class _StoppableBuilder:
    def __init__(self, builder: GraphBuilder, go_on: Callable[[], None]) -> None:
        self._builder, self._go_on = builder, go_on

    def __contains__(self, iri: str) -> bool:
        return iri in self._builder

    def add(self, nodes: Sequence[NodeRow], edges: Sequence[EdgeRow], local: Any = None) -> int:
        self._go_on()
        return self._builder.add(nodes, edges, local)

    @property
    def encode(self) -> Callable[[list[NodeRow], list[EdgeRow]], Any]:
        return self._builder.encode

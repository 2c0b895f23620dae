"""What the API serves from: the RDF store, the graph database, and what is cached of them.

One `Services` lives for the life of the server. The store opens at once; the graph database
opens and syncs on a thread of its own (`api.graph_start`), and `graph` waits for it, so
what reads only the store answers while a large graph still loads. Reads run concurrently
(Oxigraph and the graph database are both safe for that); writes (an upload, a withdrawal)
wait for the graph, take one lock, write the store, sync the graph and drop the caches, so a
reader never gets a stale actor list.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from fastapi import Request

from api.answer_cache import AnswerCache
from api.graph_start import GraphState, StartingGraph
from api.settings import Settings
from api.sparql.workers import Answer, SparqlWorkers
from graph.property.backend import CypherBackend, open_backend
from graph.rdf import catalog
from graph.rdf.store import RDFStore
from graph.sync.run import SyncReport, sync_documents
from loaders.errors import QueryTimeout

T = TypeVar("T")
SPARQL_WORKERS = 2  # processes answering /sparql; one per core of a small server
log = logging.getLogger("allegraph.api")

GraphOpener = Callable[[str | None, Path, threading.Event], CypherBackend]
"""`open_backend`'s shape: kind, data directory, and the event that abandons the opening."""


def _log_failure(reason: str) -> None:
    log.error("%s", reason)


class Services:
    def __init__(
        self,
        settings: Settings,
        open_graph: GraphOpener = open_backend,
        report_failure: Callable[[str], None] = _log_failure,
    ) -> None:
        """Open the store now (a store held by another process fails here); the graph
        database waits for `start_graph`, and a failure of it goes to `report_failure`."""
        self.settings = settings
        allowed = frozenset(settings.sparql_service_allow)
        self.store = RDFStore.in_data_dir(settings.data, allowed_services=allowed)
        self.starting_graph = StartingGraph(
            lambda stop: open_graph(settings.backend, settings.data, stop),
            self._sync_with,
            report_failure,
        )
        self.sparql = SparqlWorkers(
            self.store.path or settings.data, SPARQL_WORKERS, settings.result_cap, allowed
        )
        self.write_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._actors: dict[str, catalog.Actor] | None = None
        budget = settings.cache_mb * 1024 * 1024 // 2
        self.rendered: AnswerCache[bytes] = AnswerCache(budget, len)
        self.sparql_answers: AnswerCache[Answer] = AnswerCache(budget, lambda a: len(a.body))
        self.synced_at: float | None = None  # when the last sync ended (Unix time)
        self._workers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="allegraph-query")

    def start_graph(self) -> None:
        """Open the graph database and sync it, on a thread of its own."""
        self.starting_graph.start()

    @property
    def graph(self) -> CypherBackend:
        """The graph database, open and synced with the store: the one place that waits for
        it, up to the query time limit. Raises `GraphNotReady` (a 503 with Retry-After) while
        it is still starting, or the `BackendError` it failed to start with."""
        return self.starting_graph.wait(self.settings.query_timeout_s)

    @property
    def graph_ready(self) -> bool:
        return self.starting_graph.state is GraphState.ready

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The write lock, taken once the graph is ready: a write syncs it, and one refused
        for want of the graph is refused before anything is written."""
        self.starting_graph.wait(self.settings.query_timeout_s)
        with self.write_lock:
            yield

    def sync(self) -> SyncReport:
        """Bring the graph database in line with the store (only what changed)."""
        return self._sync_with(self.graph)

    def _sync_with(self, graph: CypherBackend) -> SyncReport:
        report = sync_documents(self.store, graph)
        self.synced_at = time.time()
        self.changed()
        return report

    def changed(self) -> None:
        """Forget everything cached about the store's content."""
        with self._cache_lock:
            self._actors = None
        self.rendered.clear()
        self.sparql_answers.clear()
        self.sparql.generation += 1  # workers reopen the store before their next query

    def actors(self) -> dict[str, catalog.Actor]:
        """Every actor by IRI, read once and kept until the next write."""
        with self._cache_lock:
            if self._actors is None:
                self._actors = catalog.actors(self.store)
            return self._actors

    def cached(self, key: tuple[str, ...]) -> bytes | None:
        return self.rendered.get(key)

    def memo(self, key: tuple[str, ...], compute: Callable[[], bytes]) -> bytes:
        """A rendered answer kept until the next write (`api.answer_cache`): the hot reads,
        one actor's page, a chain search, a workbench view."""
        return self.rendered.memo(key, compute)

    def within_time_limit(self, work: Callable[[], T], what: str) -> T:
        """Run `work` on a worker thread and give up waiting after the query time limit.

        Oxigraph cannot interrupt a query, so an abandoned one runs to its end on its thread.
        The SPARQL endpoint, which can be asked anything, runs its queries in worker processes
        instead (`api.sparql.workers`), which are killed at the limit.
        """
        future = self._workers.submit(work)
        try:
            return future.result(timeout=self.settings.query_timeout_s)
        except FutureTimeout:
            future.cancel()
            if not self.graph_ready:  # the work most likely waited for the graph all along:
                self.starting_graph.wait(0)  # say so (GraphNotReady, or why it failed)
            limit = self.settings.query_timeout_s
            raise QueryTimeout(
                f"the {what} ran longer than {limit:g} s and was abandoned"
            ) from None

    def close(self) -> None:
        self._workers.shutdown(wait=False, cancel_futures=True)
        self.sparql.close()
        try:
            self.starting_graph.close()
        finally:
            self.store.close()


def services(request: Request) -> Services:
    """The app's `Services` (a FastAPI dependency)."""
    found: Services = request.app.state.services
    return found

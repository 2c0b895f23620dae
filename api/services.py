"""What the API serves from: the RDF store, the graph database, and what is cached of them.

One `Services` lives for the life of the server. Reads run concurrently (Oxigraph and the
graph database are both safe for that); writes (an upload, a withdrawal) take one lock, write
the store, sync the graph and drop the caches, so a reader never gets a stale actor list.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from fastapi import Request

from api.answer_cache import AnswerCache
from api.settings import Settings
from api.sparql.workers import Answer, SparqlWorkers
from graph.property.backend import CypherBackend, open_backend
from graph.rdf import catalog
from graph.rdf.store import RDFStore
from graph.sync.run import SyncReport, sync_documents
from loaders.errors import QueryTimeout

T = TypeVar("T")
SPARQL_WORKERS = 2  # processes answering /sparql; one per core of a small server


class Services:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        allowed = frozenset(settings.sparql_service_allow)
        self.store = RDFStore.in_data_dir(settings.data, allowed_services=allowed)
        try:
            self.graph: CypherBackend = open_backend(settings.backend, settings.data)
        except Exception:
            self.store.close()
            raise
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

    def sync(self) -> SyncReport:
        """Bring the graph database in line with the store (only what changed)."""
        report = sync_documents(self.store, self.graph)
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
            limit = self.settings.query_timeout_s
            raise QueryTimeout(
                f"the {what} ran longer than {limit:g} s and was abandoned"
            ) from None

    def close(self) -> None:
        self._workers.shutdown(wait=False, cancel_futures=True)
        self.sparql.close()
        try:
            self.graph.close()
        finally:
            self.store.close()


def services(request: Request) -> Services:
    """The app's `Services` (a FastAPI dependency)."""
    found: Services = request.app.state.services
    return found

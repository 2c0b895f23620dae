"""SPARQL queries in worker processes, so a query past its time limit can really be stopped.

Oxigraph cannot interrupt a query once it runs (an aggregate over a cross product runs for
hours inside one call), so the endpoint's queries run in a few worker processes, each with
the store opened read-only (RocksDB allows that beside the server's own read-write handle).
A worker past the limit is killed and replaced. After each write the server bumps a
generation number, and a worker reopens the store before its next query so it sees the
write. Each worker chooses the media type and serialises, reading at most the cap plus one
row, so only finished bytes cross the process boundary.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from graph.parent_death import die_with_parent
from loaders.errors import QueryError, QueryTimeout, ResultTooLarge, ServiceRefused


class NotAcceptable(QueryError):
    """No media type the client accepts can carry this kind of result."""


@dataclass(frozen=True)
class Job:
    query: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    accept: str | None = None
    format: str | None = None
    base_iri: str | None = None  # relative IRIs in the query resolve against it


@dataclass(frozen=True)
class Answer:
    media_type: str
    body: bytes

    @property
    def content_type(self) -> str:
        """The Content-Type header: text formats say their charset (JSON-LD has none)."""
        charset = "" if self.media_type == "application/ld+json" else "; charset=utf-8"
        return self.media_type + charset


_ERRORS: dict[str, type[QueryError]] = {
    "QueryError": QueryError,
    "ResultTooLarge": ResultTooLarge,
    "NotAcceptable": NotAcceptable,
    "ServiceRefused": ServiceRefused,
}


class _Worker:
    """One worker process; it dies with the server (`graph.parent_death`)."""

    def __init__(
        self, context: Any, store_path: Path, cap: int, allowed_services: frozenset[str]
    ) -> None:
        self.connection, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_serve,
            args=(child, str(store_path), cap, allowed_services, os.getpid()),
            daemon=True,
        )
        self.process.start()
        child.close()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class SparqlWorkers:
    """A small pool of worker processes answering `Job`s within a time limit."""

    def __init__(
        self, store_path: Path, size: int, cap: int, allowed_services: frozenset[str] = frozenset()
    ) -> None:
        """`allowed_services`: the endpoints a SERVICE clause may call (none by default)."""
        self._context = multiprocessing.get_context("spawn")
        self._path, self._cap, self._allowed = store_path, cap, allowed_services
        # Workers are started from this one thread, which lives as long as the pool: the
        # kernel kills a worker when the thread that started it ends (`graph.parent_death`),
        # and a request's thread may end while its replacement worker is still wanted.
        self._starter = ThreadPoolExecutor(1, thread_name_prefix="allegraph-sparql-start")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(size):
            self._idle.put(self._start())
        self.generation = 0

    def _start(self) -> _Worker:
        started = self._starter.submit(_Worker, self._context, self._path, self._cap, self._allowed)
        return started.result()

    def run(self, job: Job, timeout_s: float) -> Answer:
        """The serialised answer, or `QueryTimeout` once `timeout_s` has passed in all."""
        deadline = time.monotonic() + timeout_s
        try:
            worker = self._idle.get(timeout=timeout_s)
        except queue.Empty:
            raise QueryTimeout(f"every SPARQL worker stayed busy for {timeout_s:g} s") from None
        try:
            worker.connection.send((self.generation, job))
            if not worker.connection.poll(max(0.0, deadline - time.monotonic())):
                worker.stop()
                worker = self._start()
                raise QueryTimeout(
                    f"the SPARQL query ran longer than {timeout_s:g} s and was stopped"
                )
            status, first, second = worker.connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            worker.stop()
            worker = self._start()
            raise QueryError("the SPARQL worker failed on this query") from None
        finally:
            self._idle.put(worker)
        if status == "ok":
            return Answer(first, second)
        raise _ERRORS.get(first, QueryError)(second)

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                break
        self._starter.shutdown(wait=False)


def _serve(
    connection: Connection,
    store_path: str,
    cap: int,
    allowed_services: frozenset[str],
    parent_pid: int,
) -> None:
    """A worker's loop: (re)open the store when the generation moves on, answer, repeat.
    It ends with the server, even in the middle of a query (an idle one sees its pipe close)."""
    die_with_parent(parent_pid)

    from api.sparql.answer import answer

    store, generation = None, -1
    while True:
        try:
            wanted, job = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if store is None or wanted != generation:
            store, generation = _read_only(store_path), wanted
        try:
            media_type, body = answer(store, job, cap, allowed_services)
            connection.send(("ok", media_type, body))
        except QueryError as exc:
            connection.send(("error", type(exc).__name__, str(exc)))
        except Exception as exc:  # never let a worker die on one odd query
            connection.send(("error", "QueryError", f"the query failed: {exc}"))


OPEN_ATTEMPTS = 5


def _read_only(store_path: str) -> Any:
    """A read-only view of the store as it is now. Opening it reads the store's list of
    files, then the files: when the server's writes replace files in between (a bulk load
    merged away), the open fails, and a moment later succeeds with the newer list."""
    import pyoxigraph as ox

    for attempt in range(1, OPEN_ATTEMPTS + 1):
        try:
            return ox.Store.read_only(store_path)
        except (OSError, RuntimeError):
            if attempt == OPEN_ATTEMPTS:
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")

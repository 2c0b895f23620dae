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
import queue
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from loaders.errors import QueryError, QueryTimeout, ResultTooLarge


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


_ERRORS: dict[str, type[QueryError]] = {
    "QueryError": QueryError,
    "ResultTooLarge": ResultTooLarge,
    "NotAcceptable": NotAcceptable,
}


class _Worker:
    def __init__(self, context: Any, store_path: Path, cap: int) -> None:
        self.connection, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_serve, args=(child, str(store_path), cap), daemon=True
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

    def __init__(self, store_path: Path, size: int, cap: int) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._path, self._cap = store_path, cap
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(size):
            self._idle.put(self._start())
        self.generation = 0

    def _start(self) -> _Worker:
        return _Worker(self._context, self._path, self._cap)

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
                return


def _serve(connection: Connection, store_path: str, cap: int) -> None:
    """A worker's loop: (re)open the store when the generation moves on, answer, repeat."""
    import pyoxigraph as ox

    from api.sparql.answer import answer

    store, generation = None, -1
    while True:
        try:
            wanted, job = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if store is None or wanted != generation:
            store, generation = ox.Store.read_only(store_path), wanted
        try:
            media_type, body = answer(store, job, cap)
            connection.send(("ok", media_type, body))
        except QueryError as exc:
            connection.send(("error", type(exc).__name__, str(exc)))
        except Exception as exc:  # never let a worker die on one odd query
            connection.send(("error", "QueryError", f"the query failed: {exc}"))

"""Documents read into property-graph rows for the sync, by worker processes when many.

Reading and mapping documents is most of a sync's Python time, and Python runs one thread
at a time, so a large sync reads its batches in worker processes, side by side, each with
the store opened read-only, while the sync's own process writes the batches before. What
comes back, in the batches' order, is what the caller's `prepare` makes of the rows in the
worker: the rows themselves for an incremental sync, blobs ready to send for a bulk build
(rows passed between processes had cost more to unpickle than to read). Small syncs read
in-process (a worker takes about a second to start), and so does a one-core machine.
Worker processes are spawned, not forked (the sync's process has threads), so a script
that syncs must guard its top level with `if __name__ == "__main__":`, as Python's
multiprocessing asks.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from graph.parent_death import die_with_parent
from graph.rdf.store import RDFStore
from graph.rdf.texts import GraphTexts
from graph.sync.mapping import DocumentRows, SharedProperties, document_rows
from loaders.errors import StoreError

Batch = Sequence[tuple[str, str]]
"""Documents to read, each with the graph hash the store gives it."""

MAX_WORKERS = 4
MIN_BATCHES_PER_WORKER = 5

Prepared = TypeVar("Prepared")
Prepare = Callable[[list[DocumentRows]], Prepared]
"""What is made of a batch's rows where they are read (in a worker: it must pickle)."""


def as_read(rows: list[DocumentRows]) -> list[DocumentRows]:
    """The rows themselves (an incremental sync writes them as they are)."""
    return rows


def read_document(
    store: ox.Store,
    texts: GraphTexts,
    document: str,
    graph_hash: str,
    shared: SharedProperties | None,
) -> DocumentRows:
    """A document's rows, from the text ingest kept of this version if it has one, else
    from the store (where each term read is a lookup of its own: rows from the text come
    about two and a half times faster). Without `shared`, actors are left to unite later
    (`document_rows`)."""
    text = texts.text(document, graph_hash)
    return document_rows(store, document, shared, text, unite=shared is not None)


def read_batches(
    store: RDFStore, batches: Sequence[Batch], prepare: Prepare[Prepared], *, unite: bool = True
) -> Generator[Prepared, None, None]:
    """Each batch's rows, in order, as `prepare` makes them; actors with their union
    properties, or (`unite` off) as each document gives them (`document_rows`)."""
    cpus = os.cpu_count() or 1
    workers = min(MAX_WORKERS, cpus, len(batches) // MIN_BATCHES_PER_WORKER)
    if store.path is None or cpus < 2 or workers < 1:
        shared = SharedProperties(store.oxigraph) if unite else None
        for batch in batches:
            rows = [read_document(store.oxigraph, store.texts, d, h, shared) for d, h in batch]
            yield prepare(rows)
        return
    yield from _read_in_workers(store.path, store.texts, batches, workers, prepare, unite)


def _read_in_workers(
    path: Path,
    texts: GraphTexts,
    batches: Sequence[Batch],
    workers: int,
    prepare: Prepare[Prepared],
    unite: bool = True,
) -> Iterator[Prepared]:
    """Two batches a worker in flight at most, so rows never pile up ahead of the writes."""
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),  # no fork of a threaded process
        initializer=_open_store,
        initargs=(
            str(path),
            None if texts.directory is None else str(texts.directory),
            os.getpid(),
        ),
    )
    try:
        pending: deque[Future[Prepared]] = deque()
        ahead = iter(batches)
        for batch in islice(ahead, 2 * workers):
            pending.append(pool.submit(_read_batch, batch, prepare, unite))
        while pending:
            prepared = pending.popleft().result()
            following = next(ahead, None)
            if following is not None:
                pending.append(pool.submit(_read_batch, following, prepare, unite))
            yield prepared
    except BrokenProcessPool as exc:
        raise StoreError(f"a process reading documents for the sync stopped: {exc}") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_worker: tuple[ox.Store, GraphTexts, SharedProperties] | None = None


def _open_store(path: str, texts: str | None, parent_pid: int) -> None:
    """In each worker: the store, read-only beside the sync's own handle. The worker dies
    with the sync's process (a `kill -9` of the sync leaves none behind); the pool's
    processes are spawned by the thread that runs the sync, which outlives them."""
    global _worker
    die_with_parent(parent_pid)
    gc.disable()  # as in the sync: the rows hold no cycles, collections only walk them
    try:
        store = ox.Store.read_only(path)
    except OSError as exc:
        raise StoreError(f"could not open the RDF store at {path} to read: {exc}") from None
    _worker = (store, GraphTexts(None if texts is None else Path(texts)), SharedProperties(store))


def _read_batch(batch: Batch, prepare: Prepare[Prepared], unite: bool) -> Prepared:
    assert _worker is not None, "a sync reader runs in a worker opened by _open_store"
    store, texts, shared = _worker
    united = shared if unite else None
    return prepare([read_document(store, texts, d, h, united) for d, h in batch])

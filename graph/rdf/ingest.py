"""Ingest: files → `AnnotatedDocument` → triples → SHACL → store, in bounded batches.

Memory stays flat however many files there are: at most `LOADS_AT_ONCE` + 2 batches of
`batch_size` documents are held at once: those being written to the store (Oxigraph's loader
runs without Python's lock, on threads of its own), the one being checked against the shapes
(the SHACL gate, `graph.rdf.shacl`, on a thread of its own too) and the next, being read and
mapped meanwhile. A
bad file is reported and skipped; it never reaches the store. Each document written is logged
on `allegraph.ingest` (the server writes those lines as JSON, with the request's id).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from graph.background import BackgroundWriter
from graph.rdf.curation import canonical_actors
from graph.rdf.identity import ActorIndex
from graph.rdf.mapping import document_iri, document_ntriples
from graph.rdf.ntriples import Graphs
from graph.rdf.shacl import gate_passes, shacl_problems
from graph.rdf.store import Prepared, RDFStore, prepare
from loaders import DEFAULT_MAX_BYTES, load_documents
from loaders.errors import InputError, Problem
from loaders.mapping import DEFAULT, LabelMapping
from loaders.model import AnnotatedDocument

DEFAULT_BATCH = 200
log = logging.getLogger("allegraph.ingest")
LOADS_AT_ONCE = 2
"""Batches of new documents bulk-loaded at the same time. One call of Oxigraph's loader
parses its batch, then sorts and writes it: two at once keep both going (10,000 documents'
N-Quads on two cores: 46 s one batch after another, 30 s two at a time; in one call of
their own they would take 37 s, but the loader then holds up to four million quads)."""


@dataclass
class IngestReport:
    """What an ingest did: documents written, files refused, and its size and speed."""

    ingested: list[str] = field(default_factory=list)
    failed: list[InputError] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass
class _Pending:
    source: str
    doc_id: str
    graph: URIRef
    ntriples: str


@dataclass
class _Checking:
    """A batch whose SHACL verdict is being worked out, and where its refusals go in the
    report (files refused while it was checked come after them, as in a run without it)."""

    batch: list[_Pending]
    verdict: Future[bool] | None
    place: int


class Ingestor:
    """Collects documents into batches and writes each batch once it is validated.

    Use it as a context manager: leaving it writes what is left and waits for the store.
    """

    def __init__(
        self, store: RDFStore, *, shacl: bool = True, batch_size: int = DEFAULT_BATCH
    ) -> None:
        self.store = store
        self.shacl = shacl
        self.batch_size = batch_size
        self.report = IngestReport()
        self._batch: list[_Pending] = []
        self._sources: dict[str, str] = {}  # document id → file it came from in this run
        self._actors: ActorIndex | None = None
        self._writer = BackgroundWriter("allegraph-ingest", at_once=LOADS_AT_ONCE)
        self._gate = ThreadPoolExecutor(1, thread_name_prefix="allegraph-shacl")
        self._checking: _Checking | None = None
        self._queued = IngestReport()  # what the writer threads were given, in input order
        self._logged: list[dict[str, object]] = []  # a log line for each, once all are written

    def __enter__(self) -> Ingestor:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        with self._writer:  # waits for the last batches, or drops the queued ones on an error
            try:
                if kind is None:
                    self.flush()
                    self._write_checked()
            finally:
                self._gate.shutdown(wait=True, cancel_futures=True)
        if kind is None:  # then every batch was written (a failed write is raised above)
            self.report.ingested.extend(self._queued.ingested)
            self.report.triples += self._queued.triples
            for fields in self._logged:
                log.info("ingested", extra={"fields": fields})

    @property
    def actors(self) -> ActorIndex:
        """The actors known to the store and to this run (read from the store once)."""
        if self._actors is None:
            self._actors = ActorIndex.from_store(self.store, canonical_actors(self.store))
        return self._actors

    def add(self, source: str, doc: AnnotatedDocument) -> None:
        earlier = self._sources.get(doc.id)
        if earlier is not None:
            self.report.failed.append(
                InputError.single(
                    source,
                    f"document id {doc.id!r} was already ingested from {earlier} in this run",
                    "/id",
                )
            )
            return
        self._sources[doc.id] = source
        ntriples = document_ntriples(doc, self.actors.resolve(doc))
        self._batch.append(_Pending(source, doc.id, document_iri(doc.id), ntriples))
        if len(self._batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Start the SHACL gate on the batch, on its thread, and write the batch before it,
        whose verdict is in by now: the gate's work overlaps reading the next batch."""
        batch, self._batch = self._batch, []
        if not batch:
            return
        graphs: Graphs = [(p.graph, p.ntriples) for p in batch]
        verdict = self._gate.submit(gate_passes, graphs) if self.shacl else None
        self._write_checked()
        self._checking = _Checking(batch, verdict, len(self.report.failed))
        if verdict is None:  # SHACL is off: nothing to wait for
            self._write_checked()

    def _write_checked(self) -> None:
        """Queue the good documents of the batch checked last on the writer threads: new
        documents are loaded beside the batches before, replacements alone (an update reads
        what the other graphs hold)."""
        checking, self._checking = self._checking, None
        if checking is None:
            return
        refused = self._refused(checking)
        batch = [p for p in checking.batch if p.graph not in refused]
        held = [self.store.has_graph(p.graph) for p in batch]
        fresh = [p for p, there in zip(batch, held, strict=True) if not there]
        replaced = [p for p, there in zip(batch, held, strict=True) if there]
        if fresh:  # prepared here: the store's loading is the slower side
            prepared = prepare([(p.graph, p.ntriples) for p in fresh])
            self._writer.submit(self._write, fresh, prepared)
        if replaced:
            self._writer.submit(self._write, replaced, None, alone=True)
        self._queued.ingested.extend(p.doc_id for p in batch)
        if log.isEnabledFor(logging.INFO):
            self._logged.extend(
                {
                    "document": p.doc_id,
                    "source": p.source,
                    "triples": p.ntriples.count("\n"),
                    "replaced": there,
                }
                for p, there in zip(batch, held, strict=True)
            )
        self._queued.triples += sum(p.ntriples.count("\n") for p in batch)

    def _refused(self, checking: _Checking) -> set[URIRef]:
        """The documents SHACL refuses, each reported with pySHACL's messages, in the report
        where they would have been without the gate's thread."""
        if checking.verdict is None:
            return set()
        graphs: Graphs = [(p.graph, p.ntriples) for p in checking.batch]
        problems = shacl_problems(graphs, checking.verdict.result())
        failed = [
            InputError(
                pending.source,
                [
                    Problem(p.place, f"does not conform: {p.reason}")
                    for p in problems[pending.graph]
                ],
            )
            for pending in checking.batch
            if pending.graph in problems
        ]
        self.report.failed[checking.place : checking.place] = failed
        return set(problems)

    def _write(self, documents: list[_Pending], prepared: Prepared | None) -> None:
        """On a writer thread: the documents into the store."""
        self.store.write_documents([(p.graph, p.ntriples) for p in documents], prepared)


def ingest_paths(
    store: RDFStore,
    paths: Iterable[Path],
    *,
    format: str = "auto",
    shacl: bool = True,
    batch_size: int = DEFAULT_BATCH,
    max_bytes: int = DEFAULT_MAX_BYTES,
    mapping: LabelMapping = DEFAULT,
    progress: Callable[[Path], None] | None = None,
    compact: bool | None = None,
) -> IngestReport:
    """Ingest every file; the good ones are written, the bad ones listed in the report.
    A file holding several documents (an annotation tool's export) is refused whole.
    The store is compacted afterwards if `compact`, or when None after a bulk ingest (a
    batch or more); a run sent in batches asks for it after its last one only."""
    started = time.perf_counter()
    with Ingestor(store, shacl=shacl, batch_size=batch_size) as ingestor:
        for path in paths:
            try:
                for doc in load_documents(path, format, max_bytes, mapping):
                    ingestor.add(str(path), doc)
            except InputError as exc:
                ingestor.report.failed.append(exc)
            if progress is not None:
                progress(path)
    bulk = len(ingestor.report.ingested) >= batch_size  # a bulk ingest, not an upload
    if compact or (compact is None and bulk):
        store.compact()
    ingestor.report.seconds = time.perf_counter() - started
    return ingestor.report


def ingest_document(
    store: RDFStore, source: str, doc: AnnotatedDocument, *, shacl: bool = True
) -> None:
    """Ingest one parsed document at once (an upload); raise `InputError` if it is refused."""
    with Ingestor(store, shacl=shacl, batch_size=1) as ingestor:
        ingestor.add(source, doc)
    if ingestor.report.failed:
        raise ingestor.report.failed[0]

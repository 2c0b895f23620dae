"""Dump and restore: the whole store as one stream of N-Quads (or TriG), and back again.

A dump holds every graph: each document's, the actor network graph, the curation graph
(the investigators' merges and what a split needs) and the ontology, so a restore gives the
same quads. It is read from one snapshot (a read-only view of the store when a server holds
it) and written as Oxigraph serialises it, never held whole in memory. Two comment lines
frame it, which any RDF reader skips: the first names it, the last counts its quads, so a
dump cut short at a line's end is told from a whole one.

A restore parses as it loads, into a new store beside the data directory's, and puts that
in place only once every line was read and counted: a corrupt or truncated dump is refused
with its line number, and nothing of it is written.
"""

from __future__ import annotations

import io
import itertools
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from graph.rdf import changes
from graph.rdf.store import RDF_DIR, RDFStore
from loaders.errors import InputError, StoreError, UsageError
from ontology.namespace import ONTOLOGY_IRI, PREFIXES

DUMP_FORMATS = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
SUFFIXES = {".nq": "nquads", ".nquads": "nquads", ".trig": "trig"}
HEADER = b"# allegraph dump"
TRAILER = b"# end of allegraph dump: "
_TAIL = 4096  # bytes of a dump kept while reading it, to find its closing line
READ_BUFFER = 1 << 20
LOAD_CHUNK = 100_000
"""Quads per bulk load of a restore. Oxigraph's loader holds a whole call's quads in memory:
a 753,534-quad dump in one call took 667 MB and 9.3 s, in chunks of 100,000 121 MB and
5.5 s (its merge of the chunks' files, `optimize`, included)."""


@dataclass(frozen=True)
class DumpReport:
    quads: int
    seconds: float


def format_for(name: str | None, given: str | None) -> str:
    """The format asked for, else the one a file name's suffix says, else N-Quads."""
    if given is not None:
        if given not in DUMP_FORMATS:
            raise UsageError(f"unknown dump format {given!r}; known: {', '.join(DUMP_FORMATS)}")
        return given
    return SUFFIXES.get(Path(name or "").suffix.lower(), "nquads")


# dump ----------------------------------------------------------------------------------


def dump_store(data_dir: Path, output: IO[bytes], format: str) -> DumpReport:
    """Write every quad of the data directory's store to `output`, framed."""
    started = time.perf_counter()
    rdf_format = DUMP_FORMATS[format]
    with _snapshot(data_dir) as store:
        quads = len(store)
        output.write(HEADER + f" ({format}, {quads} quads)\n".encode())
        prefixes = PREFIXES if rdf_format == ox.RdfFormat.TRIG else None
        try:
            store.dump(output, format=rdf_format, prefixes=prefixes)
        except OSError as exc:
            raise StoreError(f"could not write the dump: {exc.strerror or exc}") from None
        output.write(TRAILER + f"{quads} quads\n".encode())
    return DumpReport(quads, time.perf_counter() - started)


@contextmanager
def _snapshot(data_dir: Path) -> Iterator[ox.Store]:
    """The store to dump: opened for this process when it can be (an interrupted load is
    rolled back first), else, when another process holds it, a read-only view of it as it
    is now, which later writes do not change."""
    path = data_dir / RDF_DIR
    if not path.is_dir():
        raise UsageError(f"there is no store to dump in {data_dir}")
    try:
        opened = RDFStore(path)
    except StoreError as held:
        try:
            view = ox.Store.read_only(str(path))
        except OSError:
            raise held from None
        yield view
        return
    try:
        yield opened.oxigraph
    finally:
        opened.close()


# restore -------------------------------------------------------------------------------


def restore_store(
    data_dir: Path, source: IO[bytes], name: str, format: str, *, replace: bool = False
) -> DumpReport:
    """Load a dump into the data directory's store, which must be empty unless `replace`.

    The dump goes into a new store beside it first; the old one is swapped out only when
    the whole dump has been read, so a refused dump leaves the directory as it was."""
    started = time.perf_counter()
    created = not data_dir.exists()
    _check_target(data_dir, replace)
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = data_dir / f".restore-{secrets.token_hex(4)}"
    try:
        quads = _load(staging, source, name, DUMP_FORMATS[format])
        changes.forget(data_dir)  # first: a log left beside the new store would mislead
        _put_in_place(staging, data_dir / RDF_DIR)
    except BaseException:
        if created:  # a refused dump leaves no trace, not even the directory
            shutil.rmtree(data_dir, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return DumpReport(quads, time.perf_counter() - started)


def _check_target(data_dir: Path, replace: bool) -> None:
    """Refuse a store that holds anything but the ontology (unless replacing it) and one
    another process holds (even when replacing: it would go on writing the old one)."""
    path = data_dir / RDF_DIR
    if not path.exists():
        return
    with RDFStore(path) as store:
        ontology = ox.NamedNode(str(ONTOLOGY_IRI))
        graphs = sum(1 for g in store.oxigraph.named_graphs() if g != ontology)
        default = store.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph())
        held = graphs + (next(default, None) is not None)
    if held and not replace:
        raise UsageError(
            f"the store in {data_dir} is not empty ({graphs:,} graphs): restore into an "
            "empty data directory, or give --replace to put the dump in its place"
        )


def _load(staging: Path, source: IO[bytes], name: str, rdf_format: ox.RdfFormat) -> int:
    """Parse and load the dump into a new store at `staging`; return its quad count."""
    framed = _Framed(source)
    parsed = iter(ox.parse(io.BufferedReader(framed, READ_BUFFER), format=rdf_format))
    counter = _Counter()
    store = ox.Store(str(staging))
    try:
        while counter.more:
            store.bulk_extend(counter.count(itertools.islice(parsed, LOAD_CHUNK)))
        store.optimize()
        store.flush()
    except SyntaxError as exc:
        raise _refusal(name, exc) from None
    except OSError as exc:
        raise StoreError(f"could not write the restored store: {exc.strerror or exc}") from None
    finally:
        del store  # closes it, so it can be moved into place
    framed.check_closing(name, counter.total)
    return counter.total


class _Counter:
    """Counts the quads of each chunk as the loader takes them; a short chunk is the last."""

    def __init__(self) -> None:
        self.total = 0
        self.more = True

    def count(self, chunk: Iterator[ox.Quad]) -> Iterator[ox.Quad]:
        taken = 0
        for quad in chunk:
            taken += 1
            yield quad
        self.total += taken
        self.more = taken == LOAD_CHUNK


def _refusal(name: str, exc: SyntaxError) -> InputError:
    place = f"line {exc.lineno}" if exc.lineno else ""
    if place and exc.offset:
        place += f", column {exc.offset}"
    reason = str(exc.msg).split(": ", 1)[-1] if ": " in str(exc.msg) else str(exc.msg)
    return InputError.single(name, f"not a valid dump: {reason}", place)


def _put_in_place(staging: Path, target: Path) -> None:
    """Swap the new store in: two renames within the data directory, the old one kept
    aside until the new one is in place, then deleted."""
    aside = target.with_name(f".replaced-{secrets.token_hex(4)}")
    if target.exists():
        target.rename(aside)
    staging.rename(target)
    shutil.rmtree(aside, ignore_errors=True)


class _Framed(io.RawIOBase):
    """A dump being read: passes its bytes on to the parser, keeping its first line and
    its last few kilobytes, so that its frame can be checked once it has all been read."""

    def __init__(self, source: IO[bytes]) -> None:
        super().__init__()
        self.source = source
        self.head = b""
        self.tail = b""
        self.lines = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.source.read(len(buffer))
        buffer[: len(data)] = data
        if len(self.head) < len(HEADER):
            self.head += data[: len(HEADER) - len(self.head)]
        self.lines += data.count(b"\n")
        self.tail = (self.tail + data)[-_TAIL:]
        return len(data)

    def check_closing(self, name: str, quads: int) -> None:
        """A dump that says it is allegraph's must end with its closing line, naming as
        many quads as were read."""
        if self.head != HEADER:
            return
        last = self.tail.rstrip(b"\n").rsplit(b"\n", 1)[-1]
        ended = self.tail.endswith(b"\n")
        where = f"line {self.lines if ended else self.lines + 1}"
        if not last.startswith(TRAILER):
            raise InputError.single(
                name, "the dump ends without its closing line: it was cut short", where
            )
        said = last.removeprefix(TRAILER).split(b" ", 1)[0]
        if not said.isdigit() or int(said) != quads:
            raise InputError.single(
                name,
                f"the dump's closing line counts {said.decode(errors='replace')} quads, "
                f"but it holds {quads:,}",
                where,
            )

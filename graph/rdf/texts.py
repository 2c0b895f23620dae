"""Each document graph's N-Triples text, kept beside the RDF store under its graph hash.

The sync reads a document from this copy when it has one: parsing the text a graph was
written as costs about a tenth of reading the same triples back out of the on-disk store
(where every term is a lookup of its own). The copy is a cache, never the record: it is
looked up by the graph hash the store holds, its last line must name that graph and hash,
and anything missing, stale or damaged makes the sync read the store instead.

Texts are zlib-compressed (about ten to one; ingest compresses them on its reading thread,
the store's loading being the slower side, and its writer thread writes them) in one file
per hash, fanned out by the hash's first two characters.
"""

from __future__ import annotations

import contextlib
import re
import zlib
from pathlib import Path

from graph.rdf.ntriples import Graphs, term
from ontology import AG

TEXTS_DIR = "graph-texts"
_LEVEL = 3  # as fast as level 1 here and a tenth smaller
# The last line of every document graph's text, written by `graph.rdf.mapping.with_graph_hash`.
_HASH_LINE = re.compile(f'<([^>]*)> {re.escape(term(AG.graphHash))} "([0-9a-f]{{64}})" \\.\n\\Z')


def _hash_line(text: str) -> re.Match[str] | None:
    """The last line, naming the graph (group 1) and its hash (group 2), if it is one."""
    return _HASH_LINE.search(text, max(0, len(text) - 4096))


Packed = list[tuple[str, bytes]]
"""Graph texts compressed for keeping, each with its graph hash."""


def pack(graphs: Graphs) -> Packed:
    """The text of each graph that ends in its graph hash, compressed: the CPU part of
    keeping them, which ingest does while the store is busy with the batch before."""
    packed: Packed = []
    for _, text in graphs:
        tail = _hash_line(text)
        if tail is not None:
            packed.append((tail.group(2), zlib.compress(text.encode("utf-8"), _LEVEL)))
    return packed


class GraphTexts:
    """Graph texts by graph hash, in a directory (or, for an in-memory store, a dict)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._memory: dict[str, bytes] = {}

    def keep(self, graphs: Graphs, packed: Packed | None = None) -> set[str]:
        """Keep the text of each graph that ends in its graph hash (any other is skipped:
        the sync will read that graph from the store) and return those hashes; `packed`
        is `pack(graphs)` if the caller compressed them already. Best effort: a disk that
        refuses the copy costs the sync time, not data."""
        packed = pack(graphs) if packed is None else packed
        for graph_hash, data in packed:
            self._put(graph_hash, data)
        return {graph_hash for graph_hash, _ in packed}

    def text(self, graph: str, graph_hash: str) -> str | None:
        """The text of this graph at this hash, or None if not kept or not intact."""
        packed = self._get(graph_hash)
        if packed is None:
            return None
        try:
            text = zlib.decompress(packed).decode("utf-8")
        except (zlib.error, UnicodeDecodeError):
            return None
        # zlib's checksum guards the bytes; the last line names the graph and the version.
        # (Hashing the body again would cost a tenth of reading the text.)
        tail = _hash_line(text)
        if tail is None or tail.group(1) != graph or tail.group(2) != graph_hash:
            return None
        return text

    def discard(self, graph_hashes: list[str]) -> None:
        """Forget the texts of versions the store no longer holds."""
        for graph_hash in graph_hashes:
            self._memory.pop(graph_hash, None)
            if self.directory is not None:
                with contextlib.suppress(OSError):
                    self._path(graph_hash).unlink(missing_ok=True)

    def _path(self, graph_hash: str) -> Path:
        assert self.directory is not None
        return self.directory / graph_hash[:2] / f"{graph_hash}.nt.z"

    def _put(self, graph_hash: str, packed: bytes) -> None:
        if self.directory is None:
            self._memory[graph_hash] = packed
            return
        path = self._path(graph_hash)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(packed)
        except OSError:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)

    def _get(self, graph_hash: str) -> bytes | None:
        if self.directory is None:
            return self._memory.get(graph_hash)
        try:
            return self._path(graph_hash).read_bytes()
        except OSError:
            return None

"""A new FalkorDB graph built with GRAPH.BULK (docs.falkordb.com/design/bulk-spec).

Nodes and edges go over as binary blobs, one per label set or relationship type: no Cypher
to parse and, above all, no index lookup per element. A relationship names its ends by
internal node id, which is the order of creation (the first node created is 0), so the
builder numbers nodes as it sends them and remembers each IRI's number. The command only
creates a graph that does not exist yet, and each call after the first adds to it.

Most of a batch belongs to its documents alone (their statements, acts and the edges at
them), and the sync's reading workers encode that part themselves (`encode_local`): their
nodes as finished blobs, their edges with each end named by its place among those nodes or,
for a node of other documents (an actor), by IRI. The sync's own process then only numbers
the nodes, writes in the ends and sends; turning rows into bytes there, and passing the rows
between processes, had made it the slowest step of a bulk build.
"""

from __future__ import annotations

import struct
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.property.rows import EdgeRow, NodeRow
from loaders.errors import BackendError

RESOURCE = "Resource"

# The type byte before each value (FalkorDB's src/bulk_insert/bulk_insert.c).
_NULL, _BOOL, _DOUBLE, _STRING, _LONG, _ARRAY = (bytes([t]) for t in range(6))
_LONG_VALUE = struct.Struct("<bq")
_DOUBLE_VALUE = struct.Struct("<bd")
_ARRAY_HEAD = struct.Struct("<bq")
_ENDS = struct.Struct("<QQ")
_COUNT = struct.Struct("<I")

Send = Callable[[list[bytes | str | int]], None]
"""Runs one GRAPH.BULK with these arguments (after the graph's name)."""

End = int | str
"""A relationship end in `LocalBlobs`: the place of a node among its nodes, or an IRI."""


@dataclass
class EdgeBlob:
    """One relationship type's edges, encoded but for their ends."""

    header: bytes
    sources: list[End] = field(default_factory=list)
    targets: list[End] = field(default_factory=list)
    entries: list[bytes] = field(default_factory=list)


@dataclass
class LocalBlobs:
    """Nodes no other batch has and the edges at them, encoded (`encode_local`)."""

    iris: list[str] = field(default_factory=list)  # in the order the node blobs hold them
    node_blobs: list[bytes] = field(default_factory=list)
    edge_blobs: list[EdgeBlob] = field(default_factory=list)


class BulkValueError(BackendError):
    """A value the bulk format cannot carry (a text holding a NUL character, which no
    FalkorDB string can hold either)."""


def nul_refused(text: str) -> BulkValueError:
    """The error for a text FalkorDB cannot hold (its strings end at a NUL)."""
    shown = text if len(text) <= 80 else text[:80] + "…"
    return BulkValueError(f"FalkorDB cannot hold a text with a NUL character: {shown!r}")


def value_bytes(value: Any) -> bytes:
    """One property value: its type byte, then the value (strings NUL-terminated)."""
    kind = type(value)
    if kind is str:
        if "\0" in value:
            raise nul_refused(value)
        encoded: bytes = value.encode("utf-8")
        return _STRING + encoded + b"\0"
    if kind is list or kind is tuple:
        return _ARRAY_HEAD.pack(5, len(value)) + b"".join([value_bytes(v) for v in value])
    if kind is bool:
        return _BOOL + (b"\1" if value else b"\0")
    if kind is int:
        return _LONG_VALUE.pack(4, value)
    if kind is float:
        return _DOUBLE_VALUE.pack(2, value)
    if value is None:
        return _NULL
    raise BulkValueError(f"a {kind.__name__} value cannot be bulk-inserted")


def _header(name: str, keys: Sequence[str]) -> bytes:
    """The blob's label(s) or type, then how many properties each entry has, and their names."""
    names = b"".join(k.encode("utf-8") + b"\0" for k in keys)
    return name.encode("utf-8") + b"\0" + _COUNT.pack(len(keys)) + names


def _entries(props: Sequence[dict[str, Any]], keys: Sequence[str]) -> list[bytes]:
    """Each entry's values in the header's order; a value that cannot be sent is named
    with the documents it came from."""
    try:
        return [b"".join([value_bytes(entry.get(k)) for k in keys]) for entry in props]
    except BulkValueError as exc:
        for entry in props:
            try:
                b"".join([value_bytes(entry.get(k)) for k in keys])
            except BulkValueError:
                documents = ", ".join(entry.get("documents") or [])
                raise BulkValueError(f"{exc} (in {documents or 'the ontology'})") from None
        raise


def _keys(props: Iterable[dict[str, Any]]) -> list[str]:
    """Every property name in the group (an entry without one sends null, which is skipped)."""
    return list(dict.fromkeys(k for entry in props for k in entry))


def node_properties(node: NodeRow) -> dict[str, Any]:
    """What `cypher.create_nodes` sets on a node."""
    return {**node.props, "iri": node.iri, "documents": node.documents}


def edge_properties(edge: EdgeRow) -> dict[str, Any]:
    """What `cypher.create_edges` sets on a relationship."""
    return {**edge.props, "owner": edge.owner, "documents": edge.documents}


def encode_local(nodes: Sequence[NodeRow], edges: Sequence[EdgeRow]) -> LocalBlobs:
    """These nodes (found in no other batch) and edges (each at one of them, or between
    nodes of other batches), encoded for `FalkorDBGraphBuilder.add`; run where they are read."""
    local = LocalBlobs()
    local.iris, local.node_blobs = _node_blobs(nodes)
    local.edge_blobs = _edge_blobs(edges, {iri: place for place, iri in enumerate(local.iris)})
    return local


def _edge_blobs(edges: Iterable[EdgeRow], places: dict[str, int]) -> list[EdgeBlob]:
    """Edges by relationship type, encoded but for their ends: an end that is in `places`
    (a node of the batch's own) by its place there, any other by its IRI."""
    by_type: dict[str, list[EdgeRow]] = defaultdict(list)
    for edge in edges:
        by_type[edge.type].append(edge)
    blobs = []
    for rel_type, typed in by_type.items():
        props = [edge_properties(e) for e in typed]
        keys = _keys(props)
        sources: list[End] = [places.get(e.source, e.source) for e in typed]
        targets: list[End] = [places.get(e.target, e.target) for e in typed]
        blobs.append(EdgeBlob(_header(rel_type, keys), sources, targets, _entries(props, keys)))
    return blobs


def _node_blobs(nodes: Sequence[NodeRow]) -> tuple[list[str], list[bytes]]:
    """Nodes encoded a blob per label set: their IRIs in the order the blobs hold them (the
    order the server creates and so numbers them), and the blobs."""
    by_labels: dict[tuple[str, ...], list[NodeRow]] = defaultdict(list)
    for node in nodes:
        by_labels[node.labels].append(node)
    iris: list[str] = []
    blobs = []
    for labels, group in by_labels.items():
        iris.extend(n.iri for n in group)
        blobs.append(_node_blob(labels, group))
    return iris, blobs


def _node_blob(labels: tuple[str, ...], nodes: Sequence[NodeRow]) -> bytes:
    props = [node_properties(n) for n in nodes]
    keys = _keys(props)
    return _header(":".join([RESOURCE, *labels]), keys) + b"".join(_entries(props, keys))


class FalkorDBGraphBuilder:
    """Builds a graph that does not exist yet, one `add` (one GRAPH.BULK) at a time."""

    encode = staticmethod(encode_local)

    def __init__(self, send: Send) -> None:
        self._send = send
        self._ids: dict[str, int] = {}
        self._begun = False

    def __contains__(self, iri: str) -> bool:
        return iri in self._ids

    def add(
        self, nodes: Sequence[NodeRow], edges: Sequence[EdgeRow], local: LocalBlobs | None = None
    ) -> int:
        """Create these nodes (IRIs not added before), then the encoded ones, and the edges
        whose ends have been added, now or before; return how many edges were left out
        for want of an end."""
        iris, node_blobs = _node_blobs(nodes)
        self._number(iris)
        local = local or LocalBlobs()
        node_blobs += local.node_blobs
        base = self._number(local.iris)
        edge_blobs: list[bytes] = []
        edge_count = left_out = 0
        for blob in [*_edge_blobs(edges, {}), *local.edge_blobs]:  # ends looked up here
            encoded, count = self._ends_written(blob, base)
            if count:
                edge_blobs.append(encoded)
            edge_count += count
            left_out += len(blob.entries) - count
        node_count = len(nodes) + len(local.iris)
        if not node_count and not edge_count:
            return left_out
        args: list[bytes | str | int] = ["BEGIN"] if not self._begun else []
        args += [node_count, edge_count, len(node_blobs), len(edge_blobs)]
        self._send([*args, *node_blobs, *edge_blobs])
        self._begun = True
        return left_out

    def _number(self, iris: list[str]) -> int:
        """Number nodes after those added so far, in the order they are sent; the first
        one's number."""
        ids, base = self._ids, len(self._ids)
        again = next((iri for iri in iris if iri in ids), None)
        if again is not None:
            raise ValueError(f"node {again} was added to the new graph before")
        ids.update(zip(iris, range(base, base + len(iris)), strict=True))
        if len(ids) != base + len(iris):
            raise ValueError("a node was given twice to be added to the new graph")
        return base

    def _ends_written(self, blob: EdgeBlob, base: int) -> tuple[bytes, int]:
        """An encoded edge blob with its ends' node numbers; edges whose end is no node left
        out. How many edges it holds."""
        ids, ends = self._ids, _ENDS.pack
        parts = [blob.header]
        for source, target, entry in zip(blob.sources, blob.targets, blob.entries, strict=True):
            s = base + source if isinstance(source, int) else ids.get(source)
            t = base + target if isinstance(target, int) else ids.get(target)
            if s is not None and t is not None:
                parts.append(ends(s, t) + entry)
        return b"".join(parts), len(parts) - 1

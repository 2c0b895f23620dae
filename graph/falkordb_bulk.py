"""A new FalkorDB graph built with GRAPH.BULK (docs.falkordb.com/design/bulk-spec).

Nodes and edges go over as binary blobs, one per label set or relationship type: no Cypher
to parse and, above all, no index lookup per element. A relationship names its ends by
internal node id, which is the order of creation (the first node created is 0), so the
builder numbers nodes as it sends them and remembers each IRI's number. The command only
creates a graph that does not exist yet, and each call after the first adds to it.
"""

from __future__ import annotations

import struct
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from graph.property_graph import EdgeRow, NodeRow
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


class FalkorDBGraphBuilder:
    """Builds a graph that does not exist yet, one `add` (one GRAPH.BULK) at a time."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._ids: dict[str, int] = {}
        self._begun = False

    def __contains__(self, iri: str) -> bool:
        return iri in self._ids

    def add(self, nodes: Sequence[NodeRow], edges: Sequence[EdgeRow]) -> int:
        """Create these nodes (IRIs not added before) and the edges whose ends have been
        added, now or before; return how many edges were left out for want of an end."""
        node_blobs = self._node_blobs(nodes)
        by_type: dict[str, list[EdgeRow]] = defaultdict(list)
        left_out = 0
        for edge in edges:
            if edge.source in self._ids and edge.target in self._ids:
                by_type[edge.type].append(edge)
            else:
                left_out += 1
        edge_blobs = [self._edge_blob(t, group) for t, group in by_type.items()]
        edge_count = sum(len(group) for group in by_type.values())
        if not nodes and not edge_count:
            return left_out
        args: list[bytes | str | int] = ["BEGIN"] if not self._begun else []
        args += [len(nodes), edge_count, len(node_blobs), len(edge_blobs)]
        self._send([*args, *node_blobs, *edge_blobs])
        self._begun = True
        return left_out

    def _node_blobs(self, nodes: Sequence[NodeRow]) -> list[bytes]:
        by_labels: dict[tuple[str, ...], list[NodeRow]] = defaultdict(list)
        for node in nodes:
            if node.iri in self._ids:
                raise ValueError(f"node {node.iri} was added to the new graph before")
            by_labels[node.labels].append(node)
        blobs = []
        for labels, group in by_labels.items():
            for node in group:  # numbered in the order the server creates them
                self._ids[node.iri] = len(self._ids)
            props = [node_properties(n) for n in group]
            keys = _keys(props)
            name = ":".join([RESOURCE, *labels])
            blobs.append(_header(name, keys) + b"".join(_entries(props, keys)))
        return blobs

    def _edge_blob(self, rel_type: str, edges: list[EdgeRow]) -> bytes:
        props = [edge_properties(e) for e in edges]
        keys = _keys(props)
        ids, ends = self._ids, _ENDS.pack
        entries = _entries(props, keys)
        return _header(rel_type, keys) + b"".join(
            [ends(ids[e.source], ids[e.target]) + x for e, x in zip(edges, entries, strict=True)]
        )

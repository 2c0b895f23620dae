"""A first sync into a graph that does not exist yet, built in bulk (`GraphBuilder`).

The rows are the ones the incremental sync writes, batch for batch, and they end up the
same: what a batch creates goes to the builder, and what a later batch meets again (a
shared actor, an actor's part-of stated in many documents) is gathered here, one row per
node or edge, for the Cypher upserts the incremental sync runs, once the build is over
and the index exists (`run._finish_build`). The graph hashes are written after that,
so a build cut off is started again from nothing by the next sync.

A batch is split where it is read (`batch_parts`, in the sync's reading workers): the
nodes of its documents alone (a statement, an act, the document) and the edges at them,
which the builder encodes there, and the nodes other documents share (actors) with the
edges between them, which are weighed here against what earlier batches created. A shared
node's labels and properties are the union of what every document says of it; a build
reads every document, so it unites them here as they come (the incremental sync asks the
store, one query per actor, which had become a third of a large build's reading).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from graph.property.backend import GraphBuilder
from graph.property.rows import EdgeRow, NodeRow
from graph.sync.mapping import (
    DocumentRows,
    labels_and_properties,
    merged_edges,
    merged_nodes,
    shared_by_documents,
)

EdgeKey = tuple[str, str, str, str]
Pair = tuple[str, str]


@dataclass
class BatchParts:
    """A batch of documents as read for a bulk build: its documents' own part encoded."""

    hashes: list[dict[str, str]]  # each document's, for `SET_GRAPH_HASHES`
    nodes: int  # rows as read, for the sync's report
    edges: int
    shared_nodes: list[NodeRow] = field(default_factory=list)
    shared_edges: list[EdgeRow] = field(default_factory=list)
    shared_pairs: dict[str, set[Pair]] = field(default_factory=dict)  # of the batch's documents
    local: Any = None  # the builder's encoding of the rest


def batch_parts(
    encode: Callable[[list[NodeRow], list[EdgeRow]], Any], documents: Sequence[DocumentRows]
) -> BatchParts:
    """Split a batch (one row per node and edge, as a whole batch is merged) and encode the
    part that belongs to its documents alone."""
    parts = BatchParts(
        [{"iri": d.document, "hash": d.graph_hash} for d in documents],
        sum(len(d.nodes) for d in documents),
        sum(len(d.edges) for d in documents),
    )
    for document in documents:
        for iri, pairs in document.shared_pairs.items():
            parts.shared_pairs.setdefault(iri, set()).update(pairs)
    own: list[NodeRow] = []
    for iri, node in merged_nodes(n for d in documents for n in d.nodes).items():
        (parts.shared_nodes if shared_by_documents(iri) else own).append(node)
    iris = {n.iri for n in own}
    own_edges: list[EdgeRow] = []
    for edge in merged_edges(e for d in documents for e in d.edges):
        mine = edge.source in iris or edge.target in iris or edge.owner in iris
        (own_edges if mine else parts.shared_edges).append(edge)
    parts.local = encode(own, own_edges)
    return parts


class BulkBuild:
    """Batches of document rows into a new graph; what comes back is kept for later."""

    def __init__(self, builder: GraphBuilder) -> None:
        self.builder = builder
        self.nodes_again: dict[str, NodeRow] = {}
        self.edges_again: dict[EdgeKey, EdgeRow] = {}
        self.hashes: list[dict[str, str]] = []  # each document's, for `SET_GRAPH_HASHES`
        self._pairs: dict[str, set[Pair]] = {}  # of each shared node, in the batches so far
        self._mapped: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {}  # from those

    @property
    def prepare(self) -> Callable[[Sequence[DocumentRows]], BatchParts]:
        """What splits and encodes a batch where it is read (it pickles, for a worker)."""
        return partial(batch_parts, self.builder.encode)

    def add(self, nodes: Sequence[NodeRow], parts: BatchParts | None = None) -> None:
        """One batch: these nodes (the ontology's, with the first batch) and a batch read."""
        shared = [*nodes, *(self._united(parts.shared_nodes, parts.shared_pairs) if parts else [])]
        builder = self.builder
        new = {node.iri: node for node in shared if node.iri not in builder}
        for node in shared:
            if node.iri not in new:
                self._node_again(node)
        created: list[EdgeRow] = []
        for edge in parts.shared_edges if parts else []:
            # An edge at a node this batch creates cannot exist yet; any other may.
            if edge.source in new or edge.target in new or edge.owner in new:
                created.append(edge)  # the builder leaves it out if an end is missing
            elif edge.source in builder and edge.target in builder:
                self._edge_again(edge)
        builder.add(list(new.values()), created, parts.local if parts else None)
        if parts:
            self.hashes.extend(parts.hashes)

    def _united(self, nodes: list[NodeRow], pairs: dict[str, set[Pair]]) -> list[NodeRow]:
        """Shared nodes with the labels and properties of every document read so far."""
        for iri, more in pairs.items():
            known = self._pairs.setdefault(iri, set())
            if iri not in self._mapped or not more <= known:
                known.update(more)
                self._mapped[iri] = labels_and_properties(known)
        for node in nodes:
            if node.iri in pairs:
                node.labels, node.props = self._mapped[node.iri]
        return nodes

    def _node_again(self, node: NodeRow) -> None:
        """The latest labels and properties (an upsert sets them), every document."""
        earlier = self.nodes_again.get(node.iri)
        if earlier is None:
            self.nodes_again[node.iri] = NodeRow(node.iri, node.labels, node.props, node.documents)
        else:
            earlier.labels, earlier.props = node.labels, node.props
            earlier.documents.extend(node.documents)

    def _edge_again(self, edge: EdgeRow) -> None:
        """Properties merged in order (a merge adds them), every document."""
        key = (edge.type, edge.source, edge.target, edge.owner)
        earlier = self.edges_again.get(key)
        if earlier is None:
            self.edges_again[key] = EdgeRow(*key, list(edge.documents), dict(edge.props))
        else:
            earlier.documents.extend(edge.documents)
            earlier.props.update(edge.props)

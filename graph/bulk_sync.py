"""A first sync into a graph that does not exist yet, built in bulk (`GraphBuilder`).

The rows are the ones the incremental sync writes, batch for batch, and they end up the
same: what a batch creates goes to the builder, and what a later batch meets again (a
shared actor, an actor's part-of stated in many documents) is gathered here, one row per
node or edge, for the Cypher upserts the incremental sync runs, once the build is over
and the index exists (`sync._finish_build`). The graph hashes are written after that,
so a build cut off is started again from nothing by the next sync.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.backend import GraphBuilder
from graph.property_graph import DocumentRows, EdgeRow, NodeRow, merged_edges, merged_nodes

EdgeKey = tuple[str, str, str, str]


class BulkBuild:
    """Batches of document rows into a new graph; what comes back is kept for later."""

    def __init__(self, builder: GraphBuilder) -> None:
        self.builder = builder
        self.nodes_again: dict[str, NodeRow] = {}
        self.edges_again: dict[EdgeKey, EdgeRow] = {}
        self.hashes: list[dict[str, str]] = []  # each document's, for `SET_GRAPH_HASHES`

    def add(self, nodes: Sequence[NodeRow], documents: Sequence[DocumentRows] = ()) -> None:
        """One batch: these nodes (the ontology's, with the first batch) and documents."""
        merged = merged_nodes([*nodes, *(n for d in documents for n in d.nodes)])
        builder = self.builder
        new = {iri: node for iri, node in merged.items() if iri not in builder}
        for iri, node in merged.items():
            if iri not in new:
                self._node_again(node)
        created: list[EdgeRow] = []
        for edge in merged_edges(e for d in documents for e in d.edges):
            # An edge at a node this batch creates cannot exist yet; any other may.
            if edge.source in new or edge.target in new or edge.owner in new:
                created.append(edge)  # the builder leaves it out if an end is missing
            elif edge.source in builder and edge.target in builder:
                self._edge_again(edge)
        builder.add(list(new.values()), created)
        self.hashes.extend({"iri": d.document, "hash": d.graph_hash} for d in documents)

    def _node_again(self, node: NodeRow) -> None:
        """The latest labels and properties (an upsert sets them), every document."""
        earlier = self.nodes_again.get(node.iri)
        documents = [*(earlier.documents if earlier else []), *node.documents]
        self.nodes_again[node.iri] = NodeRow(node.iri, node.labels, node.props, documents)

    def _edge_again(self, edge: EdgeRow) -> None:
        """Properties merged in order (a merge adds them), every document."""
        key = (edge.type, edge.source, edge.target, edge.owner)
        earlier = self.edges_again.get(key)
        if earlier is None:
            self.edges_again[key] = EdgeRow(*key, list(edge.documents), dict(edge.props))
        else:
            earlier.documents.extend(edge.documents)
            earlier.props.update(edge.props)

"""Network pictures of who accused whom: a subgraph of an investigator's question, drawn
with pyvis (vis-network) as one standalone, offline HTML page or an embeddable snippet.

Build a `Subgraph` with one of the builders, then `render_network` it.
"""

from viz.model import Evidence, Source, Subgraph, VizEdge, VizNode
from viz.render import render_network
from viz.subgraphs import (
    chains_subgraph,
    cypher_subgraph,
    mirrors_subgraph,
    neighbourhood_subgraph,
    network_subgraph,
    sparql_subgraph,
)

__all__ = [
    "Evidence",
    "Source",
    "Subgraph",
    "VizEdge",
    "VizNode",
    "chains_subgraph",
    "cypher_subgraph",
    "mirrors_subgraph",
    "neighbourhood_subgraph",
    "network_subgraph",
    "render_network",
    "sparql_subgraph",
]
